"""Series: a theme that makes a new video on a cadence; each run is a schedule.

The scheduler tick claims a series' next run when its generation time comes (`claim_due`): one
transaction checks the series is still due, creates the run's schedule under a deterministic id
(`<series>-<UTC time>`), appends the run to the history and moves `next_run_at` to the following
occurrence. Two ticks racing both read the series, but only one transaction commits the claim;
the other sees the moved `next_at` (or the existing schedule) and claims nothing.

Catch-up policy (after downtime): every missed occurrence less than `catchup_window_s` old is
claimed once, in order, and published as soon as it is ready (`late`); older ones are skipped
together as one history entry saying how many and since when. Runs missed while paused are not
made: resuming plans from now.

A run's story is on the theme (and the next unused entry of `topics`), told so as not to repeat
earlier runs: their topics and titles (`used_topics`, and the titles of runs still in flight)
reach the script writer as `avoid_topics` (series_runs.py makes each run's project and records its
state here).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from common.config import Settings
from common.domain.errors import NotFoundError
from common.domain.ownership import owned
from common.domain.paging import PageQuery
from common.domain.recurrence import Recurrence
from common.domain.schedule import Schedule, ScheduleError, local_text, stamp, zone
from common.domain.series import (
    RUNS_KEPT,
    CreateSeries,
    Series,
    SeriesRun,
    SeriesView,
    UpdateSeries,
)
from common.ports import Clock, DocumentStore, Transaction
from common.services.calendar.schedules import COLLECTION as SCHEDULES
from common.services.calendar.schedules import schedule_data
from common.services.calendar.scheduling import ScheduleService
from common.services.paging import newest_first
from common.services.projects.projects import ProjectService, new_id

log = logging.getLogger(__name__)

COLLECTION = "series"
UPCOMING_SHOWN = 5


def run_schedule_id(series_id: str, occurrence: datetime) -> str:
    """The schedule id of a series' run at `occurrence` (deterministic: one per run)."""
    return f"{series_id}-{stamp(occurrence).replace('-', '').replace(':', '')[:13]}"


def series_data(series: Series) -> dict[str, Any]:
    return series.model_dump(mode="json")


