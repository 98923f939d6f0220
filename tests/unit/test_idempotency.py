"""Idempotency keys: one result per owner and key, however often or concurrently asked."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.domain.assets import content_hash
from common.domain.errors import InvalidInputError, NotFoundError
from common.services.accounts.idempotency import (
    COLLECTION,
    IdempotencyKeys,
    RequestInProgressError,
    check_key,
    record_id,
)


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.t


class Starter:
    """Hands out job ids j1, j2, ... and counts how often it was asked."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"j{self.calls}"


@pytest.fixture
def store(tmp_path):
    with SqliteDocumentStore(tmp_path / "db.sqlite3") as store:
        yield store


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def keys(store, clock):
    return IdempotencyKeys(store, clock, lease_s=60, ttl_s=3600, wait_s=0, poll_s=0.01)


REQUEST = {"route": "generate", "project_id": "p1"}


def test_a_repeated_key_replays_the_first_result(keys):
    start = Starter()
    first = keys.run("alice", "k", REQUEST, start)
    again = keys.run("alice", "k", REQUEST, start)
    assert (first.result, first.replayed) == ("j1", False)
    assert (again.result, again.replayed) == ("j1", True)
    assert start.calls == 1


def test_without_a_key_every_call_runs(keys):
    start = Starter()
    assert [keys.run("alice", None, REQUEST, start).result for _ in range(2)] == ["j1", "j2"]


def test_keys_are_per_owner(keys):
    start = Starter()
    assert keys.run("alice", "k", REQUEST, start).result == "j1"
    assert keys.run("bob", "k", REQUEST, start).result == "j2"
    assert record_id("alice", "k") != record_id("bob", "k")
    assert "my-key" not in record_id("alice", "my-key")  # the id is a hash, not the key


def test_a_key_used_for_another_request_is_invalid_input(keys):
    keys.run("alice", "k", REQUEST, Starter())
    with pytest.raises(InvalidInputError) as info:
        keys.run("alice", "k", {**REQUEST, "project_id": "p2"}, Starter())
    assert "Idempotency-Key" in info.value.fields


def test_a_failed_start_releases_the_key(keys, store):
    def missing() -> str:
        raise NotFoundError("project p1 not found")

    with pytest.raises(NotFoundError):
        keys.run("alice", "k", REQUEST, missing)
    assert store.get(COLLECTION, record_id("alice", "k")) is None
    assert keys.run("alice", "k", REQUEST, Starter()).result == "j1"


def test_a_claim_held_elsewhere_is_in_progress_until_its_lease_ends(keys, store, clock):
    store.create(
        COLLECTION,
        record_id("alice", "k"),
        {
            "status": "in_progress",
            "request": content_hash(REQUEST),
            "expires_at": (clock.t + timedelta(seconds=60)).isoformat(),
        },
    )
    with pytest.raises(RequestInProgressError):
        keys.run("alice", "k", REQUEST, Starter())
    clock.t += timedelta(seconds=61)  # the holder died: its claim lapses
    assert keys.run("alice", "k", REQUEST, Starter()).replayed is False


def test_a_remembered_result_is_forgotten_after_its_ttl(keys, clock):
    keys.run("alice", "k", REQUEST, Starter())
    clock.t += timedelta(seconds=3599)
    assert keys.run("alice", "k", REQUEST, Starter()).replayed is True
    clock.t += timedelta(seconds=2)
    start = Starter()
    assert keys.run("alice", "k", REQUEST, start).replayed is False and start.calls == 1


def test_concurrent_calls_with_one_key_start_once_and_share_the_result(store, clock):
    keys = IdempotencyKeys(store, clock, wait_s=10, poll_s=0.01)
    started = threading.Event()
    release = threading.Event()
    calls = []

    def slow_start() -> str:
        calls.append(1)
        started.set()
        release.wait(5)  # hold the claim while the others arrive
        return "j1"

    results: list[tuple[str, bool]] = []

    def call() -> None:
        outcome = keys.run("alice", "k", REQUEST, slow_start)
        results.append((outcome.result, outcome.replayed))

    first = threading.Thread(target=call)
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=call) for _ in range(3)]
    for t in others:
        t.start()
    release.set()
    for t in [first, *others]:
        t.join()
    assert len(calls) == 1
    assert sorted(results) == [("j1", False), ("j1", True), ("j1", True), ("j1", True)]


@pytest.mark.parametrize("key", ["", "k" * 201, "tab\there", "caf\u00e9"])
def test_unusable_keys_are_invalid_input_naming_the_header(key):
    with pytest.raises(InvalidInputError) as info:
        check_key(key)
    assert list(info.value.fields) == ["Idempotency-Key"]


def test_usable_keys_pass():
    assert check_key("k" * 200) == "k" * 200
    assert check_key("4f9c1e0a-7d3b-4b1e-9c1a-2f6f1c3e8b5d") is not None
