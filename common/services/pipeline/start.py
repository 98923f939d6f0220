"""Starting and cancelling jobs: a job is admitted against the owner's credit and limits with
its estimate, as the project's only running job, then its first step is enqueued."""

from __future__ import annotations

from collections.abc import Callable

from common.config import Settings
from common.domain import steps
from common.domain.commands import StartJob, UpdateProject, WriteScript
from common.domain.job import TERMINAL, Job, render_for
from common.domain.ownership import owned
from common.domain.providers import ProviderChoice
from common.ports import Clock, Transaction
from common.services.accounts.estimates import estimate_start
from common.services.accounts.quotas import Quotas
from common.services.pipeline.context import StepQueue
from common.services.pipeline.errors import JobFinishedError, JobRunningError
from common.services.pipeline.jobs import COLLECTION as JOBS
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
        story: NoStoryError until there is one. A script job stops once the story is
        written, a storyboard once every scene has its picture (and narration if asked), so
        a generate after them finds those in the cache.

        A project runs one job at a time: while its latest job runs, JobRunningError (409)
        naming that job.
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
            with_narration=command.kind == "storyboard" and command.narration,
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
        estimate = estimate_start(
            job.kind, project.settings, project.story, self._choice, narrate=job.with_narration
        )

        def claim(tx: Transaction) -> Callable[[], None]:
            latest = self._projects.latest_job(tx, project.id)
            if latest is not None and latest != job.id:
                doc = tx.get(JOBS, latest)
                if doc is not None and doc.data.get("status") not in TERMINAL:
                    raise JobRunningError(project.id, latest)
            return lambda: self._projects.set_latest_job(tx, project.id, job.id)

        job = self._quotas.admit(job, estimate, claim=claim)
        self._queue.enqueue(steps.SCRIPT, job.id)
        return job

    def write_script(self, owner: str, project_id: str, command: WriteScript) -> Job:
        """Start a script job: the story written, or written anew. A project that has a story
        gets another one, from `command.seed` or the seed after its own (a new seed is a
        setting the script is written from: changing it clears the story, edits and all);
        given its own seed, it keeps the story it has. JobRunningError first, before
        anything is changed, while a job of the project runs."""
        project = self._projects.get(owner, project_id)
        if project.last_job_id is not None:
            last = self._jobs.find(project.last_job_id)
            if last is not None and not last.terminal:
                raise JobRunningError(project.id, last.id)
        seed = command.seed
        if seed is None and project.story is not None:
            seed = (project.settings.seed + 1) % 2**31
        if seed is not None and seed != project.settings.seed:
            change = UpdateProject.model_validate({"settings": {"seed": seed}})
            self._projects.update(owner, project.id, change)
        return self.start(owner, StartJob(project_id=project.id, kind="script"))

    def cancel(self, owner: str, job_id: str) -> Job:
        """Mark the owner's job cancelled. Its queued steps stop at their next delivery (the
        dispatch ignores ended jobs) and assembly will not overwrite it. Another owner's job is
        NotFoundError; a job that already ended is JobFinishedError."""

        def stop(job: Job) -> None:
            owned(job, owner, "job", job_id)
            if job.terminal:
                raise JobFinishedError(job_id, job.status)
            job.status = "cancelled"
            job.finished_at = self._clock.now()

        job, _ = self._jobs.mutate(job_id, stop)
        return job
