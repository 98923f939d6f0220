"""TaskQueue and JobRunner: how one pipeline step hands work to the next."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Task:
    """One delivery of `payload` to the step `target` (a step of common/domain/steps.py).

    `name` de-duplicates: a second task with the same name is dropped while the first is known.
    `delay_s` schedules it for later (Veo polling). Payloads carry ids, never media.
    """

    target: str
    payload: dict[str, Any] = field(default_factory=dict)
    name: str | None = None
    delay_s: float = 0.0


@dataclass(frozen=True)
class Delivery:
    """What a step handler learns about the delivery it is serving (Cloud Tasks headers).

    `trace` is the W3C trace context the task was enqueued in (`traceparent`, `tracestate`):
    the delivery's span is a child of the span that enqueued it (common/ports/tracing.py)."""

    task_name: str = ""
    attempt: int = 1
    max_attempts: int = 5
    trace: Mapping[str, str] = field(default_factory=dict)

    @property
    def last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts


class TaskQueue(Protocol):
    def enqueue(self, task: Task) -> bool:
        """Queue the task; False when a task of the same name was already queued (a no-op)."""


class JobRunner(Protocol):
    def run_assembly(self, job_id: str, tasks: int = 1) -> None:
        """Start assembling the job's video in `tasks` tasks (each encodes a share of the
        segments; one joins: common/services/pipeline/assembly_tasks.py). Cloud: a Cloud Run
        job execution of that many tasks, not awaited (it carries the caller's trace context
        into the execution's environment)."""


# What a queue or a runner asks for the trace context to carry with the work it hands on
# (bootstrap passes the tracer's `carrier`; none: nothing is carried).
TraceContext = Callable[[], Mapping[str, str]]
