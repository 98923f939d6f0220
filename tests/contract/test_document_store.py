"""DocumentStore contract: every adapter must pass these (Firestore-shaped semantics)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    StoryGeniusError,
)
from common.ports.store import Document, DocumentStore, Filter, Transaction

if TYPE_CHECKING:
    from tests.contract.conftest import StoreConnector

WAIT_S = 10.0


class Recorder:
    """Collects watch callbacks and lets a test wait (bounded) for the ones it expects."""

    def __init__(self) -> None:
        self.calls: list[Document | None] = []
        self._changed = threading.Condition()

    def __call__(self, doc: Document | None) -> None:
        with self._changed:
            self.calls.append(doc)
            self._changed.notify_all()

    def wait_until(self, predicate: Callable[[list[Document | None]], bool]) -> None:
        """Return once `predicate(calls)` holds; fail the test after WAIT_S."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self.calls), WAIT_S):
                pytest.fail(f"watch calls never matched; they were {self.calls}")

    def wait_for_data(self, data: dict[str, Any]) -> None:
        """Wait for a call carrying a document with exactly `data`."""
        self.wait_until(lambda calls: any(data_of(doc) == data for doc in calls))

    def wait_for_deletion(self, after: int) -> None:
        """Wait for a None call (deleted) among the calls after the first `after`."""
        self.wait_until(lambda calls: None in calls[after:])


def data_of(doc: Document | None) -> dict[str, Any] | None:
    return None if doc is None else doc.data


