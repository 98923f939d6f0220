"""Structured logs: one JSON object per line, as Cloud Logging reads them from stdout.

`severity` and `message` become the entry's severity and text; `logging.googleapis.com/labels`
its labels (strings, for filtering: job id, step, stage, scene); every other field lands in
`jsonPayload` (latency, attempt, outcome...). The same lines are written by `python main.py serve`.

Fields come from a record's `extra={...}`: those named in STRUCTURED are copied as they are, and
those in LABELS also become labels. A line written inside a trace span carries the fields Cloud
Logging correlates with Cloud Trace (`logging.googleapis.com/trace`, `.../spanId`), so a job's
log lines show under its trace; `correlate_traces` tells the formatter how to find the span.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

LABELS = ("job_id", "step", "stage", "scene", "schedule_id", "series_id")
STRUCTURED = (*LABELS, "latency_ms", "attempt", "outcome", "task", "error", "tick", "late")
_SEVERITY = {
    logging.DEBUG: "DEBUG",
    logging.INFO: "INFO",
    logging.WARNING: "WARNING",
    logging.ERROR: "ERROR",
    logging.CRITICAL: "CRITICAL",
}
_MARK = "_storygenius_json"
TRACE_FIELD = "logging.googleapis.com/trace"
SPAN_FIELD = "logging.googleapis.com/spanId"
SAMPLED_FIELD = "logging.googleapis.com/trace_sampled"

# (project, current (trace id, span id) or None): set once services exist (correlate_traces).
_correlation: tuple[str, Callable[[], tuple[str, str] | None]] | None = None


def correlate_traces(project: str, current_ids: Callable[[], tuple[str, str] | None]) -> None:
    """Log lines name the trace span they were written in: `current_ids` gives the current
    (trace id, span id); `project` makes the trace's resource name (Cloud Logging needs
    `projects/P/traces/T`; without a project the bare trace id is written)."""
    global _correlation
    _correlation = (project, current_ids)


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON in Cloud Logging's structured format."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "severity": _SEVERITY.get(record.levelno, record.levelname),
            "message": record.getMessage(),
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "logger": record.name,
        }
        labels = {}
        for name in STRUCTURED:
            value = getattr(record, name, None)
            if value is None:
                continue
            entry[name] = value
            if name in LABELS:
                labels[name] = str(value)
        if labels:
            entry["logging.googleapis.com/labels"] = labels
        ids = _correlation[1]() if _correlation is not None else None
        if ids is not None and _correlation is not None:
            project, (trace_id, span_id) = _correlation[0], ids
            entry[TRACE_FIELD] = f"projects/{project}/traces/{trace_id}" if project else trace_id
            entry[SPAN_FIELD] = span_id
            entry[SAMPLED_FIELD] = True
        if record.exc_info:
            entry["stack_trace"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_json_logging(level: int | str = logging.INFO) -> None:
    """Send the process's logs to stdout as JSON lines (idempotent): the cloud functions and
    `serve` call it when they build their services."""
    root = logging.getLogger()
    if any(getattr(h, _MARK, False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    setattr(handler, _MARK, True)
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