class SeriesService:
    def __init__(
        self,
        *,
        store: DocumentStore,
        clock: Clock,
        settings: Settings,
        projects: ProjectService,
        schedules: ScheduleService,
    ) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings
        self._projects = projects
        self._schedules = schedules

    # -- reads ----------------------------------------------------------------------------

    def find(self, series_id: str) -> Series | None:
        doc = self._store.get(COLLECTION, series_id)
        return None if doc is None else Series.model_validate(doc.data)

    def get(self, owner: str, series_id: str) -> Series:
        return owned(self.find(series_id), owner, "series", series_id)

    def of_owner(
        self, owner: str, page: PageQuery | None = None
    ) -> tuple[list[Series], str | None]:
        """One page of the owner's series, newest first, and the next page's cursor."""
        docs, cursor = newest_first(
            lambda before, limit: self._store.query(
                COLLECTION,
                [("owner", "==", owner), ("created_at", "<=", before)],
                order_by="created_at",
                descending=True,
                limit=limit,
            ),
            page or PageQuery(),
        )
        return [Series.model_validate(d.data) for d in docs], cursor

    def active(self, owner: str) -> list[Series]:
        docs = self._store.query(COLLECTION, [("owner", "==", owner), ("status", "==", "active")])
        return [Series.model_validate(d.data) for d in docs]

    def due(self, now: datetime, limit: int) -> list[str]:
        """Ids of active series whose next run should be claimed by now, earliest first."""
        docs = self._store.query(
            COLLECTION,
            [("status", "==", "active"), ("next_at", "<=", stamp(now))],
            order_by="next_at",
            limit=limit,
        )
        return [d.id for d in docs]

    def recurrence(self, series: Series) -> Recurrence:
        return Recurrence(
            series.cadence, zone(series.timezone), datetime.fromisoformat(series.anchor)
        )

    def view(self, series: Series) -> SeriesView:
        tz = zone(series.timezone)
        upcoming: list[str] = []
        if series.next_run_at is not None and series.status == "active":
            times = [series.next_run_at]
            rule = self.recurrence(series)
            while len(times) < UPCOMING_SHOWN and (following := rule.next_after(times[-1])):
                times.append(following)
            upcoming = [local_text(t, tz) for t in times]
        return SeriesView(
            **series.model_dump(),
            next_run_at_local=None
            if series.next_run_at is None
            else local_text(series.next_run_at, tz),
            rule=series.cadence.describe(),
            upcoming=upcoming,
        )

    def planned(
        self, owner: str, start: datetime, end: datetime, limit: int = 200
    ) -> list[tuple[Series, datetime]]:
        """Runs of the owner's active series due to publish in [start, end) that have not been
        claimed yet (the calendar shows them as planned)."""
        found: list[tuple[Series, datetime]] = []
        for series in self.active(owner):
            if series.next_run_at is None:
                continue
            first = max(start, series.next_run_at)
            for when in self.recurrence(series).between(first, end, limit):
                found.append((series, when))
        found.sort(key=lambda pair: pair[1])
        return found[:limit]

    # -- the user's changes ---------------------------------------------------------------

    def create(self, owner: str, command: CreateSeries) -> Series:
        """A new series, its first run planned; with `template_id`, its settings start from
        the template's."""
        settings = command.settings
        if command.template_id is not None:
            settings = self._projects.from_template(owner, command.template_id, settings)
        self._projects.check_settings(settings)  # every run's project will have them
        now = self._clock.now()
        tz = zone(command.timezone)
        anchor = datetime.combine(now.astimezone(tz).date(), datetime.min.time())
        series = Series(
            id=new_id(),
            owner=owner,
            theme=command.theme,
            cadence=command.cadence,
            timezone=command.timezone,
            settings=settings,
            topics=command.topics,
            destinations=command.destinations,
            anchor=anchor.isoformat(),
            created_at=now,
            updated_at=now,
        )
        self.recurrence(series).check(now)  # runs an hour apart at least, one within a year
        self._plan(series, now)
        self._store.create(COLLECTION, series.id, series_data(series))
        return series

    def update(self, owner: str, series_id: str, command: UpdateSeries) -> Series:
        """Pause, resume or change a series; a new cadence, zone or a resume plans from now."""
        now = self._clock.now()
        given = command.given()

        def apply(series: Series) -> None:
            owned(series, owner, "series", series_id)
            data = series.model_dump()
            patch = dict(given)  # `apply` may run again: leave `given` as it is
            settings = {**data["settings"], **patch.pop("settings", {})}
            replan = any(k in patch for k in ("cadence", "timezone")) or (
                patch.get("status") == "active" and series.status != "active"
            )
            updated = Series.model_validate({**data, **patch, "settings": settings})
            if updated.settings != series.settings:
                self._projects.check_settings(updated.settings)
            for name in Series.model_fields:
                setattr(series, name, getattr(updated, name))
            if "cadence" in patch or "timezone" in patch:
                self.recurrence(series).check(now)
            if replan or series.status != "active":
                self._plan(series, now)

        series, _ = self._mutate(series_id, apply)
        return series

    def delete(self, owner: str, series_id: str) -> None:
        """Delete the series and cancel its runs that have not started; runs already
        generating go on to publish (cancel them in the calendar)."""
        self.get(owner, series_id)
        self._store.delete(COLLECTION, series_id)
        for schedule in self._schedules.waiting_runs(series_id):
            self._schedules.cancel(owner, schedule.id)

    def _plan(self, series: Series, now: datetime) -> None:
        """Set the next run: the first occurrence after now (and after the last run)."""
        if series.status != "active":
            series.next_run_at = series.next_at = None
            return
        after = max([now, *(r.occurrence for r in series.runs)])
        series.next_run_at = self.recurrence(series).next_after(after)
        series.next_at = self._claim_time(series)

    def _claim_time(self, series: Series) -> datetime | None:
        if series.next_run_at is None:
            return None
        return series.next_run_at - self._schedules.lead_time(series.settings)

    # -- the tick -------------------------------------------------------------------------

    def claim_due(self, series_id: str, now: datetime) -> SeriesRun | None:
        """Claim the series' next run if it is due: its schedule is created and the series
        moves on, in one transaction. None when it is not due (or another tick claimed it)."""
        window = timedelta(seconds=self._settings.catchup_window_s)

        def claim(tx: Transaction) -> SeriesRun | None:
            doc = tx.get(COLLECTION, series_id)
            if doc is None:
                return None
            series = Series.model_validate(doc.data)
            occurrence = series.next_run_at
            if series.status != "active" or series.next_at is None or occurrence is None:
                return None
            if series.next_at > now:
                return None
            rule = self.recurrence(series)
            run = SeriesRun(index=series.run_count, occurrence=occurrence, late=now > occurrence)
            if now - occurrence > window:
                run = self._skip(run, rule, series, now - window)
            else:
                schedule_id = run_schedule_id(series.id, occurrence)
                exists = tx.get(SCHEDULES, schedule_id) is not None
                if not exists:
                    run.schedule_id = schedule_id
                    run.topic = series.next_topic()
                    series.remember(run.topic)
                    tx.create(
                        SCHEDULES, schedule_id, schedule_data(self._run_schedule(series, run, now))
                    )
                series.next_run_at = rule.next_after(occurrence)
                if exists:  # claimed before a replan: only move on
                    series.next_at = self._claim_time(series)
                    series.updated_at = now
                    tx.set(COLLECTION, series.id, series_data(series))
                    return None
            series.runs = [*series.runs, run][-RUNS_KEPT:]
            series.run_count += 1
            series.next_at = self._claim_time(series)
            series.updated_at = now
            tx.set(COLLECTION, series.id, series_data(series))
            return run

        return self._store.transaction(claim)

    def _skip(
        self, run: SeriesRun, rule: Recurrence, series: Series, cutoff: datetime
    ) -> SeriesRun:
        """Skip every occurrence older than `cutoff` as one run entry; the series resumes with
        the first occurrence after it."""
        skipped, last = 1, run.occurrence
        following = rule.next_after(run.occurrence)
        while following is not None and following < cutoff:
            skipped, last = skipped + 1, following
            following = rule.next_after(following)
        series.next_run_at = following
        message = (
            f"{skipped} run(s) from {stamp(run.occurrence)} to {stamp(last)} missed while the "
            f"service was down: runs more than {self._settings.catchup_window_s / 3600:g} h late "
            "are skipped"
        )
        return run.model_copy(
            update={
                "status": "skipped",
                "error": ScheduleError(stage="start", code="missed", message=message),
            }
        )

    def _run_schedule(self, series: Series, run: SeriesRun, now: datetime) -> Schedule:
        assert run.schedule_id is not None
        generate_at = run.occurrence - self._schedules.lead_time(series.settings)
        return Schedule(
            id=run.schedule_id,
            owner=series.owner,
            series_id=series.id,
            run_index=run.index,
            topic=run.topic,
            timezone=series.timezone,
            publish_at=run.occurrence,
            generate_at=generate_at,
            next_at=min(generate_at, now),
            late=run.late,
            destinations=series.destinations,
            created_at=now,
            updated_at=now,
        )

    def _mutate(self, series_id: str, fn: Any) -> tuple[Series, Any]:
        def run(tx: Transaction) -> tuple[Series, Any]:
            doc = tx.get(COLLECTION, series_id)
            if doc is None:
                raise NotFoundError(f"series {series_id} not found")
            series = Series.model_validate(doc.data)
            value = fn(series)
            series.updated_at = self._clock.now()
            tx.set(COLLECTION, series_id, series_data(series))
            return series, value

        return self._store.transaction(run)