def skip_on_firestore_standin(request: pytest.FixtureRequest, reason: str) -> None:
    """Skip only the "firestore" run, for what the stand-in (npm @firestore-emulator/server)
    cannot do; real Firestore does it, and the test still runs on every other adapter."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("connect_store") == "firestore":
        pytest.skip(reason)


# --- single documents -------------------------------------------------------------------------


def test_get_missing_document_returns_none(document_store: DocumentStore) -> None:
    assert document_store.get("jobs", "nope") is None


def test_create_stores_data_with_a_version(document_store: DocumentStore) -> None:
    created = document_store.create("jobs", "j1", {"status": "queued", "n": 1})
    fetched = document_store.get("jobs", "j1")
    assert fetched == created
    assert fetched is not None
    assert fetched.id == "j1"
    assert fetched.data == {"status": "queued", "n": 1}
    assert fetched.version


def test_create_refuses_an_existing_document(document_store: DocumentStore) -> None:
    document_store.create("jobs", "j1", {"n": 1})
    with pytest.raises(AlreadyExistsError):
        document_store.create("jobs", "j1", {"n": 2})
    assert data_of(document_store.get("jobs", "j1")) == {"n": 1}


def test_set_creates_then_replaces_the_whole_document(
    document_store: DocumentStore, request: pytest.FixtureRequest
) -> None:
    skip_on_firestore_standin(request, "the Firestore stand-in merges a set into the document")
    document_store.set("jobs", "j1", {"a": 1, "b": 2})
    document_store.set("jobs", "j1", {"c": 3})
    assert data_of(document_store.get("jobs", "j1")) == {"c": 3}


def test_collections_are_separate(document_store: DocumentStore) -> None:
    document_store.set("jobs", "x", {"kind": "job"})
    document_store.set("projects", "x", {"kind": "project"})
    assert data_of(document_store.get("jobs", "x")) == {"kind": "job"}
    assert data_of(document_store.get("projects", "x")) == {"kind": "project"}


def test_update_merges_top_level_fields(document_store: DocumentStore) -> None:
    document_store.create("jobs", "j1", {"status": "queued", "progress": 0})
    updated = document_store.update("jobs", "j1", {"progress": 50})
    assert updated.data == {"status": "queued", "progress": 50}
    assert data_of(document_store.get("jobs", "j1")) == {"status": "queued", "progress": 50}


def test_update_dotted_path_sets_nested_key_and_keeps_siblings(
    document_store: DocumentStore,
) -> None:
    document_store.create("jobs", "j1", {"scenes": {"s1": {"clip": "pending", "keyframe": "done"}}})
    document_store.update("jobs", "j1", {"scenes.s1.clip": "done", "scenes.s2.clip": "running"})
    assert data_of(document_store.get("jobs", "j1")) == {
        "scenes": {"s1": {"clip": "done", "keyframe": "done"}, "s2": {"clip": "running"}}
    }


def test_update_dotted_path_creates_intermediate_maps(document_store: DocumentStore) -> None:
    document_store.create("jobs", "j1", {})
    document_store.update("jobs", "j1", {"outputs.video.uri": "file:///v.mp4"})
    assert data_of(document_store.get("jobs", "j1")) == {
        "outputs": {"video": {"uri": "file:///v.mp4"}}
    }


def test_update_with_a_map_value_replaces_that_field(document_store: DocumentStore) -> None:
    document_store.create("jobs", "j1", {"error": {"stage": "clip", "code": "x"}})
    document_store.update("jobs", "j1", {"error": {"stage": "assemble"}})
    assert data_of(document_store.get("jobs", "j1")) == {"error": {"stage": "assemble"}}


def test_update_missing_document_raises_not_found(document_store: DocumentStore) -> None:
    with pytest.raises(NotFoundError):
        document_store.update("jobs", "nope", {"a": 1})
    assert document_store.get("jobs", "nope") is None


def test_update_with_current_version_succeeds(document_store: DocumentStore) -> None:
    created = document_store.create("jobs", "j1", {"n": 1})
    updated = document_store.update("jobs", "j1", {"n": 2}, version=created.version)
    assert updated.data == {"n": 2}


def test_update_with_stale_version_raises_conflict(
    document_store: DocumentStore, request: pytest.FixtureRequest
) -> None:
    skip_on_firestore_standin(request, "the Firestore stand-in ignores update_time preconditions")
    created = document_store.create("jobs", "j1", {"n": 1})
    document_store.update("jobs", "j1", {"n": 2})
    with pytest.raises(ConflictError):
        document_store.update("jobs", "j1", {"n": 3}, version=created.version)
    assert data_of(document_store.get("jobs", "j1")) == {"n": 2}


def test_version_changes_on_every_write(document_store: DocumentStore) -> None:
    versions = [
        document_store.create("jobs", "j1", {"n": 1}).version,
        document_store.set("jobs", "j1", {"n": 1}).version,  # same data, still a write
        document_store.update("jobs", "j1", {"n": 1}).version,
        document_store.update("jobs", "j1", {"m": 2}).version,
    ]
    assert len(set(versions)) == len(versions)
    current = document_store.get("jobs", "j1")
    assert current is not None and current.version == versions[-1]


def test_delete_removes_and_tolerates_missing(document_store: DocumentStore) -> None:
    document_store.create("jobs", "j1", {"n": 1})
    document_store.delete("jobs", "j1")
    assert document_store.get("jobs", "j1") is None
    document_store.delete("jobs", "j1")  # already gone: not an error
    document_store.create("jobs", "j1", {"n": 2})  # and the id is free again
    assert data_of(document_store.get("jobs", "j1")) == {"n": 2}


def test_unicode_and_nested_values_round_trip(document_store: DocumentStore) -> None:
    data = {"title": "Café 🎬 日本", "tags": ["ä", "ß"], "n": 1.5, "ok": True, "none": None}
    document_store.set("projects", "p1", data)
    assert data_of(document_store.get("projects", "p1")) == data


def test_returned_data_is_a_copy(document_store: DocumentStore) -> None:
    document_store.set("jobs", "j1", {"scenes": {"s1": "pending"}})
    fetched = document_store.get("jobs", "j1")
    assert fetched is not None
    fetched.data["scenes"]["s1"] = "mutated"
    assert data_of(document_store.get("jobs", "j1")) == {"scenes": {"s1": "pending"}}


# --- queries ----------------------------------------------------------------------------------


@pytest.fixture
def jobs(document_store: DocumentStore) -> DocumentStore:
    rows = {
        "a": {"owner": "u1", "n": 3, "meta": {"rank": 2.5}, "done": True, "note": None},
        "b": {"owner": "u2", "n": 1, "meta": {"rank": 1}, "done": False, "note": "x"},
        "c": {"owner": "u1", "n": 2, "meta": {"rank": 3}, "done": True},
        "d": {"owner": "u1", "meta": {}, "done": 1},  # no n, no rank; done is a number
    }
    for doc_id, data in rows.items():
        document_store.set("jobs", doc_id, data)
    document_store.set("other", "e", {"owner": "u1", "n": 0})
    return document_store


def ids(docs: list[Document]) -> list[str]:
    return [doc.id for doc in docs]


def test_query_without_filters_returns_collection_by_id(jobs: DocumentStore) -> None:
    assert ids(jobs.query("jobs")) == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ([("n", "==", 2)], ["c"]),
        ([("n", "<", 2)], ["b"]),
        ([("n", "<=", 2)], ["b", "c"]),
        ([("n", ">", 2)], ["a"]),
        ([("n", ">=", 2)], ["a", "c"]),
        ([("owner", "==", "u1")], ["a", "c", "d"]),
        ([("owner", ">", "u1")], ["b"]),
        ([("meta.rank", ">", 1.5)], ["a", "c"]),
        ([("meta.rank", "==", 1.0)], ["b"]),
        ([("done", "==", True)], ["a", "c"]),
        ([("done", "==", False)], ["b"]),
        ([("done", "==", 1)], ["d"]),  # a number never equals a boolean
        ([("note", "==", None)], ["a"]),  # explicit null only, not a missing field
        ([("owner", "==", "u1"), ("n", ">=", 3)], ["a"]),
        ([("owner", "==", "nobody")], []),
    ],
)
def test_query_filters(
    jobs: DocumentStore, where: list[Filter], expected: list[str], request: pytest.FixtureRequest
) -> None:
    if any("." in path for path, _, _ in where):
        skip_on_firestore_standin(request, "the Firestore stand-in cannot query nested fields")
    if any(value is None for _, _, value in where):
        skip_on_firestore_standin(request, "the Firestore stand-in ignores null (IS_NULL) filters")
    assert ids(jobs.query("jobs", where)) == expected


def test_query_orders_and_leaves_out_documents_without_the_field(
    jobs: DocumentStore, request: pytest.FixtureRequest
) -> None:
    skip_on_firestore_standin(
        request, "the Firestore stand-in keeps documents without the field and cannot order nested"
    )
    assert ids(jobs.query("jobs", order_by="n")) == ["b", "c", "a"]
    assert ids(jobs.query("jobs", order_by="n", descending=True)) == ["a", "c", "b"]
    assert ids(jobs.query("jobs", order_by="meta.rank")) == ["b", "a", "c"]


def test_query_limit_applies_after_filter_and_order(jobs: DocumentStore) -> None:
    found = jobs.query("jobs", [("owner", "==", "u1")], order_by="n", descending=True, limit=1)
    assert ids(found) == ["a"]
    assert found[0].data["n"] == 3 and found[0].version
    assert jobs.query("jobs", limit=0) == []


# --- transactions -----------------------------------------------------------------------------


def test_transaction_returns_result_and_applies_writes(document_store: DocumentStore) -> None:
    document_store.create("jobs", "j1", {"n": 1, "scenes": {}})
    document_store.create("jobs", "gone", {})

    def work(txn: Transaction) -> int:
        current = txn.get("jobs", "j1")
        assert current is not None
        txn.update("jobs", "j1", {"n": current.data["n"] + 1, "scenes.s1": "done"})
        txn.set("jobs", "j2", {"n": 10})
        txn.create("jobs", "j3", {"n": 20})
        txn.delete("jobs", "gone")
        return int(current.data["n"])

    assert document_store.transaction(work) == 1
    assert data_of(document_store.get("jobs", "j1")) == {"n": 2, "scenes": {"s1": "done"}}
    assert data_of(document_store.get("jobs", "j2")) == {"n": 10}
    assert data_of(document_store.get("jobs", "j3")) == {"n": 20}
    assert document_store.get("jobs", "gone") is None


def test_transaction_writes_are_invisible_until_commit(connect_store: StoreConnector) -> None:
    store, other = connect_store(), connect_store()
    seen_inside: list[Document | None] = []

    def work(txn: Transaction) -> None:
        txn.set("jobs", "j1", {"n": 1})
        seen_inside.append(other.get("jobs", "j1"))

    store.transaction(work)
    assert seen_inside == [None]
    assert data_of(other.get("jobs", "j1")) == {"n": 1}


def test_transaction_exception_rolls_back_and_propagates(document_store: DocumentStore) -> None:
    document_store.create("jobs", "j1", {"n": 1})

    class Boom(Exception):
        pass

    def work(txn: Transaction) -> None:
        txn.update("jobs", "j1", {"n": 99})
        txn.set("jobs", "j2", {"n": 2})
        raise Boom

    with pytest.raises(Boom):
        document_store.transaction(work)
    assert data_of(document_store.get("jobs", "j1")) == {"n": 1}
    assert document_store.get("jobs", "j2") is None


def test_transaction_create_of_existing_fails_the_whole_transaction(
    document_store: DocumentStore, request: pytest.FixtureRequest
) -> None:
    skip_on_firestore_standin(
        request, "the Firestore stand-in applies a commit's writes one by one"
    )
    document_store.create("jobs", "j1", {"n": 1})

    def work(txn: Transaction) -> None:
        txn.set("jobs", "j2", {"n": 2})
        txn.create("jobs", "j1", {"n": 3})

    with pytest.raises(AlreadyExistsError):
        document_store.transaction(work)
    assert data_of(document_store.get("jobs", "j1")) == {"n": 1}
    assert document_store.get("jobs", "j2") is None


def test_transaction_update_of_missing_document_fails(document_store: DocumentStore) -> None:
    with pytest.raises(NotFoundError):
        document_store.transaction(lambda txn: txn.update("jobs", "nope", {"n": 1}))


def increment_counter(txn: Transaction) -> None:
    current = txn.get("counters", "c")
    assert current is not None
    txn.update("counters", "c", {"n": current.data["n"] + 1})


def test_concurrent_transactions_are_serialisable(
    connect_store: StoreConnector, request: pytest.FixtureRequest
) -> None:
    """Two threads, each with its own client, increment one counter 1,000 times: no lost update."""
    skip_on_firestore_standin(
        request,
        "the Firestore stand-in does not isolate transactions; isolation is proven on SQLite",
    )
    connect_store().create("counters", "c", {"n": 0})
    errors: list[BaseException] = []

    def worker(store: DocumentStore) -> None:
        try:
            for _ in range(1000):
                store.transaction(increment_counter)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(connect_store(),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert data_of(connect_store().get("counters", "c")) == {"n": 2000}


# --- watch ------------------------------------------------------------------------------------


def test_watch_reports_now_then_each_change_then_deletion(document_store: DocumentStore) -> None:
    recorder = Recorder()
    unsubscribe = document_store.watch("jobs", "j1", recorder)
    try:
        assert recorder.calls == [None]  # the initial call happens before watch returns
        document_store.create("jobs", "j1", {"progress": 0})
        recorder.wait_for_data({"progress": 0})
        document_store.update("jobs", "j1", {"progress": 50})
        recorder.wait_for_data({"progress": 50})
        before = len(recorder.calls)
        document_store.delete("jobs", "j1")
        recorder.wait_for_deletion(after=before)
        assert recorder.calls[-1] is None
    finally:
        unsubscribe()


def test_watch_initial_call_carries_the_existing_document(document_store: DocumentStore) -> None:
    created = document_store.create("jobs", "j1", {"status": "queued"})
    recorder = Recorder()
    unsubscribe = document_store.watch("jobs", "j1", recorder)
    unsubscribe()
    assert recorder.calls == [created]


def test_watch_sees_changes_made_by_another_client(connect_store: StoreConnector) -> None:
    watching, writing = connect_store(), connect_store()
    recorder = Recorder()
    unsubscribe = watching.watch("jobs", "j1", recorder)
    try:
        writing.set("jobs", "j1", {"status": "running"})
        recorder.wait_for_data({"status": "running"})
        before = len(recorder.calls)
        writing.delete("jobs", "j1")
        recorder.wait_for_deletion(after=before)
    finally:
        unsubscribe()


def test_watch_stops_after_unsubscribe(document_store: DocumentStore) -> None:
    stopped, still_watching = Recorder(), Recorder()
    unsubscribe = document_store.watch("jobs", "j1", stopped)
    keep = document_store.watch("jobs", "j1", still_watching)
    try:
        unsubscribe()
        document_store.set("jobs", "j1", {"n": 1})
        # The other listener hearing of the write shows it was delivered; the stopped one was not.
        still_watching.wait_for_data({"n": 1})
        assert stopped.calls == [None]
    finally:
        keep()


def test_watch_only_reports_its_own_document(document_store: DocumentStore) -> None:
    mine, sentinel = Recorder(), Recorder()
    stop_mine = document_store.watch("jobs", "j1", mine)
    stop_sentinel = document_store.watch("jobs", "j2", sentinel)
    try:
        document_store.set("jobs", "j2", {"n": 1})
        document_store.set("other", "j1", {"n": 1})  # same id, other collection
        document_store.set("jobs", "j2", {"n": 2})
        sentinel.wait_for_data({"n": 2})
        assert mine.calls == [None]
    finally:
        stop_mine()
        stop_sentinel()


def test_watch_survives_a_failing_callback(document_store: DocumentStore) -> None:
    recorder = Recorder()

    def flaky(doc: Document | None) -> None:
        recorder(doc)
        if doc is not None and doc.data.get("n") == 1:
            raise RuntimeError("listener bug")

    unsubscribe = document_store.watch("jobs", "j1", flaky)
    try:
        document_store.set("jobs", "j1", {"n": 1})
        recorder.wait_for_data({"n": 1})
        document_store.set("jobs", "j1", {"n": 2})
        recorder.wait_for_data({"n": 2})
    finally:
        unsubscribe()


# --- the SQLite adapter's own promises ----------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parents[2]
INCREMENT_SCRIPT = """
import sys
from common.adapters.local.sqlite_store import SqliteDocumentStore

