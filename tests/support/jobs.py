"""Helpers for tests that run whole jobs."""

from __future__ import annotations

from typing import Any

from common.bootstrap import Services
from common.domain.commands import CreateProject, StartJob
from common.domain.job import Job

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
