"""The step ledger: one effect per key however often a step is delivered."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.domain.base import StrictModel
from common.domain.errors import RetryableError
from common.services.pipeline.ledger import StepLedger


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
    ledger._claim("j:assemble")
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
