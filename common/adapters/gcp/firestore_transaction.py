"""Transactions on Firestore: the Transaction port over a Firestore transaction, and the
retry loop that runs a function in one.

Firestore's client retries a commit aborted by contention; a transactional read that loses to
contention aborts too, and is retried here by running the whole function again (so it may run
more than once, as the port says).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from google.api_core import exceptions as gexc
from google.cloud import firestore

from common.adapters.gcp.firestore_documents import (
    checked_changes,
    doc_ref,
    json_copy,
    to_document,
    translated,
)
from common.domain.errors import InvalidInputError, RetryableError, StoryGeniusError
from common.ports.store import Document
from common.ports.store import Transaction as TransactionPort

logger = logging.getLogger(__name__)

T = TypeVar("T")

_TXN_ATTEMPTS = 5


def run_transaction(client: firestore.Client, fn: Callable[[TransactionPort], T]) -> T:
    """Run `fn` in a Firestore transaction; retried (so `fn` may run again) on contention."""

    @firestore.transactional
    def attempt(txn: firestore.Transaction) -> T:
        return fn(FirestoreTransaction(client, txn))

    for tries in range(1, _TXN_ATTEMPTS + 1):
        txn = BestEffortRollback(client, max_attempts=_TXN_ATTEMPTS)
        try:
            with translated("transaction"):
                result: T = attempt(txn)
            return result
        except ReadAbortedError:
            if tries == _TXN_ATTEMPTS:
                raise
        except ValueError as exc:
            # The client gives up on commits aborted by contention with a ValueError.
            if isinstance(exc.__cause__, gexc.Aborted):
                raise RetryableError(f"transaction kept aborting: {exc}") from exc
            raise
    raise AssertionError("unreachable")  # the loop returns or raises


class FirestoreTransaction:
    """The Transaction port over a Firestore transaction: reads lock, writes wait for commit."""

    def __init__(self, client: firestore.Client, txn: firestore.Transaction) -> None:
        self._client = client
        self._txn = txn
        self._wrote = False

    def get(self, collection: str, doc_id: str) -> Document | None:
        """The document as of this transaction; reads must come before writes."""
        if self._wrote:
            raise StoryGeniusError("transaction reads must come before its writes")
        ref = self._ref(collection, doc_id)
        try:
            with translated(f"transaction get {collection}/{doc_id}"):
                return to_document(ref.get(transaction=self._txn))
        except RetryableError as exc:
            if isinstance(exc.__cause__, gexc.Aborted):
                raise ReadAbortedError(exc.message) from exc.__cause__
            raise

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> None:
        """Create at commit; the transaction fails with AlreadyExistsError if it exists."""
        self._write().create(self._ref(collection, doc_id), json_copy(data, "data"))

    def set(self, collection: str, doc_id: str, data: dict[str, Any]) -> None:
        """Create or replace the whole document at commit."""
        self._write().set(self._ref(collection, doc_id), json_copy(data, "data"))

    def update(self, collection: str, doc_id: str, changes: dict[str, Any]) -> None:
        """Merge `changes` (dotted paths) at commit; the transaction fails if it is missing."""
        plain = json_copy(checked_changes(changes), "changes")
        if not plain:  # Firestore has no empty update that still checks the document exists
            raise InvalidInputError("an update needs at least one change", fields={"changes": "{}"})
        self._write().update(self._ref(collection, doc_id), plain)

    def delete(self, collection: str, doc_id: str) -> None:
        """Delete at commit; a missing document is not an error."""
        self._write().delete(self._ref(collection, doc_id))

    def _write(self) -> firestore.Transaction:
        self._wrote = True
        return self._txn

    def _ref(self, collection: str, doc_id: str) -> Any:
        return doc_ref(self._client, collection, doc_id)


class ReadAbortedError(RetryableError):
    """A transactional read lost to contention: the whole transaction is run again."""


class BestEffortRollback(firestore.Transaction):
    """A transaction whose rollback never hides the error that caused it.

    After a failed commit the server may have dropped the transaction already, and the client
    would raise the rollback's error instead of the commit's (ALREADY_EXISTS, NOT_FOUND). The
    Node and Java clients made rollback best effort for the same reason.
    """

    def _rollback(self) -> None:
        try:
            super()._rollback()
        except gexc.GoogleAPICallError:
            logger.warning("rolling back a Firestore transaction failed", exc_info=True)
