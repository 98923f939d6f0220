"""Recording provider usage: one event per provider call, debited once.

`UsageRecorder.record` runs one transaction that creates the call's usage event (its id is
deterministic, see common/domain/usage.py), adds the call to the job's `cost` and debits the
owner's account and today's usage. When the event already exists (a retried or re-delivered
step reporting the same call) the transaction writes nothing: the cost line, the balance and the
day are changed exactly once per call. Cached results are not calls and are never recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from common.config import Settings
from common.domain.errors import NotFoundError
from common.domain.job import CostLine, Job, Unbilled
from common.domain.quota import USAGE_DAYS
from common.domain.usage import COLLECTION, Charge, UsageEvent
from common.ports import Clock, DocumentStore, Transaction
from common.services.accounts.quotas import (
    JOBS,
    day_of,
    debit,
    read_account,
    read_day,
    write_account,
)
from common.services.accounts.quotas import write_day as _write_day

__all__ = ["COLLECTION", "USAGE_DAYS", "UsageRecorder"]


class UsageRecorder:
    def __init__(self, store: DocumentStore, clock: Clock, settings: Settings) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings

    def record(self, job_id: str, charge: Charge) -> bool:
        """Record one provider call of the job; False when it was recorded before."""
        now = self._clock.now()
        grant = self._settings.credit_grant_usd

        def run(tx: Transaction) -> bool:
            doc = tx.get(JOBS, job_id)
            if doc is None:
                raise NotFoundError(f"job {job_id} not found")
            job = Job.model_validate(doc.data)
            event = UsageEvent.of(
                charge, owner=job.owner, project_id=job.project_id, job_id=job_id, at=now
            )
            if tx.get(COLLECTION, event.id) is not None:
                return False
            account = read_account(tx, job.owner)
            today = read_day(tx, job.owner, day_of(event.at))
            account, today = debit(account, today, event, grant=grant, now=now)
            # Reads are done; the writes apply together at commit.
            tx.create(COLLECTION, event.id, event.model_dump(mode="json"))
            changes: dict[str, object] = {
                "cost": _add_cost(job, event),
                "updated_at": now.isoformat(),
            }
            scene = job.scenes.get(charge.scene_id or "")
            if scene is not None:  # the scene's own bill
                changes[f"scenes.{charge.scene_id}.cost_usd"] = round(scene.cost_usd + event.usd, 6)
            tx.update(JOBS, job_id, changes)
            write_account(tx, account)
            _write_day(tx, today)
            return True

        return self._store.transaction(run)

    def record_unbilled(self, job_id: str, scene_id: str, unbilled: Unbilled) -> bool:
        """Record a call of the scene that delivered nothing, with what it would have cost, on
        the scene and its provider's cost line; no debit. False when recorded before (the
        same call's key)."""

        def run(tx: Transaction) -> bool:
            doc = tx.get(JOBS, job_id)
            if doc is None:
                raise NotFoundError(f"job {job_id} not found")
            job = Job.model_validate(doc.data)
            scene = job.scenes.get(scene_id)
            if scene is None or any(u.key == unbilled.key for u in scene.unbilled):
                return False
            cost = dict(job.cost)
            line = cost.get(unbilled.provider) or CostLine(unit=unbilled.unit)
            cost[unbilled.provider] = line.model_copy(
                update={
                    "refused_units": round(line.refused_units + unbilled.units, 6),
                    "refused_usd": round(line.refused_usd + unbilled.list_usd, 4),
                }
            )
            tx.update(
                JOBS,
                job_id,
                {
                    "cost": {k: v.model_dump(mode="json") for k, v in cost.items()},
                    f"scenes.{scene_id}.unbilled": [
                        u.model_dump(mode="json") for u in [*scene.unbilled, unbilled]
                    ],
                    "updated_at": self._clock.now().isoformat(),
                },
            )
            return True

        return self._store.transaction(run)

    def events(self, owner: str, job_id: str | None = None) -> list[UsageEvent]:
        """The owner's usage events (of one job), oldest first."""
        if job_id is None:
            docs = self._store.query("usage", [("owner", "==", owner)])
        else:
            docs = self._store.query("usage", [("owner", "==", owner), ("job_id", "==", job_id)])
        events = [UsageEvent.model_validate(d.data) for d in docs]
        return sorted(events, key=lambda e: (e.at, e.id))


def _add_cost(job: Job, event: UsageEvent) -> dict[str, object]:
    """The job's cost map with the event added to its provider's line (JSON, written whole:
    provider ids are not plain field names)."""
    cost = dict(job.cost)
    line = cost.get(event.provider) or CostLine(unit=event.unit)
    cost[event.provider] = line.model_copy(
        update={
            "units": round(line.units + event.units, 6),
            "unit": event.unit,
            "estimated_usd": round(line.estimated_usd + event.usd, 4),
            "actual_usd": round(line.actual_usd + event.usd, 4),
        }
    )
    return {k: v.model_dump(mode="json") for k, v in cost.items()}


def totals(events: Sequence[UsageEvent]) -> dict[str, float]:
    """USD per provider of some events."""
    out: dict[str, float] = {}
    for event in events:
        out[event.provider] = round(out.get(event.provider, 0.0) + event.usd, 6)
    return out
