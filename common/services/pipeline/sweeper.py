"""The sweeper: no job stays stuck when a step's function dies mid-step or a task is lost.

Run by the scheduler tick (`Sweeper.sweep(now)`), it looks for two things:

- Steps whose in-progress claim expired (common/services/pipeline/ledger.py): the delivery that
  held it died before recording a result, and the queue has given up redelivering it. The step is
  enqueued again under a name made of the claim's expiry, so each expiry is swept once however
  many sweepers run; the new delivery takes the expired claim over. After `max_sweeps` expiries
  of the same step its job fails, naming the stage, the scene and why.
- Jobs without a write for `stall_after_s` and no live claim (a task lost between steps): the
  steps their state says come next are enqueued again (`kick<n>` names); handlers are
  idempotent, so a step that had in fact run only advances the chain. After `max_sweeps` kicks
  without progress the job fails (a job that moved since its last kick starts counting again).

What the sweeper has done is kept in `sweeps/{id}` (one per claim, one per job), each with a
`keep_until` that the housekeeping on the tick deletes it after (common/services/housekeeping.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from common.config import Settings
from common.domain import steps
from common.domain.job import Job, JobError
from common.domain.steps import StepSpec
from common.ports import Clock, DocumentStore, Transaction
from common.services.pipeline.context import StepQueue
from common.services.pipeline.jobs import JobRepository
from common.services.pipeline.ledger import COLLECTION as LEDGER
from common.services.pipeline.ledger import COMPLETED, StepLedger, ledger_key

log = logging.getLogger(__name__)

SWEEPS = "sweeps"
# A sweep record outlives its job's last stall by this much: long enough to count its expiries
# and kicks (a job fails or moves within minutes of a stall), short enough not to pile up.
KEEP_SWEEPS = timedelta(days=30)


def keep_until(now: datetime) -> str:
    """When a record written at `now` may go: UTC, one fixed format, so the text orders by time
    and a range query compares it in either store."""
    return (now + KEEP_SWEEPS).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Ledger keys are `job:kind[:scene]` (common/services/pipeline/ledger.py), the kinds those of the
# step registry; API idempotency records share the collection under hashed ids and never match.
_LEDGER_KEY = re.compile(
    r"^(?P<job>[A-Za-z0-9_-]+):(?P<kind>"
    + "|".join(re.escape(kind) for kind in steps.BY_LEDGER)
    + r")(?::(?P<scene>[a-z0-9_-]+))?$"
)
# Kicked clip polls are numbered from here (times the kick), clear of the names of the polls
# the job already made: a repeated name would be dropped as a duplicate.
KICK_POLL_BASE = 1000


@dataclass
class SweepReport:
    """What one sweep did: task names enqueued, jobs kicked, jobs failed (with why)."""

    requeued: list[str] = field(default_factory=list)
    kicked: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S%f")


class Sweeper:
    def __init__(
        self,
        *,
        settings: Settings,
        store: DocumentStore,
        clock: Clock,
        jobs: JobRepository,
        ledger: StepLedger,
        queue: StepQueue,
    ) -> None:
        self._settings = settings
        self._store = store
        self._clock = clock
        self._jobs = jobs
        self._ledger = ledger
        self._queue = queue

    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Requeue steps whose claim expired and kick stalled jobs (see the module doc)."""
        now = now or self._clock.now()
        report = SweepReport()
        busy = self._expired_claims(now, report)
        self._stalled_jobs(now, busy, report)
        if report.requeued or report.kicked or report.failed:
            log.warning(
                "sweep: requeued %s, kicked %s, failed %s",
                report.requeued,
                report.kicked,
                report.failed,
            )
        return report

    # -- expired claims ---------------------------------------------------------------------

    def _expired_claims(self, now: datetime, report: SweepReport) -> set[str]:
        """Requeue the steps of expired claims; the ids of jobs with a claim, live or swept
        (not to be kicked as well)."""
        busy: set[str] = set()
        for doc in self._store.query("idempotency", [("status", "==", "in_progress")]):
            match = _LEDGER_KEY.match(doc.id)
            expires_at = doc.data.get("expires_at")
            if match is None or not isinstance(expires_at, str):
                continue
            expires = datetime.fromisoformat(expires_at)
            job_id, kind, scene_id = match["job"], match["kind"], match["scene"]
            if expires > now:
                busy.add(job_id)
                continue
            job = self._jobs.find(job_id)
            if job is None or job.terminal:
                # Nothing will run for it again (steps ignore ended jobs): drop the dead claim
                # so the next sweeps do not read it.
                self._store.delete("idempotency", doc.id)
                continue
            busy.add(job_id)
            self._requeue(job, steps.BY_LEDGER[kind], scene_id, doc.id, expires, now, report)
        return busy

    def _requeue(
        self,
        job: Job,
        step: StepSpec,
        scene_id: str | None,
        claim_id: str,
        expires: datetime,
        now: datetime,
        report: SweepReport,
    ) -> None:
        limit = self._settings.max_sweeps
        seen = expires.isoformat()

        def decide(tx: Transaction) -> tuple[int, bool]:
            """The sweep number of this expiry (0 when the step has been swept enough), and
            whether this sweep is the first to see the expiry."""
            doc = tx.get(SWEEPS, f"claim-{claim_id}")
            record: dict[str, Any] = dict(doc.data) if doc is not None else {"count": 0}
            if record.get("expiry") == seen:
                return int(record["count"]), False
            if record["count"] >= limit:
                return 0, True
            record.update(
                count=record["count"] + 1, expiry=seen, job_id=job.id, keep_until=keep_until(now)
            )
            tx.set(SWEEPS, f"claim-{claim_id}", record)
            return int(record["count"]), True

        count, fresh = self._store.transaction(decide)
        where = f"{step.name} of scene {scene_id}" if scene_id else step.name
        if count == 0:
            reason = f"{where} stopped without finishing {limit + 1} times (its claim expired)"
            assert step.stage is not None  # only job steps keep ledger records
            self._fail(job, step.stage, scene_id, "step_stalled", reason, report)
            return
        # Enqueued again when seen before (a sweep may have died between its record and its
        # enqueue): the name is the same, so the queue drops it if it has it.
        tag = f"sweep-{_stamp(expires)}"
        self._queue.enqueue(step, job.id, scene_id, tag=tag)
        if fresh:
            report.requeued.append("-".join(p for p in (job.id, step.name, scene_id, tag) if p))

    # -- stalled jobs -----------------------------------------------------------------------

    def _stalled_jobs(self, now: datetime, busy: set[str], report: SweepReport) -> None:
        stall = timedelta(seconds=self._settings.stall_after_s)
        for status in ("queued", "running"):
            for doc in self._store.query("jobs", [("status", "==", status)]):
                job = Job.model_validate(doc.data)
                if job.id in busy or now - job.updated_at < stall:
                    continue
                self._kick(job, now, stall, report)

    def _kick(self, job: Job, now: datetime, stall: timedelta, report: SweepReport) -> None:
        limit = self._settings.max_sweeps
        updated = job.updated_at.isoformat()

        def decide(tx: Transaction) -> int | None:
            """The kick number; None to wait for the last kick; 0 when kicked enough."""
            doc = tx.get(SWEEPS, f"job-{job.id}")
            record: dict[str, Any] = dict(doc.data) if doc is not None else {"count": 0}
            kicked_at = record.get("kicked_at")
            if (
                record.get("updated_at") == updated
                and kicked_at is not None
                and now - datetime.fromisoformat(kicked_at) < stall
            ):
                return None
            if record.get("updated_at") != updated:
                record["count"] = 0  # it moved since the last kick: a new stall
            if record["count"] >= limit:
                return 0
            record.update(
                count=record["count"] + 1,
                updated_at=updated,
                kicked_at=now.isoformat(),
                keep_until=keep_until(now),
            )
            tx.set(SWEEPS, f"job-{job.id}", record)
            return int(record["count"])

        count = self._store.transaction(decide)
        if count is None:
            return
        if count == 0:
            idle = int((now - job.updated_at).total_seconds())
            reason = f"no progress for {idle} s at stage {job.stage} after {limit} restarts"
            scene = next((s for s in job.scene_ids if not job.scene_ready(s)), None)
            stage = "script" if job.stage == "queued" else job.stage
            self._fail(job, stage, scene if stage == "scenes" else None, "stalled", reason, report)
            return
        for step, scene_id, poll in self._next_steps(job, count):
            self._queue.enqueue(step, job.id, scene_id, poll=poll, tag=f"kick{count}")
        report.kicked.append(job.id)

    def _next_steps(self, job: Job, count: int) -> list[tuple[StepSpec, str | None, int]]:
        """The steps a job's state says come next (handlers skip what is done)."""
        if job.stage in ("queued", "script") or not job.scenes:
            return [(steps.SCRIPT, None, 0)]
        if job.stage == "references":
            return [(steps.REFERENCES, None, 0)]
        if not job.makes_video and job.scenes_ready:
            # A storyboard whose last scene never reached the fan-in: a finished keyframe
            # step only reports the scene again, and that ends the job.
            return [(steps.KEYFRAME, job.scene_ids[-1], 0)]
        if job.stage == "assembly" or job.scenes_ready:
            # A launched assembly that never finished: launch it again.
            key = ledger_key(steps.ASSEMBLE, job.id)
            record = self._store.get(LEDGER, key)
            if record is not None and record.data.get("status") == COMPLETED:
                self._ledger.forget(key)
            return [(steps.ASSEMBLE, None, 0)]
        wanted = job.scene_steps
        next_steps: list[tuple[StepSpec, str | None, int]] = []
        for scene_id in job.scene_ids:
            state = job.scenes[scene_id]
            if "narration" in wanted and not state.finished("narration"):
                next_steps.append((steps.NARRATION, scene_id, 0))
            if not state.finished("keyframe"):
                next_steps.append((steps.KEYFRAME, scene_id, 0))
            elif "clip" in wanted and not state.finished("clip"):
                poll = KICK_POLL_BASE * count + 1 if state.clip_operation else 0
                next_steps.append((steps.CLIP, scene_id, poll))
        return next_steps

    def _fail(
        self,
        job: Job,
        stage: str,
        scene_id: str | None,
        code: str,
        reason: str,
        report: SweepReport,
    ) -> None:
        error = JobError(stage=stage, scene=scene_id, code=code, message=reason, retryable=False)
        self._jobs.fail(job.id, error)
        report.failed[job.id] = reason
