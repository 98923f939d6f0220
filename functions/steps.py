"""One Cloud Tasks target per pipeline step. Each parses the envelope, runs the step, and answers
2xx when the task is finished with (done, or failed for good and recorded on the job) or 503 with
Retry-After when a retry may help."""

from __future__ import annotations

import logging
from typing import Any

from common.domain.errors import InvalidInputError, StoryGeniusError
from functions.envelope import step_command, task_delivery
from functions.http import Response, error_response, json_response

log = logging.getLogger(__name__)

STEPS = (
    "step_script",
    "step_references",
    "step_narration",
    "step_keyframe",
    "step_clip",
    "step_assemble",
)


def handle_step(step: str, request: Any) -> Response:
    from common.bootstrap import services

    svc = services()
    try:
        command = step_command(request.get_data())
        delivery = task_delivery(request.headers, svc.settings.max_attempts)
    except InvalidInputError as exc:
        # A malformed task will never succeed: acknowledge it so the queue drops it.
        log.error("%s: dropping malformed task: %s", step, exc.fields or exc.message)
        return json_response({"dropped": exc.message}, 200)
    try:
        svc.pipeline.handle(step, command, delivery)
    except StoryGeniusError as exc:
        return error_response(exc)
    return json_response({"ok": True})
