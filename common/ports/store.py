"""DocumentStore: JSON documents in collections, with transactions and change listeners.

Shaped after Firestore so both the SQLite and the Firestore adapter can honour it exactly:
field paths in `update` and `where` may be dotted (``"scenes.s1.clip"``); `version` is an opaque
token that changes on every write and makes `update` conditional.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

T = TypeVar("T")
Op = Literal["==", "<", "<=", ">", ">="]
Filter = tuple[str, Op, Any]


@dataclass(frozen=True)
class Document:
    id: str
    data: dict[str, Any] = field(default_factory=dict)
    version: str = ""


class Transaction(Protocol):
    """Reads come before writes (as in Firestore); writes apply atomically at commit."""

    def get(self, collection: str, doc_id: str) -> Document | None: ...

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> None:
        """Create the document; the transaction fails with AlreadyExistsError if it exists."""

    def set(self, collection: str, doc_id: str, data: dict[str, Any]) -> None: ...

    def update(self, collection: str, doc_id: str, changes: dict[str, Any]) -> None:
        """Merge `changes` (dotted field paths) into an existing document."""

    def delete(self, collection: str, doc_id: str) -> None: ...


class DocumentStore(Protocol):
    def get(self, collection: str, doc_id: str) -> Document | None:
        """The document, or None when it does not exist."""

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> Document:
        """Create if absent; raise AlreadyExistsError if a document with this id exists."""

    def set(self, collection: str, doc_id: str, data: dict[str, Any]) -> Document:
        """Create or replace the whole document."""

    def update(
        self,
        collection: str,
        doc_id: str,
        changes: dict[str, Any],
        *,
        version: str | None = None,
    ) -> Document:
        """Merge `changes` (dotted paths allowed) into an existing document.

        Raises NotFoundError if it does not exist, ConflictError if `version` is given and the
        document has changed since that version was read.
        """

    def delete(self, collection: str, doc_id: str) -> None:
        """Delete the document; deleting a missing document is not an error."""

    def query(
        self,
        collection: str,
        where: Sequence[Filter] = (),
        *,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Document]:
        """Documents matching every filter, ordered and limited."""

    def transaction(self, fn: Callable[[Transaction], T]) -> T:
        """Run `fn` in a serialisable transaction and return its result.

        `fn` may be called more than once (on contention), so it must have no side effects
        outside the transaction.
        """

    def watch(
        self, collection: str, doc_id: str, callback: Callable[[Document | None], None]
    ) -> Callable[[], None]:
        """Call `callback` with the document now and after each change; returns `unsubscribe`."""
