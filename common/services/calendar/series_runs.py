"""What a series does for its runs' schedules (the SeriesHooks of schedules.py): it makes each
run's project when the run starts, and records each change of a run's state in the series'
history. The series themselves, their cadence and the tick's claims are series.py.
"""

from __future__ import annotations

import contextlib

from common.domain.commands import CreateProject
from common.domain.errors import AlreadyExistsError, NotFoundError
from common.domain.project import MAX_PROMPT_CHARS
from common.domain.schedule import Schedule
from common.domain.series import RunStatus, Series
from common.ports import Clock, DocumentStore, Transaction
from common.services.calendar.schedules import COLLECTION as SCHEDULES
from common.services.calendar.series import COLLECTION, series_data
from common.services.projects.projects import ProjectService

RUN_STATUS: dict[str, RunStatus] = {
    "scheduled": "claimed",
    "generating": "generating",
    "published": "published",
    "failed": "failed",
    "cancelled": "cancelled",
    "skipped": "skipped",
}


class SeriesRuns:
    """The hooks a series' runs call: one per process, shared by every series."""

    def __init__(self, *, store: DocumentStore, clock: Clock, projects: ProjectService) -> None:
        self._store = store
        self._clock = clock
        self._projects = projects

    def project_for(self, schedule: Schedule) -> str:
        """The run's project (id = the schedule's), made on first call: the theme and topic,
        the series' settings with a seed of its own, and the topics not to repeat."""
        assert schedule.series_id is not None and schedule.run_index is not None
        doc = self._store.get(COLLECTION, schedule.series_id)
        series = None if doc is None else Series.model_validate(doc.data)
        if series is None:
            raise NotFoundError(f"series {schedule.series_id} was deleted")
        prompt = series.theme if not schedule.topic else f"{series.theme}: {schedule.topic}"
        seed = (series.settings.seed + schedule.run_index) % 2**31
        command = CreateProject(
            prompt=prompt[:MAX_PROMPT_CHARS],
            settings=series.settings.model_copy(update={"seed": seed}),
        )
        with contextlib.suppress(AlreadyExistsError):  # made by an earlier start
            self._projects.create(
                series.owner, command, project_id=schedule.id, avoid_topics=self._told(series)
            )
        return schedule.id

    def _told(self, series: Series) -> list[str]:
        """Topics and titles earlier runs used, with the titles of runs still in flight."""
        told = list(series.used_topics)
        for run in series.runs:
            if run.status in ("claimed", "generating") and run.project_id and not run.title:
                doc = self._store.get("projects", run.project_id)
                story = (doc.data.get("story") or {}) if doc is not None else {}
                if story.get("title"):
                    told.append(story["title"])
        return told

    def on_change(self, changed: Schedule) -> None:
        """Record a run's state on the series (idempotent: it sets, never adds twice). The
        schedule is read again in the transaction: a late caller cannot record a stale state."""
        assert changed.series_id is not None

        def record(tx: Transaction) -> None:
            doc = tx.get(COLLECTION, changed.series_id or "")
            current = tx.get(SCHEDULES, changed.id)
            if doc is None or current is None:
                return  # the series was deleted; its run lives on as a schedule
            schedule = Schedule.model_validate(current.data)
            series = Series.model_validate(doc.data)
            run = series.run(schedule.run_index if schedule.run_index is not None else -1)
            if run is None:
                return
            before = series_data(series)
            status = RUN_STATUS[schedule.status]
            if status == "failed" and run.status != "failed":
                series.failures += 1
                series.last_error = schedule.error
            run.status = status
            run.project_id = schedule.project_id
            run.job_id = schedule.job_id if schedule.status != "scheduled" else None
            run.title = schedule.title or run.title
            run.public_url = schedule.public_url
            run.error = schedule.error
            run.late = schedule.late
            series.remember(schedule.title)
            if series_data(series) != before:
                series.updated_at = self._clock.now()
                tx.set(COLLECTION, series.id, series_data(series))

        self._store.transaction(record)
