"""Tracer: spans of one job's work, whichever process or queue hop they happen in.

A job is one trace. Its API request, every step delivery, every provider call and every ffmpeg
run is a span; the W3C `traceparent` carried on each task (Cloud Tasks HTTP headers, the
in-process queue's deliveries) and into the assembly job makes every hop a child of the span
that enqueued it. The OpenTelemetry SDK stays in the adapter (common/adapters/otel); services
and entry points see this port, and `NULL_TRACER` (which records nothing) wherever tracing is
not wired, so a service never checks whether it has a tracer.

Attribute names are spelled once, here (STYLE 14): the local span store finds a job's spans by
`JOB_ID`, and the Studio labels a span with its `SCENE`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Literal, Protocol

AttributeValue = str | bool | int | float | Sequence[str]
Attributes = Mapping[str, AttributeValue]
# W3C trace context as headers (`traceparent`, `tracestate`): what crosses a hop.
Carrier = Mapping[str, str]
SpanKind = Literal["internal", "server", "client", "producer", "consumer"]

# The headers (lower case) that carry trace context across a hop, and the environment variables
# that carry it into a process (the assembly job), per OpenTelemetry's environment carrier.
TRACE_HEADERS = ("traceparent", "tracestate")
TRACE_ENV = {"traceparent": "TRACEPARENT", "tracestate": "TRACESTATE"}

JOB_ID = "storygenius.job_id"
STEP = "storygenius.step"
STAGE = "storygenius.stage"
SCENE = "storygenius.scene"
ATTEMPT = "storygenius.attempt"
QUEUE = "storygenius.queue"
TASK = "storygenius.task"
POLL = "storygenius.poll"
DUPLICATE = "storygenius.duplicate"
OUTCOME = "storygenius.outcome"
PROVIDER = "storygenius.provider"
MODEL = "storygenius.model"
UNITS = "storygenius.units"
UNIT = "storygenius.unit"
ESTIMATED_USD = "storygenius.cost.estimated_usd"
ACTUAL_USD = "storygenius.cost.actual_usd"
OPERATION = "storygenius.operation"
FRAMES = "storygenius.ffmpeg.frames"
SPEED = "storygenius.ffmpeg.speed"
CPU_S = "storygenius.ffmpeg.cpu_s"


class Span(Protocol):
    """One timed piece of work; attributes may be added while it runs."""

    def set(self, key: str, value: AttributeValue) -> None:
        """Set one attribute."""

    def fail(self, error: BaseException) -> None:
        """Record `error` on the span and mark it failed (the span still ends normally)."""


class Tracer(Protocol):
    def span(
        self,
        name: str,
        *,
        attributes: Attributes | None = None,
        parent: Carrier | None = None,
        kind: SpanKind = "internal",
    ) -> contextlib.AbstractContextManager[Span]:
        """A span that is current while the block runs, child of the current span, or of the
        span `parent` names (a carrier from another hop: then it starts the local tree). An
        exception leaving the block fails the span and propagates."""

    def record(
        self, name: str, *, start_ns: int, end_ns: int, attributes: Attributes | None = None
    ) -> None:
        """A span that already happened (epoch nanoseconds), child of the current span: work
        timed where no tracer is known (an ffmpeg run)."""

    def current(self) -> Span:
        """The current span (one that records nothing when there is none)."""

    def carrier(self) -> dict[str, str]:
        """The current span's context as W3C headers; empty when there is no current span."""

    def log_ids(self) -> tuple[str, str] | None:
        """(trace id, span id) of the current span in hex, for log correlation; None outside
        any span."""

    def flush(self) -> None:
        """Hand finished spans to the exporters now (before a function instance may freeze)."""


class _NullSpan:
    def set(self, key: str, value: AttributeValue) -> None:
        return None

    def fail(self, error: BaseException) -> None:
        return None


NULL_SPAN = _NullSpan()


class NullTracer:
    """Records nothing: the default of every service that takes a tracer."""

    @contextlib.contextmanager
    def span(
        self,
        name: str,
        *,
        attributes: Attributes | None = None,
        parent: Carrier | None = None,
        kind: SpanKind = "internal",
    ) -> Iterator[Span]:
        yield NULL_SPAN

    def record(
        self, name: str, *, start_ns: int, end_ns: int, attributes: Attributes | None = None
    ) -> None:
        return None

    def current(self) -> Span:
        return NULL_SPAN

    def carrier(self) -> dict[str, str]:
        return {}

    def log_ids(self) -> tuple[str, str] | None:
        return None

    def flush(self) -> None:
        return None


NULL_TRACER: Tracer = NullTracer()


def trace_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The trace context among a request's headers (any case), as a carrier."""
    found = {}
    for name in TRACE_HEADERS:
        value = headers.get(name) or headers.get(name.title())
        if value:
            found[name] = value
    return found
