"""Jobs: generate, preview and export start one; read and cancel them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.commands import StartExport, StartJob, StartStoryboard, WriteScript, parse
from common.domain.errors import NotFoundError
from common.domain.job import Job
from common.domain.paging import NEXT_CURSOR, PageQuery
from common.domain.traces import JobTrace
from common.ports.tracing import JOB_ID
from common.services.accounts.idempotency import HEADER as IDEMPOTENCY_KEY
from functions.http import Response, json_response
from functions.openapi import Handler, JobAccepted
from functions.routing import Call, dump, route

# -- jobs -------------------------------------------------------------------------------------


def _job_route(
    path: str, *, body: type[StrictModel] | None = None, query: type[StrictModel] | None = None
) -> Callable[[Handler], Handler]:
    """A route that starts a job of the project: 202 {job_id}; 402 over the credit or the
    day's limits, 409 while another job of the project runs; Idempotency-Key honoured."""
    return route(
        "POST",
        f"/v1/projects/{{project_id}}/{path}",
        body=body,
        query=query,
        response=JobAccepted,
        status=202,
        errors=(402, 409),
        headers=(IDEMPOTENCY_KEY,),
    )


def _start_job(
    call: Call[Any, Any], command: StartJob, start: Callable[[], Job] | None = None
) -> Response:
    """Start a job (`start`, by default the command's), honouring the Idempotency-Key
    header; 202 {job_id}."""
    svc, owner = call.svc, call.owner
    outcome = svc.idempotency.run(
        owner,
        call.request.headers.get(IDEMPOTENCY_KEY),
        {"route": command.kind, **command.model_dump(mode="json", exclude_none=True)},
        lambda: (start or (lambda: svc.pipeline.start(owner, command)))().id,
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
    svc.tracer.current().set(JOB_ID, outcome.result)  # the request starts the job's trace
    return json_response(dump(JobAccepted(job_id=outcome.result)), 202, headers)


@_job_route("generate")
def generate(call: Call[None, None]) -> Response:
    """Start making the project's video; watch the returned job.

    On an edited project, only the assets whose inputs changed are made again; the job lists
    the scenes it `regenerated` and those it `reused`.

    With an `Idempotency-Key` header, repeating the request (a retry after a timeout, a double
    tap) returns the first request's job instead of starting another; the answer then carries
    `Idempotent-Replayed: true`. A request still starting under the same key is waited for,
    briefly, then answered 409 `request_in_progress`.

    A project runs one job at a time: while one runs (a render, a storyboard, a script), a
    new one is 409 `job_running` with the running job's id in `fields.job_id`.
    """
    return _start_job(call, parse(StartJob, {"project_id": call.params["project_id"]}))


@_job_route("script", query=WriteScript)
def write_script(call: Call[None, WriteScript]) -> Response:
    """Write the project's story without rendering anything; watch the returned job.

    The job ends `done` within seconds (one script call); `GET /v1/projects/{id}/story` then
    answers the story, for reading and editing before the storyboard or the render. A project
    that has a story gets a new one: from `?seed=`, or the seed after the project's (changing
    the seed clears the story and its edits). `?seed=` equal to the project's keeps its story.
    """
    project_id = call.params["project_id"]
    command = parse(StartJob, {"project_id": project_id, "kind": "script"})

    def start() -> Job:
        return call.svc.pipeline.write_script(call.owner, project_id, call.query)

    return _start_job(call, command, start)


@_job_route("storyboard", query=StartStoryboard)
def storyboard(call: Call[None, StartStoryboard]) -> Response:
    """Make the storyboard: the reference images and one picture per scene (the story is
    written first if there is none), with `?narration=true` each scene's narration too; no
    clips, no video. Watch the returned job.

    The job ends `done` with each scene's picture (`scenes.<id>.keyframe_key`, and
    `outputs.preview`) and `estimate`: what rendering the story will cost with the configured
    providers, per scene and in total, the storyboard's pictures (and narration) not counted
    again. A generate afterwards reuses every picture approved here (`keyframe_origin`
    `cached`); a scene edited since is painted again. Change a picture with the editor
    (`PATCH .../scenes/{id}`: a new `visual_prompt`, another `picture_seed`, or `clip_source`
    `upload`) and make the storyboard again: only the changed scenes are painted.
    """
    command = parse(
        StartJob,
        {
            "project_id": call.params["project_id"],
            "kind": "storyboard",
            "narration": call.query.narration,
        },
    )
    return _start_job(call, command)


@_job_route("preview")
def preview(call: Call[None, None]) -> Response:
    """Start a quick low-resolution render (360p, fast encoder); watch the returned job.

    It reuses every asset already made (and makes what is missing); `outputs.preview` maps
    each scene to its picture as soon as that exists, before the video is done.
    """
    command = parse(StartJob, {"project_id": call.params["project_id"], "kind": "preview"})
    return _start_job(call, command)


@_job_route("exports", body=StartExport)
def export(call: Call[StartExport, None]) -> Response:
    """Render the story at another aspect (9:16, 16:9, 1:1) or resolution (720p, 1080p).

    Provider assets are reused, not made again: pictures and clips are cropped to the new
    frame. The job's outputs carry its own video, thumbnail and captions. 404 `no_story` until
    the project has a story.
    """
    given = call.body.model_dump(exclude_none=True)
    command = parse(StartJob, {"project_id": call.params["project_id"], "kind": "export", **given})
    return _start_job(call, command)


class JobList(StrictModel):
    """One page of a project's jobs, newest first."""

    jobs: list[Job]
    next_cursor: str | None = Field(None, description=NEXT_CURSOR)


@route("GET", "/v1/projects/{project_id}/jobs", query=PageQuery, response=JobList)
def list_jobs(call: Call[None, PageQuery]) -> Response:
    """The jobs of one of the caller's projects, newest first, a page at a time."""
    project = call.svc.projects.get(call.owner, call.params["project_id"])
    jobs, cursor = call.svc.jobs.for_project(call.owner, project.id, call.query)
    return json_response(dump(JobList(jobs=jobs, next_cursor=cursor)))


@route("GET", "/v1/jobs/{job_id}", response=Job)
def get_job(call: Call[None, None]) -> Response:
    """One of the caller's jobs: status, stage, progress, per-scene state, outputs, error."""
    job = call.svc.jobs.find(call.params["job_id"])
    if job is None or job.owner != call.owner:
        raise NotFoundError(f"job {call.params['job_id']} not found")
    return json_response(dump(job))


@route("POST", "/v1/jobs/{job_id}/cancel", response=Job, status=202, errors=(409,))
def cancel_job(call: Call[None, None]) -> Response:
    """Cancel a job: it is marked cancelled at once and its pending steps do not run.

    A job that has already ended is a 409 `job_finished`, with its status in `fields.status`.
    """
    job = call.svc.pipeline.cancel(call.owner, call.params["job_id"])
    return json_response(dump(job), 202)


@route("GET", "/v1/jobs/{job_id}/trace", response=JobTrace)
def job_trace(call: Call[None, None]) -> Response:
    """Where one of the caller's jobs spent its time: its trace's spans (the request that
    started it, every step delivery, provider call and ffmpeg run), each with its parent, start
    and end, in start order. Spans of a step appear once that step's delivery has ended."""
    job = call.svc.jobs.find(call.params["job_id"])
    if job is None or job.owner != call.owner:
        raise NotFoundError(f"job {call.params['job_id']} not found")
    call.svc.tracer.flush()
    return json_response(dump(call.svc.traces.of_job(job.id)))