def increment(txn):
    current = txn.get("counters", "c")
    txn.update("counters", "c", {"n": current.data["n"] + 1})

with SqliteDocumentStore(sys.argv[1]) as store:
    print("ready", flush=True)
    for _ in range(int(sys.argv[2])):
        store.transaction(increment)
    store.update("jobs", "j1", {"status": "done by " + sys.argv[3]})
"""


def run_in_other_process(db: Path, increments: int, who: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    args = [sys.executable, "-c", INCREMENT_SCRIPT, str(db), str(increments), who]
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.readline()  # "ready": it is about to write, so both processes overlap
    return process


def test_sqlite_processes_share_one_file_with_isolation_and_watch(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    with SqliteDocumentStore(db) as store:  # the default poll interval
        store.create("counters", "c", {"n": 0})
        store.create("jobs", "j1", {"status": "queued"})
        recorder = Recorder()
        unsubscribe = store.watch("jobs", "j1", recorder)
        other = run_in_other_process(db, 1000, "child")
        for _ in range(1000):
            store.transaction(increment_counter)
        _, stderr = other.communicate(timeout=60)
        assert other.returncode == 0, stderr.decode()
        recorder.wait_for_data({"status": "done by child"})
        unsubscribe()
        assert data_of(store.get("counters", "c")) == {"n": 2000}


def test_sqlite_stores_text_unescaped(tmp_path: Path) -> None:
    with SqliteDocumentStore(tmp_path / "s.sqlite3") as store:
        store.set("projects", "p1", {"title": "Café 🎬"})
    with closing(sqlite3.connect(tmp_path / "s.sqlite3")) as raw:
        (text,) = raw.execute("SELECT data FROM documents").fetchone()
    assert "Café 🎬" in text


@pytest.mark.parametrize("data", [{"when": datetime.now(UTC)}, {"x": float("nan")}, {"s": {1, 2}}])
def test_sqlite_refuses_data_that_is_not_json(tmp_path: Path, data: dict[str, Any]) -> None:
    with SqliteDocumentStore(tmp_path / "s.sqlite3") as store:
        with pytest.raises(InvalidInputError) as caught:
            store.set("jobs", "j1", data)
        assert "data" in caught.value.fields
        assert store.get("jobs", "j1") is None


def test_sqlite_transaction_refuses_a_read_after_a_write(tmp_path: Path) -> None:
    def work(txn: Transaction) -> None:
        txn.set("jobs", "j1", {"n": 1})
        txn.get("jobs", "j1")

    with SqliteDocumentStore(tmp_path / "s.sqlite3") as store:
        with pytest.raises(StoryGeniusError, match="reads must come before"):
            store.transaction(work)
        assert store.get("jobs", "j1") is None


def test_sqlite_watcher_thread_runs_only_while_watched(tmp_path: Path) -> None:
    def watcher_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name.startswith("sqlite-watch:w.sqlite3")]

    with SqliteDocumentStore(tmp_path / "w.sqlite3", poll_interval_s=0.05) as store:
        assert watcher_threads() == []
        unsubscribe = store.watch("jobs", "j1", Recorder())
        assert len(watcher_threads()) == 1 and watcher_threads()[0].daemon
        unsubscribe()
        for thread in watcher_threads():
            thread.join(timeout=WAIT_S)
        assert watcher_threads() == []
