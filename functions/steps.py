"""One Cloud Tasks target per step of the registry (common/domain/steps.py). Each checks that the
pipeline's queue is calling (401/403 otherwise: common/services/accounts/step_callers.py),
parses the envelope, runs the step, and answers 2xx when the task is finished with (done, or
failed for good and recorded on the job) or 503 with Retry-After when a retry may help."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import functions_framework

from common.domain.errors import InvalidInputError, StoryGeniusError
from common.domain.steps import STEPS as SPECS
from functions.envelope import task_delivery, task_payload
from functions.http import Response, error_response, json_response

log = logging.getLogger(__name__)

STEPS = tuple(spec.name for spec in SPECS)


def handle_step(step: str, request: Any) -> Response:
    from common.bootstrap import services

    svc = services()
    try:
        # Only the pipeline's queue may call a step: OIDC (cloud) or the task secret (local).
        svc.step_callers.check(request.headers, step)
    except StoryGeniusError as exc:
        log.warning("%s: refused a caller: %s", step, exc.message)
        return error_response(exc)
    try:
        payload = task_payload(request.get_data())
        delivery = task_delivery(request.headers, svc.settings.max_attempts)
        # The one dispatch (and its structured log line) for queue and HTTP deliveries alike.
        svc.steps.run(step, payload, delivery)
    except InvalidInputError as exc:
        # A malformed task will never succeed: acknowledge it so the queue drops it.
        log.error("%s: dropping malformed task: %s", step, exc.fields or exc.message)
        return json_response({"dropped": exc.message}, 200)
    except StoryGeniusError as exc:
        return error_response(exc)
    return json_response({"ok": True})


def step_target(step: str) -> Callable[[Any], Response]:
    """The functions-framework HTTP target of one step: a module-level function of main.py named
    after the step (functions-framework finds a target by that name and registers its kind by
    the function's `__name__`)."""

    def target(request: Any) -> Response:
        return handle_step(step, request)

    target.__name__ = target.__qualname__ = step
    target.__doc__ = f"The {step} task target."
    functions_framework.http(target)  # registers the name as an HTTP target
    return target


def step_targets() -> dict[str, Callable[[Any], Response]]:
    """Every step's target, by name, for main.py to define at module level."""
    return {step: step_target(step) for step in STEPS}
