"""One task of an assembly spread over several (Cloud Run job tasks; in-process, the local
runner's threads): encode this task's share of the segments, record it on the job, and, if
this record completes the set, join the video.

The join is the Assembler's ordinary run: its segment-cached render finds every segment the
tasks stored and only renders the soundtrack, joins by stream copy, draws the thumbnail and
publishes the outputs. Exactly one task joins (common/domain/assembly_tasks.py says how the
claim is taken and taken over); a second join could only come from a claim taken over from a
holder that was in fact alive, and would publish the same outputs under the same keys, which
the Assembler already allows for (an assembly that loses the race keeps the winner's outputs).

A cancelled job stops every task before its next scene, records nothing and joins nothing.
Every step is idempotent: a retried task finds its segments cached and encodes nothing, and
its record is a set member.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from common.domain.assembly_tasks import AssemblyTasks, JoinClaim, TaskSlot
from common.domain.errors import CancelledError, RetryableError, StoryGeniusError
from common.domain.job import STAGE_SPAN, Job, JobError
from common.media.render.scratch import scratch_dir, sweep_scratch
from common.ports import Clock
from common.services.pipeline.assembly import Assembler
from common.services.pipeline.assets import BlobSegmentCache
from common.services.pipeline.jobs import JobRepository

log = logging.getLogger(__name__)

# Of the assembly stage's progress, what the shares take (the join takes the rest).
SHARES_SHARE = 0.9


class AssemblyTask:
    """Runs one task of a job's assembly (`run`); a single task is the Assembler's run."""

    def __init__(
        self,
        *,
        assembler: Assembler,
        jobs: JobRepository,
        cache: BlobSegmentCache,
        clock: Clock,
        join_lease_s: float,
    ) -> None:
        self.assembler = assembler
        self.jobs = jobs
        self.cache = cache
        self.clock = clock
        self.join_lease = timedelta(seconds=join_lease_s)

    def run(self, job_id: str, slot: TaskSlot) -> Job:
        """Do task `slot` of the job's assembly; the job as it then is.

        Raises RetryableError (and whatever a crash raises) for the task to be run again; a
        permanent failure fails the job naming the assembly and the share's scenes.
        """
        if slot.count <= 1:
            return self.assembler.run(job_id)
        job = self.jobs.get(job_id)
        if job.terminal:
            return job
        if self.jobs.mark_running(job_id, "assembly").terminal:
            return self.jobs.get(job_id)
        try:
            encoded = self._render_share(job, slot)
            if encoded is None:
                return self.jobs.get(job_id)
        except CancelledError:
            return self.jobs.get(job_id)
        except RetryableError:
            raise
        except StoryGeniusError as exc:
            where = f"share {slot.index + 1} of {slot.count}"
            error = JobError(
                stage="assembly",
                code=exc.code,
                message=f"{where}: {exc.message}",
                retryable=False,
            )
            self.jobs.fail(job_id, error)
            return self.jobs.get(job_id)
        tasks = self._record(job_id, slot, encoded)
        if tasks is not None:
            log.info("job %s: task %d joins the video", job_id, slot.index)
            return self.assembler.run(job_id, encoded_before=tasks.encoded)
        return self.jobs.get(job_id)

    def _render_share(self, job: Job, slot: TaskSlot) -> list[str] | None:
        """Encode the share's missing segments; the names of those encoded. None when this
        timeline cannot be split (then the first task assembles it alone, in one pass, and the
        others have nothing to do)."""
        # heavy: only where a video is made
        from common.media.render.shares import NotSplittableError, render_share

        sweep_scratch()  # render folders of killed workers on this machine
        with scratch_dir(f"job-{job.id}-task{slot.index}") as tmp:
            timeline = self.assembler.job_timeline(job, tmp)
            try:
                report = render_share(
                    timeline,
                    slot.index,
                    slot.count,
                    fetch=self.cache.fetch,
                    store=self.cache.store,
                    stop=lambda: self.jobs.get(job.id).terminal,
                    workers=self.assembler.settings.segment_workers,
                )
            except NotSplittableError:
                log.info("job %s cannot be split: task 0 assembles it alone", job.id)
            else:
                return report.encoded
        if slot.index == 0:
            self.assembler.run(job.id)
        return None

    def _record(self, job_id: str, slot: TaskSlot, encoded: list[str]) -> AssemblyTasks | None:
        """Record the share (and what it encoded) in a transaction; the fan-in's record when
        this task now holds the join, else None."""
        now = self.clock.now()
        lo, hi = STAGE_SPAN["assembly"]

        def apply(job: Job) -> bool:
            if job.terminal:
                return False
            tasks = job.assembly_tasks
            if tasks is None or tasks.count != slot.count:
                tasks = AssemblyTasks(count=slot.count)
            if slot.index not in tasks.done:
                tasks.done = sorted([*tasks.done, slot.index])
            tasks.encoded = [*tasks.encoded, *(n for n in encoded if n not in tasks.encoded)]
            share = SHARES_SHARE * len(tasks.done) / tasks.count
            job.progress = max(job.progress, round(lo + (hi - lo) * share))
            joins = tasks.complete and (
                tasks.join is None or tasks.join.gone_for(slot, now, self.join_lease)
            )
            if joins:
                tasks.join = JoinClaim(
                    execution=slot.execution, task=slot.index, attempt=slot.attempt, at=now
                )
            job.assembly_tasks = tasks
            return joins

        job, joins = self.jobs.mutate(job_id, apply)
        return job.assembly_tasks if joins else None
