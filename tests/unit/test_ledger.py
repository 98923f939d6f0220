"""The step ledger: one effect per key however often a step is delivered."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.domain.base import StrictModel
from common.domain.errors import RetryableError
from common.services.pipeline.ledger import COLLECTION, StepLedger


class Count(StrictModel):
    n: int


class By(StrictModel):
    by: str


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.t


@pytest.fixture
def ledger(tmp_path):
    clock = Clock()
    return StepLedger(SqliteDocumentStore(tmp_path / "db.sqlite3"), clock, lease_s=60), clock


def test_a_completed_step_returns_its_recorded_result_without_running_again(ledger):
    ledger, _ = ledger
    runs = []
    first = ledger.run_once("j:script", Count, lambda: runs.append(1) or Count(n=len(runs)))
    second = ledger.run_once("j:script", Count, lambda: runs.append(1) or Count(n=len(runs)))
    assert first == second == Count(n=1)
    assert runs == [1]


def test_a_replayed_result_is_read_back_as_the_steps_model(ledger, tmp_path):
    ledger, clock = ledger
    ledger.run_once("j:narration:s1", Count, lambda: Count(n=3))
    # Another process (a redelivery elsewhere) reads the record, not the object returned here.
    again = StepLedger(SqliteDocumentStore(tmp_path / "db.sqlite3"), clock, lease_s=60)
    replayed = again.run_once("j:narration:s1", Count, lambda: Count(n=99))
    assert isinstance(replayed, Count) and replayed.n == 3


def test_a_failed_step_releases_its_claim_so_a_retry_runs_it(ledger):
    ledger, _ = ledger

    def boom() -> By:
        raise ValueError("provider down")

    with pytest.raises(ValueError):
        ledger.run_once("j:keyframe:s1", By, boom)
    assert ledger.run_once("j:keyframe:s1", By, lambda: By(by="retry")) == By(by="retry")


def test_a_step_in_progress_elsewhere_asks_for_a_retry_until_its_lease_expires(ledger):
    ledger, _ = ledger
    started, release = threading.Event(), threading.Event()

    def slow() -> By:
        started.set()
        release.wait(10)
        return By(by="first")

    worker = threading.Thread(target=ledger.run_once, args=("j:clip", By, slow))
    worker.start()
    assert started.wait(10)
    with pytest.raises(RetryableError):
        ledger.run_once("j:clip", By, lambda: By(by="second"))
    release.set()
    worker.join(10)
    assert ledger.run_once("j:clip", By, lambda: By(by="third")) == By(by="first")


def test_an_expired_claim_is_taken_over(ledger):
    ledger, clock = ledger
    # A claim left behind by a delivery that died mid-step.
    ledger._claim("j:assemble", holder="dead")
    with pytest.raises(RetryableError):
        ledger.run_once("j:assemble", By, lambda: By(by="retry"))
    clock.t += timedelta(seconds=61)
    assert ledger.run_once("j:assemble", By, lambda: By(by="retry")) == By(by="retry")


def test_concurrent_deliveries_run_the_step_exactly_once(ledger):
    ledger, _ = ledger
    runs: list[int] = []
    results: list[Count] = []

    def deliver() -> None:
        for _ in range(50):
            try:
                result = ledger.run_once(
                    "j:narration:s1", Count, lambda: runs.append(1) or Count(n=1)
                )
                results.append(result)
                return
            except RetryableError:
                threading.Event().wait(0.01)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert runs == [1]
    assert results == [Count(n=1)] * 8


def held_by_a_worker(ledger: StepLedger, key: str) -> tuple[threading.Thread, threading.Event]:
    """A worker thread inside run_once(key) until the returned event is set; it records 1."""
    working, release = threading.Event(), threading.Event()

    def slow() -> Count:
        working.set()
        release.wait(60)
        return Count(n=1)

    worker = threading.Thread(target=ledger.run_once, args=(key, Count, slow))
    worker.start()
    assert working.wait(10)
    return worker, release


def expiry(store: SqliteDocumentStore, key: str) -> datetime:
    doc = store.get(COLLECTION, key)
    assert doc is not None
    return datetime.fromisoformat(doc.data["expires_at"])


def test_a_step_at_work_renews_its_claim_so_it_outlives_its_first_lease(tmp_path) -> None:
    store, clock = SqliteDocumentStore(tmp_path / "db.sqlite3"), Clock()
    ledger = StepLedger(store, clock, lease_s=0.3)  # renewed every 0.1 s of real time
    worker, release = held_by_a_worker(ledger, "j:assemble")
    try:
        clock.t += timedelta(minutes=10)  # ten minutes of work: the first lease is long gone
        deadline = time.monotonic() + 30
        while expiry(store, "j:assemble") <= clock.t:
            assert time.monotonic() < deadline, "the claim was not renewed"
            time.sleep(0.05)
        with pytest.raises(RetryableError):  # still held: another delivery waits
            ledger.run_once("j:assemble", Count, lambda: Count(n=2))
    finally:
        release.set()
        worker.join(10)
    assert ledger.run_once("j:assemble", Count, lambda: Count(n=3)) == Count(n=1)


def test_a_claim_taken_over_from_a_worker_is_not_renewed_by_it(tmp_path) -> None:
    store, clock = SqliteDocumentStore(tmp_path / "db.sqlite3"), Clock()
    ledger = StepLedger(store, clock, lease_s=0.3)
    worker, release = held_by_a_worker(ledger, "j:assemble")
    try:
        # The worker stalled past its lease and another delivery took the claim over.
        theirs = {"status": "in_progress", "expires_at": "2026-01-01T00:00:05+00:00", "holder": "b"}
        store.set(COLLECTION, "j:assemble", theirs)
        clock.t += timedelta(minutes=10)
        deadline = time.monotonic() + 30
        while any(t.name == "lease-j:assemble" for t in threading.enumerate()):
            assert time.monotonic() < deadline, "the worker still renews a claim not its own"
            time.sleep(0.05)
        doc = store.get(COLLECTION, "j:assemble")
        assert doc is not None and doc.data == theirs
    finally:
        release.set()
        worker.join(10)
