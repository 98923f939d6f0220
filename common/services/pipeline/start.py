"""Starting and cancelling jobs: a job is admitted against the owner's credit and limits with
its estimate, then its first step is enqueued."""

from __future__ import annotations

from common.config import Settings
from common.domain import steps
from common.domain.commands import StartJob
from common.domain.errors import NotFoundError
from common.domain.job import Job, render_for
from common.domain.providers import ProviderChoice
from common.ports import Clock
from common.services.accounts.estimates import estimate_job
from common.services.accounts.quotas import Quotas
from common.services.pipeline.context import StepQueue
from common.services.pipeline.errors import JobFinishedError
from common.services.pipeline.jobs import JobRepository
from common.services.projects.projects import NoStoryError, ProjectService, new_id


class JobStarter:
    def __init__(
        self,
        *,
        settings: Settings,
        projects: ProjectService,
        jobs: JobRepository,
        quotas: Quotas,
        queue: StepQueue,
        clock: Clock,
        choice: ProviderChoice,
    ) -> None:
        self._settings = settings
        self._choice = choice
        self._projects = projects
        self._jobs = jobs
        self._quotas = quotas
        self._queue = queue
        self._clock = clock

    def start(self, owner: str, command: StartJob, *, job_id: str | None = None) -> Job:
        """Create a job for the owner's project and enqueue its first step.

        `job_id` makes the id deterministic (a scheduled run starting its job again after a
        crash gets AlreadyExistsError instead of a second job); by default a new one.

        Every kind runs the same steps on the project's settings, so a preview or an export
        finds every asset the project's last generate made in the cache (and makes any that
        are missing); only the assembly differs (`Job.render`). An export is of a written
        story: NoStoryError until there is one.
        """
        project = self._projects.get(owner, command.project_id)
        if command.kind == "export" and project.story is None:
            raise NoStoryError(f"project {project.id} has no story to export: generate first")
        now = self._clock.now()
        job = Job(
            id=job_id or new_id(),
            owner=owner,
            project_id=project.id,
            kind=command.kind,
            settings=project.settings,
            render=render_for(
                command.kind,
                project.settings,
                aspect=command.aspect,
                resolution=command.resolution,
                draft=self._settings.render_profile == "draft",
            ),
            created_at=now,
            updated_at=now,
        )
        # Created only if the owner's credit and today's limits allow it (402 otherwise).
        estimate = estimate_job(project.settings, project.story, self._choice)
        job = self._quotas.admit(job, estimate)
        self._queue.enqueue(steps.SCRIPT, job.id)
        return job

    def cancel(self, owner: str, job_id: str) -> Job:
        """Mark the owner's job cancelled. Its queued steps stop at their next delivery (the
        dispatch ignores ended jobs) and assembly will not overwrite it. Another owner's job is
        NotFoundError; a job that already ended is JobFinishedError."""

        def stop(job: Job) -> None:
            if job.owner != owner:
                raise NotFoundError(f"job {job_id} not found")
            if job.terminal:
                raise JobFinishedError(job_id, job.status)
            job.status = "cancelled"
            job.finished_at = self._clock.now()

        job, _ = self._jobs.mutate(job_id, stop)
        return job
