"""`python main.py serve`: every function target of main.py, served by functions-framework in one
local process.

`api` answers at `/v1/...`; each step target at `/tasks/<step>` (the URL Cloud Tasks, or its
emulator, posts to when STORYGENIUS_QUEUE=cloudtasks and STORYGENIUS_FUNCTIONS_BASE_URL points
here). With the in-process queue, steps run inside this process and the `/tasks` routes are idle.
The calendar tick runs on a timer thread every `tick_interval_s` (Cloud Scheduler's job, locally).
The Studio (`studio/`, static files) is served at `/`, and the folder store's media by signed
link at `/media/...` (functions/media.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from functions.steps import STEPS

if TYPE_CHECKING:
    from flask import Flask

# A WSGI application: (environ, start_response) -> body chunks.
WsgiApp = Any

MAIN = str(Path(__file__).resolve().parents[1] / "main.py")
STUDIO = Path(__file__).resolve().parents[1] / "studio"


def create_app() -> WsgiApp:
    """A WSGI app mounting the functions-framework app of each target."""
    import functions_framework
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    api = _without_body_buffering(functions_framework.create_app("api", MAIN))
    steps = {
        f"/tasks/{name}": _root_path(functions_framework.create_app(name, MAIN)) for name in STEPS
    }
    return _studio(DispatcherMiddleware(api, {**steps, "/media": _media}))


def _without_body_buffering(app: Flask) -> Flask:
    """The API's Flask app without functions-framework's `read_request` hook, which reads what
    is left of a request body into memory after the answer (600 MB refused by a 413 would still
    be held whole). The werkzeug server drains what is left in bounded reads itself and closes
    the connection (functions/edge.py)."""
    import functions_framework

    hooks = app.after_request_funcs.get(None, [])
    app.after_request_funcs[None] = [h for h in hooks if h is not functions_framework.read_request]
    return app


def _media(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The folder store's media by signed link, on the services of this process."""
    from common.bootstrap import services
    from functions.media import media_app

    svc = services()
    result: Iterable[bytes] = media_app(svc.media_links, svc.blobs)(environ, start_response)
    return result


def _studio(app: WsgiApp) -> WsgiApp:
    """The Studio's static files at `/` (index.html for `/`); every other path goes to `app`."""
    from werkzeug.middleware.shared_data import SharedDataMiddleware

    # max-age 0 with ETags: an edited page is picked up at once, unchanged files answer 304.
    static = SharedDataMiddleware(app, {"/": str(STUDIO)}, cache_timeout=0)

    def wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in ("", "/"):
            environ["PATH_INFO"] = "/index.html"
        result: Iterable[bytes] = static(environ, start_response)
        return result

    return wsgi


def _root_path(app: WsgiApp) -> WsgiApp:
    """A mounted target sees `/tasks/step_x` as an empty path; give it `/` (no redirect)."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not environ.get("PATH_INFO"):
            environ["PATH_INFO"] = "/"
        result: Iterable[bytes] = app(environ, start_response)
        return result

    return wsgi


def serve(host: str, port: int) -> int:
    from werkzeug.serving import run_simple

    from common.bootstrap import build_services, install
    from common.config import Settings
    from common.logs import configure_json_logging, correlate_traces
    from functions.edge import JsonErrorsHandler, allowed_hosts, guard
    from functions.events import start_timer

    configure_json_logging(os.environ.get("STORYGENIUS_LOG_LEVEL") or "INFO")

    # Links this server shares (a published video's) point at itself, and it answers its own
    # names, unless the environment says otherwise (a proxy in front).
    settings = Settings.from_env()
    defaults: dict[str, object] = {}
    if not settings.public_base_url:
        defaults["public_base_url"] = f"http://{host}:{port}"
    if not settings.allowed_hosts:
        defaults["allowed_hosts"] = allowed_hosts(host, port)
    settings = Settings.from_env(None, **defaults)
    # Built before the first request: the in-process queue starts its workers.
    svc = build_services(settings)
    install(svc)
    correlate_traces(settings.google_cloud_project, svc.tracer.log_ids)
    # What the first job would load in its first steps, loaded while nobody waits for it.
    threading.Thread(target=svc.warm_up, name="warm-up", daemon=True).start()
    start_timer(svc, svc.settings.tick_interval_s)  # Cloud Scheduler's tick, locally
    print(
        f"serving http://{host}:{port}/ (the Studio; API at /v1, steps at /tasks/<step>)",
        flush=True,
    )
    app = guard(create_app(), settings.allowed_hosts, settings.body_read_timeout_s)
    handler = type("Handler", (JsonErrorsHandler,), {"timeout": settings.body_read_timeout_s})
    run_simple(host, port, app, threaded=True, request_handler=handler)
    return 0
