"""Function targets for functions-framework (thin re-exports) and the command line.

Each Cloud Functions deployment picks one target with --entry-point. Importing this module builds
nothing: services are built on the first request (see common/bootstrap.py).
"""

from __future__ import annotations

import sys
from typing import Any

if __name__ == "__main__":
    # The command line needs none of the targets' imports (functions-framework, Flask, every
    # route: 0.35 of the 0.55 CPU-s `python main.py make` spent before it could refuse a bad
    # option); `serve` imports what it serves itself.
    from functions.cli import main

    sys.exit(main())

import functions_framework

from functions.api import handle_api
from functions.events import handle_scheduler_tick
from functions.http import framework_error
from functions.steps import step_targets

# While functions-framework loads this module it routes these to the app it is building (outside
# it, e.g. `import main`, they are no-ops).
functions_framework.errorhandler(404)(framework_error)
functions_framework.errorhandler(405)(framework_error)


@functions_framework.http
def api(request: Any) -> Any:
    return handle_api(request)


# One target per step of the registry (common/domain/steps.py), named after the step:
# `--target` finds each like any function defined here.
globals().update(step_targets())


@functions_framework.cloud_event
def scheduler_tick(event: Any) -> None:
    handle_scheduler_tick(event)
