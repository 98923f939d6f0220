"""`python main.py serve`: the REST API and the step endpoints on one local Flask server.

Steps normally run through the in-process queue; the `/tasks/<step>` routes exist so the same
handlers can also be driven over HTTP (as Cloud Tasks does in the cloud).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

from functions.api import handle_api
from functions.steps import STEPS, handle_step


def create_app() -> Flask:
    app = Flask("storygenius")

    @app.route("/v1/<path:rest>", methods=["GET", "POST", "PATCH", "DELETE"])
    def api(rest: str) -> Any:
        return handle_api(request)

    @app.route("/tasks/<step>", methods=["POST"])
    def task(step: str) -> Any:
        if step not in STEPS:
            return {"error": {"code": "not_found", "message": f"no step {step}"}}, 404
        return handle_step(step, request)

    return app


def serve(host: str, port: int) -> int:
    from common.bootstrap import services

    services()  # build before the first request: the in-process queue starts its workers
    create_app().run(host=host, port=port, threaded=True)
    return 0
