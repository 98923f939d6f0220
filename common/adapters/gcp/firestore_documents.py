"""How Firestore's documents, versions and errors become the DocumentStore port's.

Shared by the store and its transactions: a document's `version` is its ``update_time`` as an
opaque string (whole seconds and nanoseconds, so a precondition sent back matches exactly), data
is held to JSON as in the SQLite store, and gRPC errors become the project's errors (contention
and outages become RetryableError).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1 import DocumentSnapshot
from google.protobuf.timestamp_pb2 import Timestamp

from common.adapters.doc_rules import check_changes, check_name, to_json
from common.domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RetryableError,
    StoryGeniusError,
)
from common.ports.store import Document

# Contention, overload and outages: trying again later can help.
_TRANSIENT = (
    gexc.ServiceUnavailable,
    gexc.DeadlineExceeded,
    gexc.Aborted,
    gexc.InternalServerError,
)


@contextmanager
def translated(action: str) -> Iterator[None]:
    """Raise the project's error for a Firestore error; `action` says what was being done."""
    try:
        yield
    except gexc.GoogleAPICallError as exc:
        raise firestore_error(exc, action) from exc


def firestore_error(exc: gexc.GoogleAPICallError, action: str) -> StoryGeniusError:
    message = f"Firestore {action}: {exc.message}"
    if isinstance(exc, gexc.AlreadyExists):
        return AlreadyExistsError(message)
    if isinstance(exc, gexc.NotFound):
        return NotFoundError(message)
    if isinstance(exc, gexc.FailedPrecondition):
        return ConflictError(message)
    if isinstance(exc, gexc.ResourceExhausted):  # quota or hot document: back off longer
        return RetryableError(message, retry_after_s=30.0)
    if isinstance(exc, _TRANSIENT):
        return RetryableError(message)
    if isinstance(exc, gexc.InvalidArgument):
        return InvalidInputError(message, fields={"request": exc.message or "invalid"})
    if isinstance(exc, gexc.PermissionDenied | gexc.Unauthenticated):
        return StoryGeniusError(f"Firestore refused {action} (permission): {exc.message}")
    return StoryGeniusError(f"Firestore {action} failed ({type(exc).__name__}): {exc.message}")


def to_document(snapshot: DocumentSnapshot[Any]) -> Document | None:
    if not snapshot.exists:
        return None
    return Document(snapshot.id, snapshot.to_dict() or {}, to_version(snapshot.update_time))


def to_version(update_time: Any) -> str:
    """The opaque version of an update_time: whole seconds and nanoseconds, exactly."""
    stamp = update_time if isinstance(update_time, Timestamp) else update_time.timestamp_pb()
    return f"{stamp.seconds}.{stamp.nanos:09d}"


def to_timestamp(version: str) -> Timestamp:
    seconds, _, nanos = version.partition(".")
    if not (seconds.isdigit() and nanos.isdigit() and len(nanos) == 9):
        raise InvalidInputError(f"bad version {version!r}", fields={"version": version})
    return Timestamp(seconds=int(seconds), nanos=int(nanos))


def json_copy(data: dict[str, Any], field_name: str) -> dict[str, Any]:
    """A JSON copy of `data`: the SQLite store holds JSON, so both stores accept the same."""
    plain: dict[str, Any] = json.loads(to_json(data, field_name))
    return plain


def checked_changes(changes: dict[str, Any]) -> dict[str, Any]:
    check_changes(changes)
    return changes


def doc_ref(client: firestore.Client, collection: str, doc_id: str) -> Any:
    """The reference of a checked collection and document name (no '/', not empty)."""
    check_name(collection, "collection")
    check_name(doc_id, "doc_id")
    return client.collection(collection).document(doc_id)
