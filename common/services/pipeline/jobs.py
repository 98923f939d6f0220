"""Job documents: load, save, change one scene, record failure, throttle progress writes."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

from common.domain.errors import NotFoundError
from common.domain.job import STAGE_SPAN, Job, JobError, SceneState, Stage
from common.domain.paging import PageQuery, page_of
from common.ports import Clock, DocumentStore, Transaction

COLLECTION = "jobs"


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def job_data(job: Job) -> dict[str, Any]:
    return job.model_dump(mode="json")


def changed_paths(
    before: dict[str, Any], after: dict[str, Any], prefix: str = ""
) -> dict[str, Any]:
    """The dotted field paths whose values differ between two versions of a document.

    Writing only these (not the whole document) keeps concurrent changes to different scenes
    from overwriting each other even where a store cannot isolate transactions. Maps whose keys
    are not plain identifiers (e.g. cost lines keyed by provider id) are written whole.
    """
    changes: dict[str, Any] = {}
    for key, value in after.items():
        old = before.get(key)
        if value == old:
            continue
        if (
            isinstance(value, dict)
            and isinstance(old, dict)
            and value
            and old
            and all(_PLAIN_KEY.match(k) for k in value)
        ):
            changes.update(changed_paths(old, value, f"{prefix}{key}."))
        else:
            changes[f"{prefix}{key}"] = value
    return changes


class JobRepository:
    """All reads and writes of `jobs/{id}`. State changes write at once; progress-only changes
    are throttled to one write per `progress_interval_s` per job (Firestore's sustained limit)."""

    def __init__(
        self,
        store: DocumentStore,
        clock: Clock,
        progress_interval_s: float = 1.0,
        on_end: Callable[[str], None] | None = None,
    ):
        self._store = store
        self._clock = clock
        # Told the id of each job that has just ended (done, failed or cancelled), after the
        # write: the quotas give back what it did not use (idempotently: told twice is fine).
        self._on_end = on_end
        self._interval = progress_interval_s
        self._last_progress: dict[str, float] = {}
        self._lock = threading.Lock()

    def create(self, job: Job) -> Job:
        self._store.create(COLLECTION, job.id, job_data(job))
        return job

    def get(self, job_id: str) -> Job:
        doc = self._store.get(COLLECTION, job_id)
        if doc is None:
            raise NotFoundError(f"job {job_id} not found")
        return Job.model_validate(doc.data)

    def find(self, job_id: str) -> Job | None:
        doc = self._store.get(COLLECTION, job_id)
        return None if doc is None else Job.model_validate(doc.data)

    def of_project(self, owner: str, project_id: str) -> list[Job]:
        """Every job of the owner's project (equality filters only: Firestore needs no
        composite index for it)."""
        docs = self._store.query(
            COLLECTION, [("project_id", "==", project_id), ("owner", "==", owner)]
        )
        return [Job.model_validate(d.data) for d in docs]

    def for_project(
        self, owner: str, project_id: str, page: PageQuery | None = None
    ) -> tuple[list[Job], str | None]:
        """One page of the owner's jobs of one project, newest first, and the next cursor."""
        jobs = self.of_project(owner, project_id)
        return page_of(jobs, lambda job: (job.created_at.isoformat(), job.id), page or PageQuery())

    def delete(self, job_id: str) -> None:
        """Delete the job's document (a project's delete; common/services/projects/deletion.py)."""
        self._store.delete(COLLECTION, job_id)

    def update(self, job_id: str, changes: dict[str, Any]) -> None:
        """Write `changes` (dotted paths, JSON values) and stamp updated_at."""
        changes = {**changes, "updated_at": self._clock.now().isoformat()}
        self._store.update(COLLECTION, job_id, changes)

    def mutate(self, job_id: str, fn: Callable[[Job], Any]) -> tuple[Job, Any]:
        """Change the job in a transaction: `fn` edits the Job in place and returns a value.

        Returns the job as written and fn's value. `fn` may run more than once.
        """

        def run(tx: Transaction) -> tuple[Job, Any, bool]:
            doc = tx.get(COLLECTION, job_id)
            if doc is None:
                raise NotFoundError(f"job {job_id} not found")
            job = Job.model_validate(doc.data)
            was_live = not job.terminal
            before = job_data(job)
            value = fn(job)
            if was_live and job.terminal:
                job.settle_steps()
            job.track_stage(before["stage"], self._clock.now())  # per-stage timings
            changes = changed_paths(before, job_data(job))
            if changes:
                job.updated_at = self._clock.now()
                changes["updated_at"] = job.updated_at.isoformat()
                tx.update(COLLECTION, job_id, changes)
            return job, value, was_live and job.terminal

        job, value, ended = self._store.transaction(run)
        if ended and self._on_end is not None:
            self._on_end(job_id)
            job = self.get(job_id)  # as the hook left it (what it counts)
        return job, value

    def mark_running(self, job_id: str, stage: Stage) -> Job:
        """Enter `stage`, unless the job already ended (a cancel must not be overwritten)."""

        def start(job: Job) -> None:
            if job.terminal:
                return
            job.status = "running"
            job.stage = stage
            job.started_at = job.started_at or self._clock.now()

        job, _ = self.mutate(job_id, start)
        return job

    def update_scene(self, job_id: str, scene_id: str, **fields: Any) -> None:
        state = SceneState.model_validate(fields)  # validates the values
        dumped = state.model_dump(mode="json", include=set(fields))
        self.update(job_id, {f"scenes.{scene_id}.{k}": v for k, v in dumped.items()})

    def report_progress(self, job_id: str, stage: str, fraction: float) -> None:
        """Progress inside a stage (0..1), written at most once per interval."""
        lo, hi = STAGE_SPAN[stage]
        value = int(lo + (hi - lo) * max(0.0, min(1.0, fraction)))
        now = time.monotonic()
        with self._lock:
            if now - self._last_progress.get(job_id, -1e9) < self._interval:
                return
            self._last_progress[job_id] = now
        self.update(job_id, {"progress": min(value, 99)})

    def fail(self, job_id: str, error: JobError) -> None:
        """Mark the job failed with where and why, unless it already ended."""

        def record(job: Job) -> None:
            if job.terminal:
                return
            job.status = "failed"
            job.error = error
            job.finished_at = self._clock.now()

        self.mutate(job_id, record)
