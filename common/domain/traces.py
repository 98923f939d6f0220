"""A job's trace as the API answers it: the spans of its requests, step deliveries, provider
calls and ffmpeg runs, each with its parent, so a client can draw the waterfall."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from common.domain.base import StrictModel

SpanStatus = Literal["unset", "ok", "error"]
SpanAttribute = str | bool | int | float | list[str]


class SpanRecord(StrictModel):
    """One finished span. `parent_span_id` is None for a trace's root (or a span whose parent
    is not kept with the job, such as the scheduler tick that started it)."""

    trace_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    span_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    parent_span_id: str | None = Field(None, pattern=r"^[0-9a-f]{16}$")
    name: str
    kind: str = "internal"
    start_time: datetime
    end_time: datetime
    status: SpanStatus = "unset"
    error: str | None = None
    attributes: dict[str, SpanAttribute] = Field(default_factory=dict)


class JobTrace(StrictModel):
    """Every span kept for one job, in start order (`GET /v1/jobs/{id}/trace`)."""

    job_id: str
    trace_ids: list[str] = Field(description="usually one: a job is one trace")
    spans: list[SpanRecord]
