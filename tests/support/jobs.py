"""Helpers for tests that run whole jobs."""

from __future__ import annotations

from typing import Any

from common.bootstrap import Services
from common.domain.commands import CreateProject, StartJob
from common.domain.job import Job

OWNER = "tester"


def run_job(svc: Services, prompt: str, timeout: float = 300, **settings: Any) -> Job:
    """Create a project, start a job, and wait until the in-process queue has nothing left."""
    project = svc.projects.create(OWNER, CreateProject(prompt=prompt, settings=settings))
    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id))
    assert svc.queue.wait_idle(timeout), "the queue did not drain"  # type: ignore[attr-defined]
    return svc.jobs.get(job.id)
