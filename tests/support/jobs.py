"""Helpers for tests that run whole jobs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.adapters.local.inprocess_queue import InProcessTaskQueue
from common.bootstrap import Services
from common.domain.commands import CreateProject, StartJob
from common.domain.job import Job
from common.media.spec.timeline import Timeline

OWNER = "tester"
# Service settings for tests that check what a job does rather than how its video looks: the
# whole chain runs (every step, the timeline, captions, soundtrack, segments, thumbnail) but the
# picture is 96p with the fastest preset (common/domain/job.py, DRAFT_*). Tests of pixels, frame
# sizes or encoder output keep the default (full) profile.
DRAFT: dict[str, Any] = {"render_profile": "draft"}


def run_job(svc: Services, prompt: str, timeout: float = 300, **settings: Any) -> Job:
    """Create a project, start a job, and wait until the in-process queue has nothing left."""
    project = svc.projects.create(OWNER, CreateProject(prompt=prompt, settings=settings))
    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id))
    assert svc.queue.wait_idle(timeout), "the queue did not drain"  # type: ignore[attr-defined]
    return svc.jobs.get(job.id)


def quick_retries(max_attempts: int = 5) -> InProcessTaskQueue:
    """The in-process queue with a failed task's retries 10 ms apart (at least what the error
    asks for), for a test whose steps fail on purpose: at the default backoff (0.5 s, doubling)
    a step that fails five times waits 7.5 s."""
    return InProcessTaskQueue(max_attempts=max_attempts, base_backoff_s=0.01)


@dataclass(frozen=True)
class Captioned:
    """What a job's render reads and writes for its captions, without encoding anything."""

    timeline: Timeline
    srt: str  # captions.srt as the render writes it


def captioned(svc: Services, job: Job, workdir: Path) -> Captioned:
    """The captions a render of `job` writes, made by the render's own preparation (timeline
    from the stored assets, caption cues, font choice) but without ffmpeg: for a job handed to
    a recording runner (tests.support.fakes.RecordingRunner), whose scenes are all done and
    whose assembly never ran. A job whose video is not what a test checks then costs its steps
    only: the encode is most of a 10 s draft job's CPU (~0.5 of ~0.75 CPU-s)."""
    from common.media.render.prepare import prepare

    story = svc.projects.load(job.project_id).story
    assert story is not None, job.id
    timeline = svc.assembler.timeline(job, story, workdir / "assets")
    prepared = prepare(timeline, workdir / "render", workdir / "scratch")
    return Captioned(timeline, prepared.captions.srt.read_text(encoding="utf-8"))


def vertex_settings(stub: Any, **extra: Any) -> dict[str, Any]:
    """Settings that put script, images and video on Gemini and Veo served by `stub` (a
    tests.stubs.vertex_server.VertexStub, which checks no credentials), with short retry and poll
    delays."""
    return {
        "script": "gemini",
        "images": "gemini",
        "video": "veo",
        "google_cloud_project": "p",
        "vertex_base_url": stub.url,
        "vertex_auth": "none",
        "vertex_retry_delay_s": 0.01,
        "clip_first_poll_s": 0.05,
        "clip_poll_interval_s": 0.05,
        **extra,
    }
