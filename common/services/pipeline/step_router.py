"""Step dispatch in one place: a task's target and payload to its handler, with one structured
log line per delivery (step, job, stage, scene, attempt, latency, outcome).

Both ways a step is delivered come through here: the in-process queue (bootstrap binds
`StepRouter.deliver`) and the HTTP step functions (functions/steps.py calls `run`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from common.domain.commands import StepCommand, parse
from common.domain.errors import InvalidInputError, StoryGeniusError
from common.domain.schedule import PublishCommand
from common.ports import Delivery, Task
from common.services.calendar.publishing import PublishService
from common.services.calendar.scheduling import PUBLISH_STEP
from common.services.pipeline.core import STEP_STAGE, Pipeline

log = logging.getLogger("storygenius.steps")

PIPELINE_STEPS = tuple(STEP_STAGE)
STEPS = (*PIPELINE_STEPS, PUBLISH_STEP)


class StepRouter:
    def __init__(self, pipeline: Pipeline, publishing: PublishService) -> None:
        self._pipeline = pipeline
        self._publishing = publishing

    def deliver(self, task: Task, delivery: Delivery) -> None:
        """The in-process queue's dispatch function."""
        self.run(task.target, task.payload, delivery)

    def run(self, step: str, payload: Mapping[str, Any], delivery: Delivery) -> None:
        """Run one delivery of `step`. Raises InvalidInputError for a malformed payload (the
        caller drops the task) and retryable errors for the queue to deliver again."""
        started = time.monotonic()
        fields: dict[str, Any] = {"step": step, "attempt": delivery.attempt}
        outcome = "ok"
        try:
            if step == PUBLISH_STEP:
                publish = parse(PublishCommand, dict(payload))
                fields["schedule_id"] = publish.schedule_id
                self._publishing.handle(publish, delivery)
            elif step in PIPELINE_STEPS:
                command = parse(StepCommand, dict(payload))
                fields.update(job_id=command.job_id, stage=STEP_STAGE[step], scene=command.scene_id)
                self._pipeline.handle(step, command, delivery)
            else:
                raise InvalidInputError(f"unknown step {step!r}", fields={"step": step})
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
            level = logging.INFO if outcome == "ok" else logging.WARNING
            log.log(level, "%s %s in %.0f ms", step, outcome, fields["latency_ms"], extra=fields)
