"""What every pipeline step shares: the job's story snapshot, charging a provider call, finishing
a scene (the fan-in) and enqueueing the next step under a deterministic name.

Steps get this narrow context and the few collaborators of their own (providers, the asset
cache, blobs): no step holds the pipeline, and the pipeline holds the steps only through the
registry's handler table (common/services/pipeline/dispatch.py).
"""

from __future__ import annotations

from typing import Any

from common.config import Settings
from common.domain.errors import StoryGeniusError
from common.domain.job import Job, RenderEstimate, Unbilled
from common.domain.providers import STAGE_PROVIDER, ProviderChoice
from common.domain.steps import StepSpec
from common.domain.story import Story
from common.domain.usage import Charge, UsageStage
from common.ports import Clock, Task, TaskQueue
from common.services.accounts.estimates import estimate_render
from common.services.accounts.usage import UsageRecorder
from common.services.pipeline.fanin import FanIn
from common.services.pipeline.jobs import JobRepository
from common.services.pipeline.ledger import StepLedger
from common.services.projects.projects import ProjectService


class StepQueue:
    """Enqueues registered steps under deterministic names, so a repeated enqueue is a no-op."""

    def __init__(self, queue: TaskQueue) -> None:
        self._queue = queue

    def enqueue(
        self,
        step: StepSpec,
        job_id: str,
        scene_id: str | None = None,
        *,
        poll: int = 0,
        delay_s: float = 0,
        tag: str = "",
    ) -> None:
        """Enqueue `step` for the job (and scene); `poll` numbers a clip's polls, `tag` names
        a deliberate second delivery (the sweeper's)."""
        payload: dict[str, Any] = {"job_id": job_id}
        if scene_id is not None:
            payload["scene_id"] = scene_id
        if poll:
            payload["poll"] = poll
        parts = (job_id, step.name, scene_id, str(poll) if poll else None, tag)
        name = "-".join(p for p in parts if p)
        self._queue.enqueue(Task(target=step.name, payload=payload, name=name, delay_s=delay_s))


class StepContext:
    """The story, charges, the fan-in and the queue, as every step uses them."""

    def __init__(
        self,
        *,
        settings: Settings,
        projects: ProjectService,
        jobs: JobRepository,
        ledger: StepLedger,
        queue: StepQueue,
        usage: UsageRecorder,
        choice: ProviderChoice,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.choice = choice
        self.jobs = jobs
        self.ledger = ledger
        self.queue = queue
        self.clock = clock
        self._projects = projects
        self._usage = usage
        self._fanin = FanIn(jobs, queue, clock, self.estimate_render)

    def enqueue(
        self,
        step: StepSpec,
        job_id: str,
        scene_id: str | None = None,
        *,
        poll: int = 0,
        delay_s: float = 0,
    ) -> None:
        self.queue.enqueue(step, job_id, scene_id, poll=poll, delay_s=delay_s)

    def story(self, job: Job) -> Story:
        """The story the job renders: its snapshot, taken once the script step is done, so
        edits made while the job runs go to the next job, not half into this one."""
        if job.story is not None:
            return job.story
        project = self._projects.load(job.project_id)
        if project.story is None:
            raise StoryGeniusError(f"project {project.id} has no story yet")
        return project.story

    def estimate_render(self, job: Job) -> RenderEstimate:
        """What rendering the job's story costs now, its scenes' finished steps not counted."""
        made = {
            sid: [step for step in ("narration", "keyframe") if state.finished(step)]
            for sid, state in job.scenes.items()
        }
        return estimate_render(self.story(job), self.choice, made)

    def charge(
        self,
        job_id: str,
        provider: str,
        units: float,
        *,
        stage: UsageStage,
        key: str,
        scene_id: str | None = None,
    ) -> None:
        """Record one provider call of `units` (in its price model's unit: a call, an image, a
        character, a second): its usage event, the job's cost line and the owner's debit,
        together and once (`key`, the content key of the call's inputs, makes the event's id:
        a retried step reporting the same call changes nothing). The stage's provider
        descriptor prices it and says how it counts against the daily limits."""
        info = self.choice.of(STAGE_PROVIDER[stage])
        charge = Charge(
            stage=stage, scene_id=scene_id, provider=provider, units=units,
            unit=info.price.unit, usd=info.price.cost(units), key=key, quota=info.quota,
        )  # fmt: skip
        self._usage.record(job_id, charge)

    def record_unbilled(
        self,
        job_id: str,
        provider: str,
        units: float,
        *,
        stage: UsageStage,
        key: str,
        scene_id: str,
        reason: str,
    ) -> None:
        """Record a call that delivered nothing (refused, failed, timed out) on the scene and
        its provider's cost line, with what it would have cost at list price; not charged."""
        info = self.choice.of(STAGE_PROVIDER[stage])
        unbilled = Unbilled(
            provider=provider, units=units, unit=info.price.unit,
            list_usd=round(info.price.cost(units), 6), reason=reason, key=key,
        )  # fmt: skip
        self._usage.record_unbilled(job_id, scene_id, unbilled)

    def finish_scene(self, job_id: str, scene_id: str, **fields: Any) -> None:
        """Record a scene's progress; the last scene ready enqueues assembly (see FanIn)."""
        self._fanin.finish_scene(job_id, scene_id, **fields)
