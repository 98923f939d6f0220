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
from common.domain.commands import (
    CreateProject,
    DeleteScene,
    InsertScene,
    ReorderScenes,
    StartExport,
    StartJob,
    UpdateProject,
    UpdateScene,
    UpdateStyle,
    parse,
)
from common.domain.errors import InvalidInputError, NotFoundError, StoryGeniusError, error_fields
from common.domain.job import Job
from common.domain.project import Project
from common.domain.story import Story
from common.services.editor import StoryEditor
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
    query: type[BaseModel] | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated handler for `method path` ({name} segments are path parameters),
    with what the OpenAPI document says about it."""

    def register(fn: Handler) -> Handler:
        ROUTES.append(
            Route(
                method,
                path,
                fn,
                body,
                response,
                status,
                errors,
                headers,
                public=public,
                query=query,
            )
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

    Changing the prompt or a setting the script is written from (duration, language, visual
    style, aspect, seed) clears the written story, so the next generate writes a new one for
    the new input. Changing the title or another setting (voice, resolution, captions, music,
    transition) keeps the story and its edits.
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


# -- the story editor -------------------------------------------------------------------------
#
# Every edit sends the `revision` it was made on (a DELETE as `?revision=`): if the project has
# moved on since (another tab, the pipeline writing its story), the answer is 409
# `stale_revision` and nothing is written. Each edit answers the project as written, with its
# new revision. A story that would not be valid after the edit is a 400 naming the field.


def _editor() -> StoryEditor:
    # Stateless over the project service; cheap enough to build per request.
    return StoryEditor(services().projects)


@route(
    "PATCH",
    "/v1/projects/{project_id}/scenes/{scene_id}",
    body=UpdateScene,
    response=Project,
    errors=(409,),
)
def update_scene(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Edit one scene: narration, visual prompt, on-screen text, mood, setting, characters,
    clip length or transition.

    A partial update with the `revision` it was made on (409 `stale_revision` when stale).
    The next generate regenerates only what the change touches: a new narration re-voices
    this scene and re-times its captions but keeps its picture and clip; a new visual prompt,
    setting, mood or cast repaints its keyframe and clip.
    """
    command = parse(UpdateScene, _json_body(request))
    project = _editor().update_scene(owner, params["project_id"], params["scene_id"], command)
    return json_response(_dump(project))


@route(
    "POST",
    "/v1/projects/{project_id}/scenes",
    body=InsertScene,
    response=Project,
    status=201,
    errors=(409,),
)
def insert_scene(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Insert a new scene at `index` (0 = first; left out = at the end).

    The scene's `id` is made up when left out. Other scenes keep their pictures and clips.
    """
    command = parse(InsertScene, _json_body(request))
    project = _editor().insert_scene(owner, params["project_id"], command)
    return json_response(_dump(project), 201)


@route(
    "DELETE",
    "/v1/projects/{project_id}/scenes/{scene_id}",
    query=DeleteScene,
    response=Project,
    errors=(409,),
)
def delete_scene(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Delete one scene (`?revision=` required); a story keeps at least one scene."""
    command = parse(DeleteScene, request.args.to_dict())
    project = _editor().delete_scene(owner, params["project_id"], params["scene_id"], command)
    return json_response(_dump(project))


@route(
    "POST",
    "/v1/projects/{project_id}/scenes:reorder",
    body=ReorderScenes,
    response=Project,
    errors=(409,),
)
def reorder_scenes(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Put the scenes in a new order: `order` lists every scene id once.

    Scenes keep their pictures and clips when they move.
    """
    command = parse(ReorderScenes, _json_body(request))
    project = _editor().reorder_scenes(owner, params["project_id"], command)
    return json_response(_dump(project))


@route(
    "PATCH", "/v1/projects/{project_id}/style", body=UpdateStyle, response=Project, errors=(409,)
)
def update_style(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Edit the style bible: visual style, palette, lighting, characters (a whole list).

    A character that scenes still name cannot be removed (400 naming `characters`). A change
    here repaints the scenes that depend on it at the next generate.
    """
    command = parse(UpdateStyle, _json_body(request))
    project = _editor().update_style(owner, params["project_id"], command)
    return json_response(_dump(project))


# -- jobs -------------------------------------------------------------------------------------


def _start_job(request: Any, owner: str, command: StartJob) -> Response:
    """Start a job, honouring the Idempotency-Key header; 202 {job_id}."""
    svc = services()
    # Stateless over the store; cheap enough to build per request.
    keys = IdempotencyKeys(svc.store, svc.clock)
    outcome = keys.run(
        owner,
        request.headers.get(IDEMPOTENCY_KEY),
        {"route": command.kind, **command.model_dump(mode="json", exclude_none=True)},
        lambda: svc.pipeline.start(owner, command).id,
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    return json_response(_dump(JobAccepted(job_id=outcome.result)), 202, headers)


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

    On an edited project, only the assets whose inputs changed are made again; the job lists
    the scenes it `regenerated` and those it `reused`.

    With an `Idempotency-Key` header, repeating the request (a retry after a timeout, a double
    tap) returns the first request's job instead of starting another; the answer then carries
    `Idempotent-Replayed: true`. A request still starting under the same key is waited for,
    briefly, then answered 409 `request_in_progress`.
    """
    return _start_job(request, owner, parse(StartJob, {"project_id": params["project_id"]}))


@route(
    "POST",
    "/v1/projects/{project_id}/preview",
    response=JobAccepted,
    status=202,
    errors=(409,),
    headers=(IDEMPOTENCY_KEY,),
)
def preview(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Start a quick low-resolution render (360p, fast encoder); watch the returned job.

    It reuses every asset already made (and makes what is missing); `outputs.preview` maps
    each scene to its picture as soon as that exists, before the video is done.
    """
    command = parse(StartJob, {"project_id": params["project_id"], "kind": "preview"})
    return _start_job(request, owner, command)


@route(
    "POST",
    "/v1/projects/{project_id}/exports",
    body=StartExport,
    response=JobAccepted,
    status=202,
    errors=(409,),
    headers=(IDEMPOTENCY_KEY,),
)
def export(request: Any, owner: str, params: dict[str, str]) -> Response:
    """Render the story at another aspect (9:16, 16:9, 1:1) or resolution (720p, 1080p).

    Provider assets are reused, not made again: pictures and clips are cropped to the new
    frame. The job's outputs carry its own video, thumbnail and captions. 404 `no_story` until
    the project has a story.
    """
    body = parse(StartExport, _json_body(request))
    given = body.model_dump(exclude_none=True)
    command = parse(StartJob, {"project_id": params["project_id"], "kind": "export", **given})
    return _start_job(request, owner, command)


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
    # Firebase Hosting forwards `/api/v1/...` whole to this function: the prefix is not ours.
    path = request.path.removeprefix("/api").rstrip("/") or "/"
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
