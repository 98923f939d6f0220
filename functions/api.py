"""The public REST API (`/v1`), one HTTPS function. Routes translate JSON into commands, call one
service, and map results and errors to status codes; no business logic lives here.

This is the embedded end-to-end subset (health, projects, generate, jobs); the cloud backbone
issue adds the rest of DESIGN.md's routes and the OpenAPI document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from common.bootstrap import services
from common.domain.commands import CreateProject, StartJob, parse
from common.domain.errors import InvalidInputError, NotFoundError, StoryGeniusError
from functions.http import Response, error_response, json_response

Handler = Callable[[Any, str, dict[str, str]], Response]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    regex = re.compile("^" + re.sub(r"{(\w+)}", r"(?P<\1>[A-Za-z0-9_-]{1,64})", pattern) + "$")

    def register(fn: Handler) -> Handler:
        _ROUTES.append((method, regex, fn))
        return fn

    return register


def identity(request: Any, auth_mode: str) -> str:
    """The caller's uid. Dev mode: `Bearer dev:<uid>` or no header at all (uid `local`)."""
    header = request.headers.get("Authorization", "")
    if auth_mode == "dev":
        if not header:
            return "local"
        token = header.removeprefix("Bearer ").strip()
        if token.startswith("dev:") and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token[4:]):
            return token[4:]
    raise _Unauthenticated("sign in: Authorization: Bearer <token> is missing or invalid")


class _Unauthenticated(StoryGeniusError):
    code = "unauthenticated"


def _json_body(request: Any) -> Any:
    data = request.get_json(silent=True)
    if data is None:
        raise InvalidInputError("request body must be a JSON object", fields={"body": "not JSON"})
    return data


@route("GET", "/v1/health")
def health(request: Any, owner: str, params: dict[str, str]) -> Response:
    return json_response({"status": "ok"})


@route("POST", "/v1/projects")
def create_project(request: Any, owner: str, params: dict[str, str]) -> Response:
    command = parse(CreateProject, _json_body(request))
    project = services().projects.create(owner, command)
    return json_response(project.model_dump(mode="json"), 201)


@route("GET", "/v1/projects")
def list_projects(request: Any, owner: str, params: dict[str, str]) -> Response:
    projects = services().projects.list(owner)
    return json_response({"projects": [p.model_dump(mode="json") for p in projects]})


@route("GET", "/v1/projects/{project_id}")
def get_project(request: Any, owner: str, params: dict[str, str]) -> Response:
    project = services().projects.get(owner, params["project_id"])
    return json_response(project.model_dump(mode="json"))


@route("DELETE", "/v1/projects/{project_id}")
def delete_project(request: Any, owner: str, params: dict[str, str]) -> Response:
    services().projects.delete(owner, params["project_id"])
    return "", 204, {}


@route("POST", "/v1/projects/{project_id}/generate")
def generate(request: Any, owner: str, params: dict[str, str]) -> Response:
    command = parse(StartJob, {"project_id": params["project_id"]})
    job = services().pipeline.start(owner, command)
    return json_response({"job_id": job.id}, 202)


@route("GET", "/v1/jobs/{job_id}")
def get_job(request: Any, owner: str, params: dict[str, str]) -> Response:
    job = services().jobs.find(params["job_id"])
    if job is None or job.owner != owner:
        raise NotFoundError(f"job {params['job_id']} not found")
    return json_response(job.model_dump(mode="json"))


def handle_api(request: Any) -> Response:
    """Route one request. Unknown paths are 404, known paths with another method 405."""
    path = request.path.rstrip("/") or "/"
    allowed = []
    for method, regex, fn in _ROUTES:
        match = regex.match(path)
        if not match:
            continue
        if method != request.method:
            allowed.append(method)
            continue
        try:
            owner = identity(request, services().settings.auth or "firebase")
            return fn(request, owner, match.groupdict())
        except _Unauthenticated as exc:
            return json_response({"error": {"code": exc.code, "message": exc.message}}, 401)
        except StoryGeniusError as exc:
            return error_response(exc)
    if allowed:
        body = {"error": {"code": "method_not_allowed", "message": f"use {', '.join(allowed)}"}}
        return json_response(body, 405, {"Allow": ", ".join(allowed)})
    return json_response({"error": {"code": "not_found", "message": f"no route {path}"}}, 404)
