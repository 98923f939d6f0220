"""`python main.py serve`: every function target of main.py, served by functions-framework in one
local process.

`api` answers at `/v1/...`; each step target at `/tasks/<step>` (the URL Cloud Tasks, or its
emulator, posts to when STORYGENIUS_QUEUE=cloudtasks and STORYGENIUS_FUNCTIONS_BASE_URL points
here). With the in-process queue, steps run inside this process and the `/tasks` routes are idle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from functions.steps import STEPS

MAIN = str(Path(__file__).resolve().parents[1] / "main.py")


def create_app() -> Any:
    """A WSGI app mounting the functions-framework app of each target."""
    import functions_framework
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    api = functions_framework.create_app("api", MAIN)
    steps = {
        f"/tasks/{name}": _root_path(functions_framework.create_app(name, MAIN)) for name in STEPS
    }
    return DispatcherMiddleware(api, steps)


def _root_path(app: Any) -> Any:
    """A mounted target sees `/tasks/step_x` as an empty path; give it `/` (no redirect)."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("PATH_INFO"):
            environ["PATH_INFO"] = "/"
        return app(environ, start_response)

    return wsgi


def serve(host: str, port: int) -> int:
    from werkzeug.serving import run_simple

    from common.bootstrap import services

    services()  # build before the first request: the in-process queue starts its workers
    print(f"serving http://{host}:{port}/v1 (steps at /tasks/<step>)", flush=True)
    run_simple(host, port, create_app(), threaded=True)
    return 0
