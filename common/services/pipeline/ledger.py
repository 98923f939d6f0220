"""The step ledger: exactly-once effects for at-least-once deliveries.

One record per `job:step:scene`, claimed with a conditional create and held "in progress" until a
lease expires; then it holds the step's result. A failed step deletes its record so a retry starts
clean. (The pattern of AWS Powertools' idempotency layer, on our DocumentStore.)

The delivery that holds a claim renews its lease every third of it while the step works (a
heartbeat thread), so a lease can be short (`step_lease_s`, 60 s) however long a step takes: an
expired claim means its worker died (kill -9, an instance stopped), and the sweeper starts the step
again within a minute or two instead of a quarter of an hour (issue 16 item 11). Each claim carries
a holder token: a delivery only ever renews its own claim, never one taken over from it.

Results are pydantic models, one per step (each step's module declares its own): a replayed
delivery reads back exactly the type the first one returned, and a record the code can no longer
read fails loudly instead of flowing on as a half-understood dict.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import BaseModel

from common.domain.errors import RetryableError
from common.domain.steps import StepSpec
from common.ports import Clock, DocumentStore, Transaction
from common.services.claims import claim

log = logging.getLogger(__name__)

COLLECTION = "idempotency"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"

R = TypeVar("R", bound=BaseModel)


class StepInProgressError(RetryableError):
    """Another delivery holds the step's claim. If its holder died, the claim expires and the
    sweeper (common/services/pipeline/sweeper.py) enqueues the step again."""

    code = "step_in_progress"


def ledger_key(step: StepSpec, job_id: str, scene_id: str | None = None) -> str:
    """The ledger key of one step's effect for a job (and scene): `job:kind[:scene]`, the
    kind from the step registry (the sweeper parses it back)."""
    assert step.ledger is not None, f"{step.name} keeps no ledger"
    return ":".join(p for p in (job_id, step.ledger, scene_id) if p)


def _ledger_id(key: str) -> str:
    # Document ids may not contain '/'; keys are ours and otherwise safe.
    return key.replace("/", "_")


class StepLedger:
    """`replayed(key)` hears of each delivery that found its step's result already recorded (a
    duplicate delivery: its trace span says so)."""

    def __init__(
        self,
        store: DocumentStore,
        clock: Clock,
        lease_s: float = 60.0,
        replayed: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._lease = timedelta(seconds=lease_s)
        self._replayed = replayed

    def run_once(self, key: str, result: type[R], fn: Callable[[], R]) -> R:
        """Run `fn` once for `key` and return its result (a `result`); later calls return the
        recorded result, read back as a `result`.

        While another delivery holds the claim, raises RetryableError so the queue retries later.
        If `fn` raises, the claim is released and the exception propagates. While `fn` runs, its
        claim's lease is renewed (see the module doc).
        """
        holder = uuid.uuid4().hex
        recorded = self._claim(key, holder)
        if recorded is not None:
            if self._replayed is not None:
                self._replayed(key)
            return result.model_validate(recorded)
        try:
            with self._renewing(key, holder):
                done = fn()
        except BaseException:
            self._store.delete(COLLECTION, _ledger_id(key))
            raise
        self._store.set(
            COLLECTION,
            _ledger_id(key),
            # expires_at None: a result never expires (and a merging store drops the lease).
            {
                "status": COMPLETED,
                "result": done.model_dump(mode="json"),
                "completed_at": self._now_iso(),
                "expires_at": None,
            },
        )
        return done

    @contextmanager
    def _renewing(self, key: str, holder: str) -> Iterator[None]:
        """Renew `holder`'s claim on `key` every third of the lease until the block ends (a
        renewal that fails is logged and tried again at the next beat)."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self._lease.total_seconds() / 3):
                try:
                    if not self._renew(key, holder):
                        log.warning("step %s: its claim was taken over; not renewed", key)
                        return
                except Exception:
                    log.exception("step %s: renewing its claim failed", key)

        thread = threading.Thread(target=beat, name=f"lease-{key}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def _renew(self, key: str, holder: str) -> bool:
        """Extend `holder`'s claim on `key` by a lease from now; False when the claim is no
        longer `holder`'s (it expired and another delivery took it over, or it ended)."""
        doc_id = _ledger_id(key)
        expires = (self._clock.now() + self._lease).isoformat()

        def extend(tx: Transaction) -> bool:
            doc = tx.get(COLLECTION, doc_id)
            if doc is None or doc.data.get("holder") != holder:
                return False
            if doc.data.get("status") != IN_PROGRESS:
                return False
            tx.set(COLLECTION, doc_id, {**doc.data, "expires_at": expires})
            return True

        return self._store.transaction(extend)

    def forget(self, key: str) -> None:
        """Drop the record so the step runs again (used when its inputs change)."""
        self._store.delete(COLLECTION, _ledger_id(key))

    def _now_iso(self) -> str:
        return self._clock.now().isoformat()

    def _claim(self, key: str, holder: str) -> dict[str, Any] | None:
        """None when this delivery (`holder`) now holds the step; the recorded result if it is
        done."""
        now = self._clock.now()
        expires = (now + self._lease).isoformat()
        record = {"status": IN_PROGRESS, "expires_at": expires, "holder": holder}
        held = claim(self._store, COLLECTION, _ledger_id(key), record, now)
        if held is None:
            return None
        if held.get("status") == COMPLETED:
            result: dict[str, Any] = held.get("result") or {}
            return result
        raise StepInProgressError(f"step {key} is in progress elsewhere", retry_after_s=3)
