"""Idempotency keys for API requests that start work (`Idempotency-Key` header).

The same key from the same owner returns what the first request produced (a job id) instead of
starting the work again: a client that retries after a timeout, or sends twice from two tabs,
gets one job. One record per owner and key in the `idempotency` collection, its id a hash of
both, claimed with a conditional create so that of two concurrent requests only one starts the
work; the other waits for the record to complete. A failed start deletes the record so a retry
starts clean. Records live `ttl_s` (a day); `expires_at` can drive a Firestore TTL policy.
(The pattern of AWS Powertools' idempotency layer, as in common/services/pipeline/ledger.py.)
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from common.domain.assets import content_hash
from common.domain.errors import ConflictError, InvalidInputError
from common.ports import Clock, DocumentStore
from common.services.claims import claim

COLLECTION = "idempotency"
HEADER = "Idempotency-Key"
MAX_KEY_CHARS = 200
IN_PROGRESS = "in_progress"
COMPLETED = "completed"


class RequestInProgressError(ConflictError):
    """A request with this key is still being served; the client should retry shortly."""

    code = "request_in_progress"


@dataclass(frozen=True)
class Outcome:
    """What a keyed request produced, and whether it was replayed from an earlier request."""

    result: str
    replayed: bool


def check_key(key: str) -> str:
    """The key if it is usable: 1 to MAX_KEY_CHARS printable ASCII characters."""
    if not key or len(key) > MAX_KEY_CHARS:
        raise InvalidInputError(
            f"{HEADER} must be 1 to {MAX_KEY_CHARS} characters",
            fields={HEADER: f"length {len(key)}, must be 1 to {MAX_KEY_CHARS}"},
        )
    if not all(" " <= ch <= "~" for ch in key):
        raise InvalidInputError(
            f"{HEADER} must be printable ASCII", fields={HEADER: "not printable ASCII"}
        )
    return key


def record_id(owner: str, key: str) -> str:
    """The record's document id: a hash, so keys of any shape are safe ids and owners never
    share a record."""
    digest = hashlib.sha256(f"{owner}\n{key}".encode()).hexdigest()
    return f"api-{digest}"


class IdempotencyKeys:
    """Runs keyed requests at most once per owner and key."""

    def __init__(
        self,
        store: DocumentStore,
        clock: Clock,
        *,
        lease_s: float = 60.0,
        ttl_s: float = 24 * 3600.0,
        wait_s: float = 10.0,
        poll_s: float = 0.05,
    ) -> None:
        self._store = store
        self._clock = clock
        self._lease = timedelta(seconds=lease_s)
        self._ttl = timedelta(seconds=ttl_s)
        self._wait_s = wait_s
        self._poll_s = poll_s

    def run(
        self, owner: str, key: str | None, request: dict[str, Any], start: Callable[[], str]
    ) -> Outcome:
        """`start()`'s result, run once for (owner, key); later calls replay the first result.

        `request` describes the call (route, ids): the same key with another request is an
        InvalidInputError. Without a key, `start` simply runs. While another call with the key
        is starting, waits up to `wait_s` for it, then raises RequestInProgressError. If `start`
        raises, the key is released and the exception propagates.
        """
        if key is None:
            return Outcome(start(), replayed=False)
        doc_id = record_id(owner, check_key(key))
        fingerprint = content_hash(request)
        deadline = time.monotonic() + self._wait_s
        while True:
            record = self._claim(doc_id, owner, fingerprint)
            if record is None:
                break
            if record.get("request") != fingerprint:
                raise InvalidInputError(
                    f"this {HEADER} was used for another request",
                    fields={HEADER: "already used for another request: use a new key"},
                )
            if record.get("status") == COMPLETED:
                return Outcome(str(record["result"]), replayed=True)
            if time.monotonic() >= deadline:
                raise RequestInProgressError(
                    f"a request with this {HEADER} is still in progress; retry shortly"
                )
            time.sleep(self._poll_s)
        try:
            result = start()
        except BaseException:
            self._store.delete(COLLECTION, doc_id)
            raise
        now = self._clock.now()
        self._store.set(
            COLLECTION,
            doc_id,
            {
                "owner": owner,
                "request": fingerprint,
                "status": COMPLETED,
                "result": result,
                "created_at": now.isoformat(),
                "expires_at": (now + self._ttl).isoformat(),
            },
        )
        return Outcome(result, replayed=False)

    def _claim(self, doc_id: str, owner: str, fingerprint: str) -> dict[str, Any] | None:
        """None when this call now holds the key; otherwise the record that holds it."""
        now = self._clock.now()
        record = {
            "owner": owner,
            "request": fingerprint,
            "status": IN_PROGRESS,
            "created_at": now.isoformat(),
            "expires_at": (now + self._lease).isoformat(),
        }
        return claim(self._store, COLLECTION, doc_id, record, now)
