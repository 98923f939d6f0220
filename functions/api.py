"""The public REST API (`/v1`), one HTTPS function. Routes translate JSON into commands, call one
service, and map results and errors to status codes; no business logic lives here.

Every route is registered with `route(...)`, which records its body and response models: the
router dispatches on that registry and `GET /v1/openapi.json` describes it (functions/openapi.py).
Errors always have one shape, `{"error": {"code", "message", "fields"}}`; bad input is a 4xx,
never a 500. Another user's project or job is a 404, as if it did not exist.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from common.bootstrap import services
from common.domain.commands import CreateProject, StartJob, UpdateProject, parse
from common.domain.errors import InvalidInputError, NotFoundError, StoryGeniusError, error_fields
from common.domain.job import Job
from common.domain.project import Project
from common.domain.story import Story
from common.services.idempotency import HEADER as IDEMPOTENCY_KEY
from common.services.idempotency import IdempotencyKeys
from functions.http import Response, error_response, json_response
from functions.openapi import (
    Handler,
    Health,
    JobAccepted,
    ProjectList,
    Route,
    openapi_document,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
API_TITLE = "Story-Genius API"
API_VERSION = "1.0.0"

ROUTES: list[Route] = []


def route(
    method: str,
    path: str,
    *,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    headers: tuple[str, ...] = (),
    public: bool = False,
) -> Callable[[Handler], Handler]:
    """Register the decorated handler for `method path` ({name} segments are path parameters),
    with what the OpenAPI document says about it."""

    def register(fn: Handler) -> Handler:
        ROUTES.append(
            Route(method, path, fn, body, response, status, errors, headers, public=public)
        )
        return fn

    return register


def identity(request: Any, auth_mode: str) -> str:
    """The caller's uid. Dev mode: `Bearer dev:<uid>` or no header at all (uid `local`)."""
    header: str = request.headers.get("Authorization", "")
    if auth_mode == "dev":
        if not header:
            return "local"
        token = header.removeprefix("Bearer ").strip()
        if token.startswith("dev:") and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token[4:]):
            return token[4:]
    raise _Unauthenticated("sign in: Authorization: Bearer <token> is missing or invalid")


class _Unauthenticated(StoryGeniusError):
    code = "unauthenticated"


class _TooLarge(StoryGeniusError):
    code = "payload_too_large"

    def __init__(self) -> None:
        super().__init__(f"the request body is larger than {MAX_BODY_BYTES // 1024} KB")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_body(request: Any) -> Any:
    """The request's JSON body. Reads at most MAX_BODY_BYTES + 1 bytes, whatever the
    Content-Length said (a chunked body has none)."""
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise _TooLarge()
    if not request.is_json:
        raise InvalidInputError(
            "send a JSON object with Content-Type: application/json", fields={"body": "not JSON"}
        )
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise InvalidInputError(
            "request body must be a JSON object", fields={"body": "not JSON"}
        ) from exc


def _dump(model: BaseModel) -> Any:
    return model.model_dump(mode="json")


