"""The assembly runner of the embedded default (there is no Cloud Run): the same tasks a Cloud
Run execution runs (common/services/pipeline/assembly_tasks.py), here.

One task runs in the calling worker thread. Several run as processes, as Cloud Run tasks are:
each a fresh interpreter (spawned, never forked: the parent's threads, locks and database
connections stay its own) that builds its services from the same settings and runs one task,
at most as many at once as there are cores. Services built around adapters given in code (the
tests' fakes, an in-memory store) cannot be rebuilt in another process: their tasks run as
threads of this one instead, each driving its own ffmpeg processes. Either way a task that dies
runs again, as Cloud Run retries a task (`attempts` in all), then the step fails and the queue
delivers it again: a new execution whose tasks find their segments cached.
"""

from __future__ import annotations

import contextvars
import logging
import multiprocessing
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from common.domain.assembly_tasks import TaskSlot
from common.domain.errors import RetryableError
from common.ports.tracing import NULL_TRACER, Tracer
from common.services.pipeline.assembly_tasks import AssemblyTask

if TYPE_CHECKING:
    from common.config import Settings

log = logging.getLogger(__name__)


class LocalJobRunner:
    """`settings` given: several tasks run as processes built from them; None: as threads."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        tracer: Tracer = NULL_TRACER,
        parallel: int | None = None,
        attempts: int = 3,
    ) -> None:
        self.task: AssemblyTask | None = None
        self.settings = settings
        self.tracer = tracer
        self.parallel = parallel or os.cpu_count() or 1
        self.attempts = attempts

    def run_assembly(self, job_id: str, tasks: int = 1) -> None:
        assert self.task is not None, "LocalJobRunner used before it was wired"
        task, settings = self.task, self.settings
        execution = uuid.uuid4().hex[:12]
        carrier = self.tracer.carrier()

        def run(index: int) -> None:
            for attempt in range(self.attempts):
                slot = TaskSlot(index=index, count=tasks, attempt=attempt, execution=execution)
                try:
                    if tasks > 1 and settings is not None:
                        _in_process(settings, job_id, slot, carrier)
                    else:
                        task.run(job_id, slot)
                    return
                except Exception:
                    if attempt + 1 == self.attempts:
                        raise
                    log.warning("assembly task %d of %s failed; again", index, job_id)

        if tasks <= 1:
            run(0)
            return
        # Each thread in a copy of this one's context: the job's trace span and ffmpeg's run
        # observer follow the tasks.
        context = contextvars.copy_context()
        with ThreadPoolExecutor(min(tasks, self.parallel), "assembly-task") as pool:
            started = [pool.submit(context.copy().run, run, i) for i in range(tasks)]
            for done in started:
                done.result()


def _in_process(settings: Settings, job_id: str, slot: TaskSlot, carrier: dict[str, str]) -> None:
    """Run task `slot` in a spawned process; RetryableError when it dies or fails."""
    process = multiprocessing.get_context("spawn").Process(
        target=run_task,
        args=(settings, job_id, slot, carrier),
        name=f"assembly-{job_id}-{slot.index}",
    )
    process.start()
    process.join()
    if process.exitcode != 0:
        raise RetryableError(
            f"assembly task {slot.index + 1} of {slot.count} for {job_id} exited with "
            f"{process.exitcode}"
        )


def run_task(settings: Settings, job_id: str, slot: TaskSlot, carrier: dict[str, str]) -> None:
    """A task process's body: its own services from `settings`, one task in the job's trace
    (as functions/assemble_job.py runs one in Cloud Run)."""
    from common.bootstrap import build_services
    from common.services.observability.delivery_spans import execution_span

    svc = build_services(settings)
    try:
        with execution_span(svc.tracer, "assemble_task", job_id, carrier):
            svc.assembly_task.run(job_id, slot)
    finally:
        svc.close()
