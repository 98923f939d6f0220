"""JobSpanBuffer: a span processor that keeps each job's spans with the job (the local trace
store behind `GET /v1/jobs/{id}/trace`).

Spans are gathered per *local tree*: the spans this process made under one span whose parent
is remote or absent (a step delivery, an API request, the assembly job). When that local root
ends, its tree is complete; it is written in one go, so a job costs one write per delivery, not
one per span, and nothing waits on a background thread (a function instance may freeze between
requests). Which job a span belongs to is its own `storygenius.job_id` attribute or, failing
that, the nearest ancestor's in its tree (a provider call under a step delivery); trees without
a job (a health check, a list of projects) are not kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace import Span as SdkSpan
from opentelemetry.trace import StatusCode, format_span_id, format_trace_id

from common.domain.traces import SpanRecord
from common.ports.tracing import JOB_ID

log = logging.getLogger(__name__)

Keep = Callable[[str, Sequence[SpanRecord]], None]
_STATUS = {StatusCode.UNSET: "unset", StatusCode.OK: "ok", StatusCode.ERROR: "error"}


class JobSpanBuffer(SpanProcessor):
    def __init__(self, keep: Keep) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self._root_of: dict[int, int] = {}  # span id -> its local root's span id (while open)
        self._finished: dict[int, list[ReadableSpan]] = {}  # local root -> finished spans

    def on_start(self, span: SdkSpan, parent_context: Context | None = None) -> None:
        own = span.context.span_id
        parent = span.parent
        with self._lock:
            root = own
            if parent is not None and not parent.is_remote:
                root = self._root_of.get(parent.span_id, own)
            self._root_of[own] = root

    def on_end(self, span: ReadableSpan) -> None:
        assert span.context is not None
        own = span.context.span_id
        with self._lock:
            root = self._root_of.pop(own, own)
            self._finished.setdefault(root, []).append(span)
            if root != own:
                return
            tree = self._finished.pop(root)
        self._write(tree)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Writes the trees whose root has not ended (only a span leaked past its parent)."""
        with self._lock:
            open_roots = set(self._root_of.values())
            trees = [t for r, t in self._finished.items() if r not in open_roots]
            for root in [r for r in self._finished if r not in open_roots]:
                del self._finished[root]
        for tree in trees:
            self._write(tree)
        return True

    def shutdown(self) -> None:
        self.force_flush()

    def _write(self, tree: list[ReadableSpan]) -> None:
        by_job: dict[str, list[SpanRecord]] = {}
        for span, job_id in _with_jobs(tree):
            if job_id:
                by_job.setdefault(job_id, []).append(span_record(span))
        for job_id, records in by_job.items():
            try:
                self._keep(job_id, records)
            except Exception:
                # Telemetry must never fail the work it describes: the step already did its
                # job; losing its spans costs a gap in the waterfall, not a failed video.
                count = len(records)
                log.warning("could not keep %d span(s) of job %s", count, job_id, exc_info=True)


def _with_jobs(tree: list[ReadableSpan]) -> list[tuple[ReadableSpan, str | None]]:
    """Each span with its job: its own attribute, else its nearest ancestor's in the tree."""
    by_id = {s.context.span_id: s for s in tree if s.context is not None}

    def job_of(span: ReadableSpan) -> str | None:
        seen = 0
        current: ReadableSpan | None = span
        while current is not None and seen <= len(by_id):
            job = (current.attributes or {}).get(JOB_ID)
            if isinstance(job, str) and job:
                return job
            parent = current.parent
            current = by_id.get(parent.span_id) if parent is not None else None
            seen += 1
        return None

    return [(span, job_of(span)) for span in tree]


def span_record(span: ReadableSpan) -> SpanRecord:
    """A finished SDK span as the domain's SpanRecord."""
    assert span.context is not None
    parent = span.parent
    status = span.status
    attributes = {
        key: (list(value) if isinstance(value, tuple) else value)
        for key, value in (span.attributes or {}).items()
    }
    return SpanRecord(
        trace_id=format_trace_id(span.context.trace_id),
        span_id=format_span_id(span.context.span_id),
        parent_span_id=format_span_id(parent.span_id) if parent is not None else None,
        name=span.name,
        kind=span.kind.name.lower(),
        start_time=_time(span.start_time),
        end_time=_time(span.end_time or span.start_time),
        status=_STATUS.get(status.status_code, "unset"),  # type: ignore[arg-type]
        error=status.description if status.status_code == StatusCode.ERROR else None,
        attributes=attributes,  # type: ignore[arg-type]
    )


def _time(ns: int | None) -> datetime:
    return datetime.fromtimestamp((ns or 0) / 1e9, UTC)
