"""Fixtures that hand each contract suite every adapter of its port.

Each fixture is parametrized by adapter name; a cloud adapter (Firestore, Cloud Storage, Cloud
Tasks against their emulators) joins by adding its name to `params` and a branch that builds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from common.adapters.local.fs_blobs import FsBlobStore
from common.adapters.local.inprocess_queue import InProcessTaskQueue, TaskFailure
from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.ports.blobs import BlobStore
from common.ports.store import DocumentStore
from common.ports.tasks import Delivery, Task


class QueueUnderTest(Protocol):
    """A TaskQueue plus the hooks the contract needs to drive and observe it."""

    def enqueue(self, task: Task) -> bool: ...

    def bind(self, dispatch: Callable[[Task, Delivery], None]) -> None: ...

    def wait_idle(self, timeout: float | None = None) -> bool: ...

    @property
    def failures(self) -> list[TaskFailure]: ...


StoreConnector = Callable[[], DocumentStore]
QueueFactory = Callable[..., QueueUnderTest]


@pytest.fixture(params=["sqlite", "firestore"])
def connect_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreConnector]:
    """Opens clients of one shared database: each call is a separate client (connection)."""
    closers: list[Callable[[], None]] = []
    if request.param == "firestore":  # the stand-in; one fresh project is this test's database
        firestore_host = request.getfixturevalue("firestore_emulator")
        firestore_project = request.getfixturevalue("firestore_project")

    def connect() -> DocumentStore:
        if request.param == "sqlite":
            store = SqliteDocumentStore(tmp_path / "store.sqlite3", poll_interval_s=0.05)
            closers.append(store.close)
            return store
        if request.param == "firestore":
            from common.adapters.gcp.firestore_store import FirestoreDocumentStore

            firestore = FirestoreDocumentStore.for_emulator(firestore_host, firestore_project)
            closers.append(firestore.close)
            return firestore
        raise AssertionError(f"unknown store adapter {request.param}")

    yield connect
    for close in closers:
        close()


@pytest.fixture
def document_store(connect_store: StoreConnector) -> DocumentStore:
    return connect_store()


@pytest.fixture(params=["fs", "gcs"])
def blob_store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "fs":
        return FsBlobStore(tmp_path / "blobs")
    if request.param == "gcs":
        from common.adapters.gcp.gcs_blobs import GcsBlobStore

        # Looked up here so the emulator starts only when a gcs case runs.
        return GcsBlobStore(
            request.getfixturevalue("gcs_bucket"),
            client=request.getfixturevalue("gcs_client"),
            signer_credentials=request.getfixturevalue("gcs_signer"),
        )
    raise AssertionError(f"unknown blob adapter {request.param}")


@pytest.fixture(params=["inprocess", "cloudtasks"])
def make_queue(request: pytest.FixtureRequest) -> Iterator[QueueFactory]:
    """Builds queues with the given retry settings (small backoffs keep tests fast)."""
    closers: list[Callable[[], None]] = []
    if request.param == "cloudtasks":
        from tests.support.tasks_emulator import (
            EmulatedTaskQueue,
            skip_what_the_emulator_cannot_honour,
        )

        skip_what_the_emulator_cannot_honour(request.function.__name__)
        emulator: str = request.getfixturevalue("tasks_emulator")

    def make(**settings: Any) -> QueueUnderTest:
        if request.param == "inprocess":
            queue = InProcessTaskQueue(**settings)
            closers.append(queue.close)
            return queue
        if request.param == "cloudtasks":
            emulated = EmulatedTaskQueue(emulator, **settings)
            closers.append(emulated.close)
            return emulated
        raise AssertionError(f"unknown queue adapter {request.param}")

    yield make
    for close in closers:
        close()
