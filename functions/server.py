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

from pathlib import Path
from typing import Any

from functions.steps import STEPS

MAIN = str(Path(__file__).resolve().parents[1] / "main.py")
STUDIO = Path(__file__).resolve().parents[1] / "studio"


def create_app() -> Any:
    """A WSGI app mounting the functions-framework app of each target."""
    import functions_framework
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    api = functions_framework.create_app("api", MAIN)
    steps = {
        f"/tasks/{name}": _root_path(functions_framework.create_app(name, MAIN)) for name in STEPS
    }
    return _studio(DispatcherMiddleware(api, {**steps, "/media": _media}))


def _media(environ: dict[str, Any], start_response: Any) -> Any:
    """The folder store's media by signed link, on the services of this process."""
    from common.bootstrap import services
    from functions.media import media_app

    svc = services()
    return media_app(svc.blobs, svc.settings.data_dir)(environ, start_response)


def _studio(app: Any) -> Any:
    """The Studio's static files at `/` (index.html for `/`); every other path goes to `app`."""
    from werkzeug.middleware.shared_data import SharedDataMiddleware

    # max-age 0 with ETags: an edited page is picked up at once, unchanged files answer 304.
    static = SharedDataMiddleware(app, {"/": str(STUDIO)}, cache_timeout=0)

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") in ("", "/"):
            environ["PATH_INFO"] = "/index.html"
        return static(environ, start_response)

    return wsgi


def _root_path(app: Any) -> Any:
    """A mounted target sees `/tasks/step_x` as an empty path; give it `/` (no redirect)."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("PATH_INFO"):
            environ["PATH_INFO"] = "/"
        return app(environ, start_response)

    return wsgi


def _media_links(svc: Any, base_url: str) -> Any:
    """Public links of published videos, served here: the folder store's file:// URLs become
    signed `/media/...` links of this server (a cloud store's signed URLs stay as they are)."""
    from functions.media import media_link

    def link(key: str, expires_s: int) -> str:
        now = svc.clock.now()
        url: str = media_link(
            svc.blobs, key, int(now.timestamp()) + expires_s, now, svc.settings.data_dir
        )
        return url if "://" in url else base_url + url

    return link


def serve(host: str, port: int) -> int:
    from werkzeug.serving import run_simple

    from common.bootstrap import services
    from functions.events import start_timer

    svc = services()  # build before the first request: the in-process queue starts its workers
    svc.publishing.link = _media_links(svc, f"http://{host}:{port}")
    start_timer(svc, svc.settings.tick_interval_s)  # Cloud Scheduler's tick, locally
    print(
        f"serving http://{host}:{port}/ (the Studio; API at /v1, steps at /tasks/<step>)",
        flush=True,
    )
    run_simple(host, port, create_app(), threaded=True)
    return 0
