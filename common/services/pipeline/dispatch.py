"""The pipeline: one job's steps, each a handler that a task queue delivers at least once.

    start -> script -> references -+-> narration[scene] --------------------+
                                   +-> keyframe[scene] -> clip[scene]       |
                                                                            v
                 fan-in (transaction: the last scene to finish enqueues once) -> assemble

Each step lives in its own module over a narrow StepContext; this module binds them to the step
registry (common/domain/steps.py) and runs one delivery: it drops tasks of jobs that ended or
never existed, and turns a step's failure into the job's error (stage, scene, reason) or into a
retry. Each handler finds its result recorded (ledger, content-hash cache, job state) when
delivered again, and only advances the chain; next steps are enqueued under deterministic names
so a repeated enqueue is a no-op.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Protocol

from common.config import Settings
from common.domain import steps
from common.domain.commands import StartJob, StepCommand, WriteScript
from common.domain.errors import StoryGeniusError
from common.domain.job import Job
from common.domain.steps import StepSpec
from common.ports import BlobStore, Clock, Delivery, ImageGenerator, JobRunner, TaskQueue
from common.services.accounts.quotas import Quotas
from common.services.accounts.usage import UsageRecorder
from common.services.pipeline.assets import AssetCache
from common.services.pipeline.clip import ClipStep
from common.services.pipeline.context import StepContext, StepQueue
from common.services.pipeline.errors import step_failure
from common.services.pipeline.fanin import AssembleStep
from common.services.pipeline.jobs import JobRepository
from common.services.pipeline.keyframe import KeyframeStep
from common.services.pipeline.ledger import StepInProgressError, StepLedger
from common.services.pipeline.narration import NarrationStep
from common.services.pipeline.providers import Providers
from common.services.pipeline.references import ReferencesStep
from common.services.pipeline.script import ScriptStep
from common.services.pipeline.start import JobStarter
from common.services.projects.projects import ProjectService

log = logging.getLogger(__name__)


class StepHandler(Protocol):
    def run(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        """One delivery of the step for a live job; raises to fail it or have it retried."""


class Pipeline:
    def __init__(
        self,
        *,
        settings: Settings,
        projects: ProjectService,
        jobs: JobRepository,
        ledger: StepLedger,
        assets: AssetCache,
        blobs: BlobStore,
        queue: TaskQueue,
        runner: JobRunner,
        providers: Providers,
        clock: Clock,
        usage: UsageRecorder,
        quotas: Quotas,
        stand_in: Callable[[], ImageGenerator],
    ) -> None:
        self.settings = settings
        self.jobs = jobs
        self.ledger = ledger
        self.providers = providers
        self.usage = usage
        self.quotas = quotas
        self.queue = StepQueue(queue)
        ctx = StepContext(
            settings=settings,
            projects=projects,
            jobs=jobs,
            ledger=ledger,
            queue=self.queue,
            usage=usage,
            choice=providers.choice,
            clock=clock,
        )
        self._starter = JobStarter(
            settings=settings,
            projects=projects,
            jobs=jobs,
            quotas=quotas,
            queue=self.queue,
            clock=clock,
            choice=providers.choice,
        )
        # The one binding of the registry's pipeline steps to their handlers.
        self.handlers: dict[StepSpec, StepHandler] = {
            steps.SCRIPT: ScriptStep(ctx, projects, providers, quotas),
            steps.REFERENCES: ReferencesStep(ctx, providers, assets),
            steps.NARRATION: NarrationStep(ctx, providers, assets),
            steps.KEYFRAME: KeyframeStep(ctx, providers, assets, blobs, stand_in),
            steps.CLIP: ClipStep(ctx, providers, assets, blobs, clock, settings),
            steps.ASSEMBLE: AssembleStep(ledger, runner, settings.assembly_max_tasks),
        }
        unbound = [s.name for s in steps.PIPELINE_STEPS if s not in self.handlers]
        assert not unbound, f"pipeline steps without a handler: {unbound}"

    def start(self, owner: str, command: StartJob, *, job_id: str | None = None) -> Job:
        """Create a job for the owner's project and enqueue its first step (JobStarter.start)."""
        return self._starter.start(owner, command, job_id=job_id)

    def write_script(self, owner: str, project_id: str, command: WriteScript) -> Job:
        """Start a job that writes (or rewrites) the project's story (JobStarter.write_script)."""
        return self._starter.write_script(owner, project_id, command)

    def cancel(self, owner: str, job_id: str) -> Job:
        """Mark the owner's job cancelled (JobStarter.cancel)."""
        return self._starter.cancel(owner, job_id)

    def enqueue(self, step: StepSpec, job_id: str, scene_id: str | None = None) -> None:
        """Enqueue a step of a job under its deterministic name (a repeat is a no-op)."""
        self.queue.enqueue(step, job_id, scene_id)

    def step_handlers(self) -> dict[StepSpec, Callable[[StepCommand, Delivery], None]]:
        """The pipeline's steps as the step router calls them (a parsed command each)."""
        return {spec: functools.partial(self.handle, spec) for spec in self.handlers}

    def handle(self, step: StepSpec, command: StepCommand, delivery: Delivery) -> None:
        """Run one delivery of `step`. Returns normally when the task is finished with (done, or
        failed for good and recorded on the job); raises a retryable error to be delivered again."""
        handler = self.handlers[step]
        job = self.jobs.find(command.job_id)
        if job is None:
            log.warning("%s: job %s does not exist; dropping the task", step.name, command.job_id)
            return
        if job.terminal:
            log.info("%s: job %s is %s; nothing to do", step.name, job.id, job.status)
            return
        if command.scene_id is not None and command.scene_id not in job.scenes:
            log.warning("%s: job %s has no scene %s", step.name, job.id, command.scene_id)
            return
        try:
            handler.run(job, command, delivery)
        except StepInProgressError as exc:
            if not delivery.last_attempt:
                raise
            # Its holder may still finish; if it died, its claim expires and the sweeper
            # enqueues the step again. Failing the job here would fail a job that is fine.
            log.warning("%s: %s; leaving it to its holder or the sweeper", step.name, exc.message)
        except StoryGeniusError as exc:
            if exc.retryable and not delivery.last_attempt:
                raise
            self._fail(step, command, exc.code, exc.message, exc.retryable)
        except Exception as exc:
            # A defect, not an input problem: the job must still say where it died.
            log.exception("%s failed for job %s", step.name, command.job_id)
            self._fail(step, command, "internal", f"{type(exc).__name__}: {exc}", False)

    def _fail(
        self, step: StepSpec, command: StepCommand, code: str, message: str, retryable: bool
    ) -> None:
        error = step_failure(step, command, code, message, retryable=retryable)
        log.error("job %s failed: %s", command.job_id, error.model_dump())
        self.jobs.fail(command.job_id, error)
