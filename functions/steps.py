"""One Cloud Tasks target per pipeline step. Each checks that the pipeline's queue is calling
(401/403 otherwise: common/services/accounts/step_callers.py), parses the envelope, runs the
step, and answers 2xx when the task is finished with (done, or failed for good and recorded on
the job) or 503 with Retry-After when a retry may help."""

from __future__ import annotations

import logging
from typing import Any

from common.domain.errors import InvalidInputError, StoryGeniusError
from functions.envelope import task_delivery, task_payload
from functions.http import Response, error_response, json_response

log = logging.getLogger(__name__)

STEPS = (
    "step_script",
    "step_references",
    "step_narration",
    "step_keyframe",
    "step_clip",
    "step_assemble",
    "step_publish",  # a scheduled video goes out (common/services/calendar/publishing.py)
)


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
