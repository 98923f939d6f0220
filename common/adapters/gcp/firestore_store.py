"""FirestoreDocumentStore: the DocumentStore port on Cloud Firestore (google-cloud-firestore).

A document's `version` is its Firestore ``update_time`` (seconds and nanoseconds, as an opaque
string); a conditional `update` sends it back as a ``last_update_time`` precondition. Transactions
are real Firestore transactions, retried on contention (firestore_transaction.py); `watch` is a
document listener. gRPC errors become the project's errors (firestore_documents.py).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.firestore_v1 import DocumentSnapshot, FieldFilter
from google.cloud.firestore_v1.field_path import FieldPath

from common.adapters.doc_rules import check_filter, check_name, check_path
from common.adapters.gcp.firestore_documents import (
    checked_changes,
    doc_ref,
    json_copy,
    to_document,
    to_timestamp,
    to_version,
    translated,
)
from common.adapters.gcp.firestore_transaction import run_transaction
from common.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RetryableError,
    StoryGeniusError,
)
from common.ports.store import Document, Filter
from common.ports.store import Transaction as TransactionPort

logger = logging.getLogger(__name__)

T = TypeVar("T")
Callback = Callable[[Document | None], None]

_FIRST_SNAPSHOT_TIMEOUT_S = 30.0
_env_lock = threading.Lock()


class FirestoreDocumentStore:
    """DocumentStore on Firestore; safe to share between threads.

    The client is built on first use (it honours FIRESTORE_EMULATOR_HOST) unless one is given.
    Watch callbacks run on Firestore's listener thread; `watch` returns only after the first
    one (the document as it is now) has run.
    """

    def __init__(
        self, project: str, *, database: str = "(default)", client: firestore.Client | None = None
    ) -> None:
        self._project = project
        self._database = database
        self._client_instance = client
        self._owns_client = client is None
        self._client_lock = threading.Lock()
        self._watches: set[Callable[[], None]] = set()
        self._watches_lock = threading.Lock()

    @classmethod
    def for_emulator(
        cls, host: str, project: str, *, database: str = "(default)"
    ) -> FirestoreDocumentStore:
        """A store on the emulator at `host` ("127.0.0.1:PORT"); `close()` closes its client."""
        store = cls(project, database=database, client=emulator_client(host, project, database))
        store._owns_client = True
        return store

    def get(self, collection: str, doc_id: str) -> Document | None:
        """The document, or None when it does not exist."""
        ref = self._ref(collection, doc_id)
        with translated(f"get {collection}/{doc_id}"):
            return to_document(ref.get())

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> Document:
        """Create if absent; AlreadyExistsError if a document with this id exists."""
        ref = self._ref(collection, doc_id)
        plain = json_copy(data, "data")
        with translated(f"create {collection}/{doc_id}"):
            result = ref.create(plain)
        return Document(doc_id, plain, to_version(result.update_time))

    def set(self, collection: str, doc_id: str, data: dict[str, Any]) -> Document:
        """Create or replace the whole document."""
        ref = self._ref(collection, doc_id)
        plain = json_copy(data, "data")
        with translated(f"set {collection}/{doc_id}"):
            result = ref.set(plain)
        return Document(doc_id, plain, to_version(result.update_time))

    def update(
        self,
        collection: str,
        doc_id: str,
        changes: dict[str, Any],
        *,
        version: str | None = None,
    ) -> Document:
        """Merge `changes` (dotted paths are Firestore field paths); NotFound, or Conflict if stale.

        Returns the document as read right after the write (a later write may already show).
        """
        ref = self._ref(collection, doc_id)
        plain = json_copy(checked_changes(changes), "changes")
        where = f"{collection}/{doc_id}"
        if not plain:  # Firestore refuses an empty update; merging nothing changes nothing
            current = self.get(collection, doc_id)
            if current is None:
                raise NotFoundError(f"{where} does not exist")
            if version is not None and current.version != version:
                raise ConflictError(f"{where} has changed since version {version}")
            return current
        option = None
        if version is not None:
            option = self._client().write_option(last_update_time=to_timestamp(version))
        try:
            with translated(f"update {where}"):
                ref.update(plain, option=option)
        except ConflictError:
            # A stale update_time and a missing document both fail the precondition.
            if self.get(collection, doc_id) is None:
                raise NotFoundError(f"{where} does not exist") from None
            raise ConflictError(f"{where} has changed since version {version}") from None
        current = self.get(collection, doc_id)
        if current is None:
            raise ConflictError(f"{where} was deleted right after this update")
        return current

    def delete(self, collection: str, doc_id: str) -> None:
        """Delete the document; deleting a missing document is not an error."""
        ref = self._ref(collection, doc_id)
        with translated(f"delete {collection}/{doc_id}"):
            ref.delete()

    def query(
        self,
        collection: str,
        where: Sequence[Filter] = (),
        *,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Document]:
        """Documents matching every filter, ordered (by id when `order_by` is None) and limited.

        A filter matches only values of its own type; ordering by a field leaves out documents
        that lack it (both as Firestore does). Firestore itself orders by a range-filtered
        field first, so without `order_by` such a query is sorted by id here, then limited.
        """
        check_name(collection, "collection")
        if limit is not None and limit < 0:
            raise InvalidInputError("limit must not be negative", fields={"limit": "< 0"})
        query: Any = self._client().collection(collection)
        ranged = False
        for path, op, value in where:
            check_filter(path, op, value)
            query = query.where(filter=FieldFilter(path, op, value))
            ranged = ranged or op != "=="
        direction = firestore.Query.DESCENDING if descending else firestore.Query.ASCENDING
        if order_by is not None:
            check_path(order_by, "order_by")
            query = query.order_by(order_by, direction=direction)
        elif descending and not ranged:
            query = query.order_by(FieldPath.document_id(), direction=direction)
        sort_here = order_by is None and ranged
        if limit is not None and not sort_here:
            query = query.limit(limit)
        try:
            with translated(f"query {collection}"):
                found = [doc for snap in query.stream() if (doc := to_document(snap)) is not None]
        except ConflictError as exc:  # FAILED_PRECONDITION on a query: an index is missing
            raise StoryGeniusError(f"query on {collection} needs an index: {exc.message}") from exc
        if sort_here:
            found.sort(key=lambda doc: doc.id, reverse=descending)
            found = found if limit is None else found[:limit]
        return found

    def transaction(self, fn: Callable[[TransactionPort], T]) -> T:
        """Run `fn` in a Firestore transaction; retried (so `fn` may run again) on contention."""
        return run_transaction(self._client(), fn)

    def watch(self, collection: str, doc_id: str, callback: Callback) -> Callable[[], None]:
        """Call `callback` with the document now and after each change; returns `unsubscribe`."""
        ref = self._ref(collection, doc_id)
        listener = _Listener(callback)
        with translated(f"watch {collection}/{doc_id}"):
            handle = ref.on_snapshot(listener.on_snapshot)
        if not listener.started.wait(_FIRST_SNAPSHOT_TIMEOUT_S):
            listener.stop()
            handle.unsubscribe()
            raise RetryableError(f"no snapshot of {collection}/{doc_id} arrived; is Firestore up?")

        def unsubscribe() -> None:
            listener.stop()  # waits out a delivery in progress; none can follow
            handle.unsubscribe()
            with self._watches_lock:
                self._watches.discard(unsubscribe)

        with self._watches_lock:
            self._watches.add(unsubscribe)
        return unsubscribe

    def close(self) -> None:
        """Stop every listener, then close the client if this store built it."""
        with self._watches_lock:
            watches = list(self._watches)
        for unsubscribe in watches:
            unsubscribe()
        with self._client_lock:
            if self._owns_client and self._client_instance is not None:
                client: Any = self._client_instance  # close() is untyped
                client.close()
                self._client_instance = None

    def __enter__(self) -> FirestoreDocumentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _client(self) -> firestore.Client:
        with self._client_lock:
            if self._client_instance is None:
                self._client_instance = firestore.Client(
                    project=self._project, database=self._database
                )
            return self._client_instance

    def _ref(self, collection: str, doc_id: str) -> Any:
        return doc_ref(self._client(), collection, doc_id)


def emulator_client(host: str, project: str, database: str = "(default)") -> firestore.Client:
    """A client of the Firestore emulator (or stand-in) at `host`, with anonymous credentials.

    The client reads FIRESTORE_EMULATOR_HOST only while it is built, so the variable is set for
    that moment alone: tests get an emulator client without leaking it into the process.
    """
    with _env_lock:
        previous = os.environ.get("FIRESTORE_EMULATOR_HOST")
        os.environ["FIRESTORE_EMULATOR_HOST"] = host
        try:
            anonymous: Any = AnonymousCredentials  # untyped constructor
            return firestore.Client(project=project, database=database, credentials=anonymous())
        finally:
            if previous is None:
                del os.environ["FIRESTORE_EMULATOR_HOST"]
            else:
                os.environ["FIRESTORE_EMULATOR_HOST"] = previous


class _Listener:
    """Turns snapshots of one document into port callbacks, once per version, until stopped."""

    def __init__(self, callback: Callback) -> None:
        self._callback = callback
        self._lock = threading.RLock()
        self._active = True
        self._last: str | None = None
        self.started = threading.Event()

    def on_snapshot(
        self, snapshots: list[DocumentSnapshot[Any]], changes: Any, read_time: Any
    ) -> None:
        doc = to_document(snapshots[0]) if snapshots else None
        version = None if doc is None else doc.version
        with self._lock:
            if self._active and (version != self._last or not self.started.is_set()):
                self._last = version
                try:
                    self._callback(doc)
                except Exception:
                    # A listener's bug must not end the watch (nor other watches on this client).
                    logger.exception("watch callback failed")
            self.started.set()

    def stop(self) -> None:
        with self._lock:
            self._active = False
