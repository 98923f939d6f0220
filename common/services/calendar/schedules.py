"""Where schedules are kept: their reads, and the one way to change one (`mutate`, in a
transaction, after which the schedule's series hears of it). The lifecycle that moves a schedule
from state to state is common/services/calendar/scheduling.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from common.domain.errors import NotFoundError
from common.domain.ownership import owned
from common.domain.schedule import Schedule, stamp
from common.ports import Clock, DocumentStore, Transaction

COLLECTION = "schedules"


class SeriesHooks(Protocol):
    """What a series adds to its runs' schedules (common/services/calendar/series.py)."""

    def project_for(self, schedule: Schedule) -> str:
        """The id of the run's project, made on first call (idempotent)."""

    def on_change(self, schedule: Schedule) -> None:
        """Record the run's new state in the series' history."""


def schedule_data(schedule: Schedule) -> dict[str, Any]:
    return schedule.model_dump(mode="json")


class ScheduleRepository:
    """The schedules' collection: queries by owner, project, series and due time, and changes
    made in a transaction."""

    def __init__(self, *, store: DocumentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self.hooks: SeriesHooks | None = None

    # -- reads ----------------------------------------------------------------------------

    def find(self, schedule_id: str) -> Schedule | None:
        doc = self._store.get(COLLECTION, schedule_id)
        return None if doc is None else Schedule.model_validate(doc.data)

    def get(self, owner: str, schedule_id: str) -> Schedule:
        """The owner's schedule (another owner's is reported missing)."""
        return owned(self.find(schedule_id), owner, "schedule", schedule_id)

    def calendar(
        self, owner: str, start: datetime, end: datetime, limit: int = 500
    ) -> list[Schedule]:
        """The owner's schedules publishing in [start, end), earliest first."""
        docs = self._store.query(
            COLLECTION,
            [
                ("owner", "==", owner),
                ("publish_at", ">=", stamp(start)),
                ("publish_at", "<", stamp(end)),
            ],
            order_by="publish_at",
            limit=limit,
        )
        return [Schedule.model_validate(d.data) for d in docs]

    def of_project(self, owner: str, project_id: str) -> list[Schedule]:
        """Every schedule of the owner's project (equality filters only)."""
        docs = self._store.query(
            COLLECTION, [("project_id", "==", project_id), ("owner", "==", owner)]
        )
        return [Schedule.model_validate(d.data) for d in docs]

    def add(self, schedule: Schedule) -> None:
        """Store a new schedule (AlreadyExistsError when its id is taken)."""
        self._store.create(COLLECTION, schedule.id, schedule_data(schedule))

    def delete(self, schedule_id: str) -> None:
        """Delete the schedule's document (a project's delete)."""
        self._store.delete(COLLECTION, schedule_id)

    def waiting_runs(self, series_id: str) -> list[Schedule]:
        """A series' runs that have not started generating yet."""
        docs = self._store.query(
            COLLECTION, [("series_id", "==", series_id), ("status", "==", "scheduled")]
        )
        return [Schedule.model_validate(d.data) for d in docs]

    def due(self, status: str, now: datetime, limit: int) -> list[str]:
        """Ids of schedules in `status` whose `next_at` has come, earliest first."""
        docs = self._store.query(
            COLLECTION,
            [("status", "==", status), ("next_at", "<=", stamp(now))],
            order_by="next_at",
            limit=limit,
        )
        return [d.id for d in docs]

    def mutate(self, schedule_id: str, fn: Callable[[Schedule], Any]) -> tuple[Schedule, Any]:
        """Change a schedule in a transaction (`fn` edits it in place and may run more than
        once); the series hears of the change. Returns the schedule as written and fn's value."""
        now = self._clock.now()

        def run(tx: Transaction) -> tuple[Schedule, Any, bool]:
            doc = tx.get(COLLECTION, schedule_id)
            if doc is None:
                raise NotFoundError(f"schedule {schedule_id} not found")
            schedule = Schedule.model_validate(doc.data)
            before = schedule_data(schedule)
            value = fn(schedule)
            changed = schedule_data(schedule) != before
            if changed:
                schedule.updated_at = now
                tx.set(COLLECTION, schedule_id, schedule_data(schedule))
            return schedule, value, changed

        schedule, value, changed = self._store.transaction(run)
        if changed and schedule.series_id is not None and self.hooks is not None:
            self.hooks.on_change(schedule)
        return schedule, value