@route("GET", "/v1/health", response=Health, public=True)
def health(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Liveness: answers when the function is up; needs no sign-in."""
    return json_response(_dump(Health()))


@route("GET", "/v1/openapi.json", public=True)
def openapi(request: Any, owner: str, params: dict[str, str]) -> Response:
    """This API described as an OpenAPI 3.1 document."""
    return json_response(openapi_spec())


@functools.cache
def openapi_spec() -> dict[str, Any]:
    """The OpenAPI document of every registered route (built once per instance)."""
    return openapi_document(ROUTES, title=API_TITLE, version=API_VERSION)


@route("POST", "/v1/projects", body=CreateProject, response=Project, status=201)
def create_project(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Create a project from a prompt, an optional title and settings."""
    command = parse(CreateProject, _json_body(request))
    project = services().projects.create(owner, command)
    return json_response(_dump(project), 201)


@route("GET", "/v1/projects", response=ProjectList)
def list_projects(request: Any, owner: str, params: dict[str, str]) -> Response:
    """The caller's projects, newest first."""
    projects = services().projects.list(owner)
    return json_response(_dump(ProjectList(projects=projects)))


@route("GET", "/v1/projects/{project_id}", response=Project)
def get_project(request: Any, owner: str, params: dict[str, str]) -> Response:
    """One of the caller's projects."""
    project = services().projects.get(owner, params["project_id"])
    return json_response(_dump(project))


@route("PATCH", "/v1/projects/{project_id}", body=UpdateProject, response=Project, errors=(409,))
def update_project(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Change a project's title, prompt or settings.

    A partial update: fields left out keep their value, `settings` merges field by field, and
    null is not a value. Unknown fields and bad values are a 400 naming each field.

    Send the `revision` you last read: if the project has moved on since (an edit from another
    tab, or the pipeline writing its story), the answer is 409 `stale_revision` and nothing is
    written. Every change bumps `revision`.

    Changing the prompt or any setting clears the written story, so the next generate writes a
    new one for the new input; changing only the title keeps the story.
    """
    command = parse(UpdateProject, _json_body(request))
    project = services().projects.update(owner, params["project_id"], command)
    return json_response(_dump(project))


@route("DELETE", "/v1/projects/{project_id}", status=204)
def delete_project(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Delete one of the caller's projects."""
    services().projects.delete(owner, params["project_id"])
    return "", 204, {}


@route("GET", "/v1/projects/{project_id}/story", response=Story)
def get_story(request: Any, owner: str, params: dict[str, str]) -> Response:
    """The project's written story: title, style bible and scenes.

    404 `no_story` until generate has written one (and again after the prompt or settings
    change).
    """
    story = services().projects.story(owner, params["project_id"])
    return json_response(_dump(story))


@route(
    "POST",
    "/v1/projects/{project_id}/generate",
    response=JobAccepted,
    status=202,
    errors=(409,),
    headers=(IDEMPOTENCY_KEY,),
)
def generate(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Start making the project's video; watch the returned job.

    With an `Idempotency-Key` header, repeating the request (a retry after a timeout, a double
    tap) returns the first request's job instead of starting another; the answer then carries
    `Idempotent-Replayed: true`. A request still starting under the same key is waited for,
    briefly, then answered 409 `request_in_progress`.
    """
    command = parse(StartJob, {"project_id": params["project_id"]})
    svc = services()
    # Stateless over the store; cheap enough to build per request.
    keys = IdempotencyKeys(svc.store, svc.clock)
    outcome = keys.run(
        owner,
        request.headers.get(IDEMPOTENCY_KEY),
        {"route": "generate", **command.model_dump(mode="json")},
        lambda: svc.pipeline.start(owner, command).id,
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    return json_response(_dump(JobAccepted(job_id=outcome.result)), 202, headers)


@route("GET", "/v1/jobs/{job_id}", response=Job)
def get_job(request: Any, owner: str, params: dict[str, str]) -> Response:
    """One of the caller's jobs: status, stage, progress, per-scene state, outputs, error."""
    job = services().jobs.find(params["job_id"])
    if job is None or job.owner != owner:
        raise NotFoundError(f"job {params['job_id']} not found")
    return json_response(_dump(job))


@route("POST", "/v1/jobs/{job_id}/cancel", response=Job, status=202, errors=(409,))
def cancel_job(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Cancel a job: it is marked cancelled at once and its pending steps do not run.

    A job that has already ended is a 409 `job_finished`, with its status in `fields.status`.
    """
    job = services().pipeline.cancel(owner, params["job_id"])
    return json_response(_dump(job), 202)


def handle_api(request: Any) -> Response:
    """Route one request. Unknown paths are 404, known paths with another method 405."""
    path = request.path.rstrip("/") or "/"
    allowed = []
    for r in ROUTES:
        match = r.regex.match(path)
        if not match:
            continue
        if r.method != request.method:
            allowed.append(r.method)
            continue
        try:
            if (request.content_length or 0) > MAX_BODY_BYTES:
                raise _TooLarge()
            owner = "" if r.public else identity(request, services().settings.auth or "firebase")
            return r.handler(request, owner, match.groupdict())
        except StoryGeniusError as exc:
            return _error(exc)
        except Exception:
            # A defect, not the caller's fault: log it, and still answer in the API's shape.
            log.exception("%s %s failed", request.method, path)
            return _error_body("internal", "internal error", 500)
    if allowed:
        headers = {"Allow": ", ".join(allowed)}
        return _error_body("method_not_allowed", f"use {', '.join(allowed)}", 405, headers)
    return _error_body("not_found", f"no route {path}", 404)


def _error(exc: StoryGeniusError) -> Response:
    """The error answer for `exc`: its status from functions/http.py, the API's one shape."""
    headers: dict[str, str] = {}
    if isinstance(exc, _Unauthenticated):
        status = 401
    elif isinstance(exc, _TooLarge):
        status = 413
    else:
        _, status, headers = error_response(exc)
    return _error_body(exc.code, exc.message, status, headers, error_fields(exc))


def _error_body(
    code: str,
    message: str,
    status: int,
    headers: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> Response:
    body = {"code": code, "message": message, "fields": fields or {}}
    return json_response({"error": body}, status, headers)
