"""The fan-in: scenes finish in any order, on any instance; assembly is enqueued exactly once,
by whichever scene completes the set. A storyboard has no assembly: the scene that completes
the set ends the job, with the estimate of the render. And the assembly step, which only
launches the runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from common.domain import steps
from common.domain.commands import StepCommand
from common.domain.job import STAGE_SPAN, Job, RenderEstimate
from common.ports import Clock, Delivery, JobRunner
from common.services.pipeline.jobs import JobRepository
from common.services.pipeline.ledger import StepLedger, ledger_key
from common.services.pipeline.results import Launched

if TYPE_CHECKING:
    from common.services.pipeline.context import StepQueue


class FanIn:
    def __init__(
        self,
        jobs: JobRepository,
        queue: StepQueue,
        clock: Clock,
        estimate: Callable[[Job], RenderEstimate],
    ) -> None:
        self._jobs = jobs
        self._queue = queue
        self._clock = clock
        self._estimate = estimate

    def finish_scene(self, job_id: str, scene_id: str, **fields: Any) -> None:
        """Record a scene's progress; when every scene is ready, enqueue assembly exactly once.

        The check runs in a transaction, so of two scenes finishing together only one sees
        "all ready and not yet enqueued". The enqueue itself carries a deterministic name, so
        re-running this after a crash between commit and enqueue is safe.
        """

        def apply(job: Job) -> bool:
            if job.terminal:
                return False
            scene = job.scenes[scene_id]
            for name, value in fields.items():
                setattr(scene, name, value)
            if job.kind in ("preview", "storyboard") and scene.keyframe_key is not None:
                # A preview or a storyboard shows each scene's picture as soon as it exists.
                job.outputs.preview[scene_id] = scene.keyframe_key
            job.sort_scene_origins()
            job.progress = max(job.progress, job.scene_progress())
            ready = job.scenes_ready
            if ready and not job.makes_video:
                job.estimate = self._estimate(job)
                job.finish(self._clock.now())
                return False
            if ready and not job.assemble_enqueued:
                job.assemble_enqueued = True
                job.stage = "assembly"
                job.progress = max(job.progress, STAGE_SPAN["assembly"][0])
            return ready and job.assemble_enqueued

        _, enqueue = self._jobs.mutate(job_id, apply)
        if enqueue:
            self._queue.enqueue(steps.ASSEMBLE, job_id)


class AssembleStep:
    """Starts the assembly once per job (in-process, or a Cloud Run job execution)."""

    def __init__(self, ledger: StepLedger, runner: JobRunner, max_tasks: int = 1) -> None:
        self._ledger = ledger
        self._runner = runner
        self._max_tasks = max_tasks

    def run(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        def launch() -> Launched:
            self._runner.run_assembly(job.id, tasks=job.assembly_task_count(self._max_tasks))
            return Launched()

        self._ledger.run_once(ledger_key(steps.ASSEMBLE, job.id), Launched, launch)
