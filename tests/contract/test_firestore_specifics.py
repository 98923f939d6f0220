"""The Firestore adapter's own promises, beyond the DocumentStore contract.

Most run on the stand-in. What it cannot answer (failed preconditions, aborted transactions, a
rollback that fails) runs against a small fake of the Firestore gRPC service that also shows what
the adapter sends.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.api_core import exceptions as gexc
from google.cloud.firestore_v1.types import document as document_pb
from google.cloud.firestore_v1.types import firestore as fs
from google.cloud.firestore_v1.types import write as write_pb
from google.protobuf import empty_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from common.adapters.gcp.firestore_documents import firestore_error
from common.adapters.gcp.firestore_store import FirestoreDocumentStore
from common.domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RetryableError,
    StoryGeniusError,
)
from common.ports.store import Document, Transaction
from tests.support.firestore_emulator import StandInError, new_project_id, start_firestore_standin


@pytest.fixture
def store(firestore_emulator: str, firestore_project: str) -> Iterator[FirestoreDocumentStore]:
    with FirestoreDocumentStore.for_emulator(firestore_emulator, firestore_project) as opened:
        yield opened


def test_each_project_is_a_separate_database(firestore_emulator: str) -> None:
    with (
        FirestoreDocumentStore.for_emulator(firestore_emulator, new_project_id()) as one,
        FirestoreDocumentStore.for_emulator(firestore_emulator, new_project_id()) as other,
    ):
        one.set("jobs", "j1", {"n": 1})
        assert other.get("jobs", "j1") is None
        assert other.query("jobs") == []


def test_emulator_client_leaves_the_environment_alone(store: FirestoreDocumentStore) -> None:
    store.set("jobs", "j1", {"n": 1})
    assert "FIRESTORE_EMULATOR_HOST" not in os.environ


def test_version_is_the_update_time_and_survives_a_round_trip(
    store: FirestoreDocumentStore,
) -> None:
    created = store.create("jobs", "j1", {"n": 1})
    seconds, nanos = created.version.split(".")
    assert abs(int(seconds) - datetime.now(UTC).timestamp()) < 3600 and len(nanos) == 9
    updated = store.update("jobs", "j1", {"n": 2}, version=created.version)
    assert updated.version != created.version and updated.data == {"n": 2}


def test_update_refuses_a_malformed_version(store: FirestoreDocumentStore) -> None:
    store.create("jobs", "j1", {"n": 1})
    with pytest.raises(InvalidInputError) as caught:
        store.update("jobs", "j1", {"n": 2}, version="not-a-version")
    assert "version" in caught.value.fields


def test_empty_update_checks_the_document_and_changes_nothing(
    store: FirestoreDocumentStore,
) -> None:
    created = store.create("jobs", "j1", {"n": 1})
    assert store.update("jobs", "j1", {}, version=created.version) == created
    with pytest.raises(NotFoundError):
        store.update("jobs", "nope", {})


@pytest.mark.parametrize("data", [{"when": datetime.now(UTC)}, {"x": float("nan")}, {"s": {1, 2}}])
def test_refuses_data_that_is_not_json(store: FirestoreDocumentStore, data: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError) as caught:
        store.set("jobs", "j1", data)
    assert "data" in caught.value.fields
    assert store.get("jobs", "j1") is None


@pytest.mark.parametrize(("collection", "doc_id"), [("jobs/x", "j1"), ("jobs", "a/b"), ("", "j")])
def test_refuses_paths_as_names(
    store: FirestoreDocumentStore, collection: str, doc_id: str
) -> None:
    with pytest.raises(InvalidInputError):
        store.set(collection, doc_id, {"n": 1})


@pytest.mark.parametrize(
    "where", [[("n", "!=", 1)], [("n", ">", None)], [("n", "==", [1])], [("a..b", "==", 1)]]
)
def test_query_refuses_filters_sqlite_cannot_run_either(
    store: FirestoreDocumentStore, where: Any
) -> None:
    with pytest.raises(InvalidInputError):
        store.query("jobs", where)


def test_range_query_without_order_is_by_id_before_the_limit(
    store: FirestoreDocumentStore,
) -> None:
    # Firestore orders a range query by the filtered field; the port promises id order.
    for doc_id, n in (("c", 1), ("b", 2), ("a", 3)):
        store.set("jobs", doc_id, {"n": n})
    assert [d.id for d in store.query("jobs", [("n", ">=", 2)], limit=1)] == ["a"]
    assert [d.id for d in store.query("jobs", [("n", ">=", 1)], descending=True)] == [
        "c",
        "b",
        "a",
    ]


def test_order_by_a_top_level_field(store: FirestoreDocumentStore) -> None:
    for doc_id, n in (("a", 3), ("b", 1), ("c", 2)):
        store.set("jobs", doc_id, {"n": n})
    assert [d.id for d in store.query("jobs", order_by="n")] == ["b", "c", "a"]
    assert [d.id for d in store.query("jobs", order_by="n", descending=True, limit=2)] == [
        "a",
        "c",
    ]


def test_transaction_create_of_an_existing_document_raises_already_exists(
    store: FirestoreDocumentStore,
) -> None:
    store.create("jobs", "j1", {"n": 1})
    with pytest.raises(AlreadyExistsError):
        store.transaction(lambda txn: txn.create("jobs", "j1", {"n": 2}))
    current = store.get("jobs", "j1")
    assert current is not None and current.data == {"n": 1}


def test_transaction_refuses_a_read_after_a_write(store: FirestoreDocumentStore) -> None:
    def work(txn: Transaction) -> None:
        txn.set("jobs", "j1", {"n": 1})
        txn.get("jobs", "j1")

    with pytest.raises(StoryGeniusError, match="reads must come before"):
        store.transaction(work)
    assert store.get("jobs", "j1") is None


def test_close_stops_listeners(firestore_emulator: str, firestore_project: str) -> None:
    closed_calls: list[Document | None] = []
    sentinel_saw_write = threading.Event()

    def sentinel(doc: Document | None) -> None:
        if doc is not None and doc.data == {"n": 2}:
            sentinel_saw_write.set()

    with FirestoreDocumentStore.for_emulator(firestore_emulator, firestore_project) as other:
        stop_sentinel = other.watch("jobs", "j1", sentinel)
        with FirestoreDocumentStore.for_emulator(firestore_emulator, firestore_project) as closed:
            closed.watch("jobs", "j1", closed_calls.append)
        other.set("jobs", "j1", {"n": 1})
        other.set("jobs", "j1", {"n": 2})
        # The open listener hearing of the write shows it was delivered; the closed one was not.
        assert sentinel_saw_write.wait(10.0)
        stop_sentinel()
    assert closed_calls == [None]


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (gexc.AlreadyExists("x"), AlreadyExistsError),
        (gexc.NotFound("x"), NotFoundError),
        (gexc.FailedPrecondition("x"), ConflictError),
        (gexc.ServiceUnavailable("x"), RetryableError),
        (gexc.DeadlineExceeded("x"), RetryableError),
        (gexc.Aborted("x"), RetryableError),
        (gexc.ResourceExhausted("x"), RetryableError),
        (gexc.InvalidArgument("x"), InvalidInputError),
    ],
)
def test_grpc_errors_become_project_errors(
    raised: gexc.GoogleAPICallError, expected: type[StoryGeniusError]
) -> None:
    error = firestore_error(raised, "get jobs/j1")
    assert type(error) is expected
    assert "get jobs/j1" in error.message


def test_other_grpc_errors_name_what_happened() -> None:
    error = firestore_error(gexc.PermissionDenied("rules say no"), "set jobs/j1")
    assert not error.retryable
    assert "set jobs/j1" in error.message and "permission" in error.message


def test_standin_without_node_fails_with_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(StandInError, match="make emulators"):
        start_firestore_standin(tmp_path / "log", node=str(tmp_path / "no-node"))


def test_standin_without_the_package_fails_with_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(StandInError, match="make emulators"):
        start_firestore_standin(tmp_path / "log", package_dir=tmp_path)


# --- the wire, where the stand-in falls short: a fake Firestore that answers as the service does --


class FakeFirestore:
    """Just enough of the Firestore gRPC service to see what the adapter sends and to answer
    with the errors the stand-in never raises (FAILED_PRECONDITION, ABORTED)."""

    DB = "projects/p/databases/(default)/documents"
    NOW = Timestamp(seconds=1_800_000_000, nanos=123_456_789)

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.commits: list[fs.CommitRequest] = []
        self.commit_errors: list[grpc.StatusCode] = []  # raised by the next commits, in order
        self.read_errors: list[grpc.StatusCode] = []
        self.rollback_error: grpc.StatusCode | None = None
        handlers = {
            "Commit": grpc.unary_unary_rpc_method_handler(
                self.commit, fs.CommitRequest.deserialize, fs.CommitResponse.serialize
            ),
            "BatchGetDocuments": grpc.unary_stream_rpc_method_handler(
                self.batch_get, fs.BatchGetDocumentsRequest.deserialize,
                fs.BatchGetDocumentsResponse.serialize,
            ),
            "BeginTransaction": grpc.unary_unary_rpc_method_handler(
                self.begin, fs.BeginTransactionRequest.deserialize,
                fs.BeginTransactionResponse.serialize,
            ),
            "Rollback": grpc.unary_unary_rpc_method_handler(
                self.rollback, fs.RollbackRequest.deserialize, empty_pb2.Empty.SerializeToString
            ),
        }  # fmt: skip
        self.server = grpc.server(ThreadPoolExecutor(max_workers=4))
        self.server.add_generic_rpc_handlers(
            [grpc.method_handlers_generic_handler("google.firestore.v1.Firestore", handlers)]
        )
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    def commit(self, request: fs.CommitRequest, context: grpc.ServicerContext) -> fs.CommitResponse:
        self.commits.append(request)
        if self.commit_errors:
            context.abort(self.commit_errors.pop(0), "refused")
        results = [write_pb.WriteResult(update_time=self.NOW) for _ in request.writes]
        return fs.CommitResponse(write_results=results, commit_time=self.NOW)

    def batch_get(
        self, request: fs.BatchGetDocumentsRequest, context: grpc.ServicerContext
    ) -> Iterator[fs.BatchGetDocumentsResponse]:
        if self.read_errors:
            context.abort(self.read_errors.pop(0), "contention")
        for name in request.documents:
            fields = self.documents.get(name)
            if fields is None:
                yield fs.BatchGetDocumentsResponse(missing=name, read_time=self.NOW)
                continue
            found = document_pb.Document(
                name=name,
                fields={k: document_pb.Value(integer_value=v) for k, v in fields.items()},
                create_time=self.NOW,
                update_time=self.NOW,
            )
            yield fs.BatchGetDocumentsResponse(found=found, read_time=self.NOW)

    def begin(
        self, request: fs.BeginTransactionRequest, context: grpc.ServicerContext
    ) -> fs.BeginTransactionResponse:
        return fs.BeginTransactionResponse(transaction=b"txn-1")

    def rollback(self, request: fs.RollbackRequest, context: grpc.ServicerContext) -> Any:
        if self.rollback_error is not None:
            context.abort(self.rollback_error, "transaction already ended")
        return empty_pb2.Empty()


@pytest.fixture
def fake() -> Iterator[FakeFirestore]:
    server = FakeFirestore()
    server.server.start()
    yield server
    server.server.stop(grace=None)


@pytest.fixture
def wired(fake: FakeFirestore) -> Iterator[FirestoreDocumentStore]:
    with FirestoreDocumentStore.for_emulator(f"127.0.0.1:{fake.port}", "p") as opened:
        yield opened


def test_set_sends_a_whole_document_without_a_mask(
    fake: FakeFirestore, wired: FirestoreDocumentStore
) -> None:
    wired.set("jobs", "j1", {"c": 3})
    (written,) = fake.commits[0].writes
    assert written.update.name == f"{fake.DB}/jobs/j1"
    assert not written.update_mask.field_paths  # no mask: Firestore replaces the document
    assert "current_document" not in written


def test_update_sends_its_version_as_an_update_time_precondition(
    fake: FakeFirestore, wired: FirestoreDocumentStore
) -> None:
    fake.documents[f"{fake.DB}/jobs/j1"] = {"n": 2}
    updated = wired.update("jobs", "j1", {"scenes.s1": 1}, version="1700000000.000001000")
    (written,) = fake.commits[0].writes
    precondition = written.current_document._pb.update_time
    assert (precondition.seconds, precondition.nanos) == (1_700_000_000, 1000)
    assert list(written.update_mask.field_paths) == ["scenes.s1"]
    assert updated.version == "1800000000.123456789"


def test_a_failed_version_precondition_is_a_conflict(
    fake: FakeFirestore, wired: FirestoreDocumentStore
) -> None:
    fake.documents[f"{fake.DB}/jobs/j1"] = {"n": 2}
    fake.commit_errors.append(grpc.StatusCode.FAILED_PRECONDITION)
    with pytest.raises(ConflictError) as caught:
        wired.update("jobs", "j1", {"n": 3}, version="1700000000.000000000")
    assert type(caught.value) is ConflictError


def test_a_failed_version_precondition_on_a_missing_document_is_not_found(
    fake: FakeFirestore, wired: FirestoreDocumentStore
) -> None:
    fake.commit_errors.append(grpc.StatusCode.FAILED_PRECONDITION)
    with pytest.raises(NotFoundError):
        wired.update("jobs", "j1", {"n": 3}, version="1700000000.000000000")


def test_transaction_commits_every_write_in_one_request(
    fake: FakeFirestore, wired: FirestoreDocumentStore
) -> None:
    def work(txn: Transaction) -> None:
        txn.set("jobs", "j2", {"n": 2})
        txn.create("jobs", "j1", {"n": 3})

    wired.transaction(work)
    (commit,) = fake.commits
    assert commit.transaction == b"txn-1"
    assert [w.update.name.rsplit("/", 1)[1] for w in commit.writes] == ["j2", "j1"]
    assert commit.writes[1].current_document.exists is False  # create: only if absent


def test_commit_error_survives_a_failing_rollback(
    fake: FakeFirestore, wired: FirestoreDocumentStore
) -> None:
    fake.commit_errors.append(grpc.StatusCode.ALREADY_EXISTS)
    fake.rollback_error = grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(AlreadyExistsError):
        wired.transaction(lambda txn: txn.create("jobs", "j1", {"n": 1}))


def test_transaction_retries_aborted_commits_then_gives_up_retryably(
    fake: FakeFirestore, wired: FirestoreDocumentStore
) -> None:
    def work(txn: Transaction) -> str:
        txn.set("jobs", "j1", {"n": 1})
        return "ok"

    fake.commit_errors.extend([grpc.StatusCode.ABORTED] * 2)
    assert wired.transaction(work) == "ok"
    assert len(fake.commits) == 3
    fake.commit_errors.extend([grpc.StatusCode.ABORTED] * 10)
    with pytest.raises(RetryableError):
        wired.transaction(work)


def test_transaction_runs_again_after_an_aborted_read(
    fake: FakeFirestore, wired: FirestoreDocumentStore
) -> None:
    fake.documents[f"{fake.DB}/counters/c"] = {"n": 41}
    fake.read_errors.append(grpc.StatusCode.ABORTED)
    runs: list[int] = []

    def work(txn: Transaction) -> int:
        runs.append(1)
        current = txn.get("counters", "c")
        assert current is not None
        return int(current.data["n"]) + 1

    assert wired.transaction(work) == 42
    assert len(runs) == 2
