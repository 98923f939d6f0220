"""Function targets for functions-framework (thin re-exports) and the command line.

Each Cloud Functions deployment picks one target with --entry-point. Importing this module builds
nothing: services are built on the first request (see common/bootstrap.py).
"""

from __future__ import annotations

import sys
from typing import Any

import functions_framework

from functions.api import handle_api
from functions.events import handle_scheduler_tick
from functions.http import framework_error
from functions.steps import handle_step

# While functions-framework loads this module it routes these to the app it is building (outside
# it, e.g. `import main`, they are no-ops).
functions_framework.errorhandler(404)(framework_error)
functions_framework.errorhandler(405)(framework_error)


@functions_framework.http
def api(request: Any) -> Any:
    return handle_api(request)


@functions_framework.http
def step_script(request: Any) -> Any:
    return handle_step("step_script", request)


@functions_framework.http
def step_references(request: Any) -> Any:
    return handle_step("step_references", request)


@functions_framework.http
def step_narration(request: Any) -> Any:
    return handle_step("step_narration", request)


@functions_framework.http
def step_keyframe(request: Any) -> Any:
    return handle_step("step_keyframe", request)


@functions_framework.http
def step_clip(request: Any) -> Any:
    return handle_step("step_clip", request)


@functions_framework.http
def step_assemble(request: Any) -> Any:
    return handle_step("step_assemble", request)


@functions_framework.http
def step_publish(request: Any) -> Any:
    return handle_step("step_publish", request)


@functions_framework.cloud_event
def scheduler_tick(event: Any) -> None:
    handle_scheduler_tick(event)


if __name__ == "__main__":
    from functions.cli import main

    sys.exit(main())
