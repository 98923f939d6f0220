"""Step dispatch in one place: a task's target and payload to its handler, with one structured
log line and one trace span per delivery (step, job, stage, scene, attempt, latency, outcome;
common/services/observability/delivery_spans.py).

Both ways a step is delivered come through here: the in-process queue (bootstrap binds
`StepRouter.deliver`) and the HTTP step functions (functions/steps.py calls `run`). The targets
it knows are the step registry's (common/domain/steps.py); bootstrap hands it one handler per
registered step and it refuses to be built with one missing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from common.domain import steps
from common.domain.base import StrictModel
from common.domain.commands import StepCommand, parse
from common.domain.errors import InvalidInputError, StoryGeniusError
from common.domain.schedule import PublishCommand
from common.domain.steps import StepSpec
from common.ports import Delivery, Task
from common.ports.tracing import NULL_TRACER, OUTCOME, Tracer
from common.services.observability.delivery_spans import delivery_span

log = logging.getLogger("storygenius.steps")

# A handler gets the step's parsed payload (the registry's `payload` model).
Handler = Callable[[Any, Delivery], None]


def _labels(spec: StepSpec, command: StrictModel) -> dict[str, Any]:
    """What a delivery's log line says about the work it carries."""
    if isinstance(command, StepCommand):
        return {"job_id": command.job_id, "stage": spec.stage, "scene": command.scene_id}
    if isinstance(command, PublishCommand):
        return {"schedule_id": command.schedule_id}
    return {}


class StepRouter:
    def __init__(self, handlers: Mapping[StepSpec, Handler], tracer: Tracer = NULL_TRACER) -> None:
        unbound = [s.name for s in steps.STEPS if s not in handlers]
        if unbound:
            raise ValueError(f"steps without a handler: {unbound}")
        self._handlers = dict(handlers)
        self._tracer = tracer

    def deliver(self, task: Task, delivery: Delivery) -> None:
        """The in-process queue's dispatch function."""
        self.run(task.target, task.payload, delivery)

    def run(self, step: str, payload: Mapping[str, Any], delivery: Delivery) -> None:
        """Run one delivery of `step`. Raises InvalidInputError for a malformed payload or an
        unknown step (the caller drops the task) and retryable errors for the queue to deliver
        again."""
        started = time.monotonic()
        fields: dict[str, Any] = {"step": step, "attempt": delivery.attempt}
        outcome = "ok"
        with delivery_span(self._tracer, step, delivery) as span:
            try:
                spec = steps.find(step)
                if spec is None:
                    raise InvalidInputError(f"unknown step {step!r}", fields={"step": step})
                command = parse(spec.payload, dict(payload))
                fields.update(_labels(spec, command))
                span.label(spec, command)
                self._handlers[spec](command, delivery)
            except InvalidInputError as exc:
                outcome = "dropped"
                fields["error"] = exc.message
                raise
            except StoryGeniusError as exc:
                outcome = "retry" if exc.retryable else "error"
                fields["error"] = exc.message
                raise
            except Exception as exc:
                outcome = "error"
                fields["error"] = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                fields["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
                fields["outcome"] = outcome
                span.span.set(OUTCOME, outcome)
                level = logging.INFO if outcome == "ok" else logging.WARNING
                log.log(
                    level, "%s %s in %.0f ms", step, outcome, fields["latency_ms"], extra=fields
                )
