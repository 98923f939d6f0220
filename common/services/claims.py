"""Claims: the one mechanism behind the step ledger and API idempotency keys.

A record is claimed with a conditional create. If one exists, a transaction looks at it: a
record whose `expires_at` has passed (a claim whose holder died, or a result kept long enough)
is taken over; otherwise the caller gets the record to decide (replay a result, or wait).
Records without `expires_at` never expire.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.domain.errors import AlreadyExistsError
from common.ports import DocumentStore, Transaction


def claim(
    store: DocumentStore, collection: str, doc_id: str, record: dict[str, Any], now: datetime
) -> dict[str, Any] | None:
    """None when the caller now holds `doc_id` (with `record` written); else the record there."""
    try:
        store.create(collection, doc_id, record)
        return None
    except AlreadyExistsError:
        pass

    def take_over(tx: Transaction) -> dict[str, Any] | None:
        doc = tx.get(collection, doc_id)
        if doc is None:  # released since our create failed
            tx.create(collection, doc_id, record)
            return None
        expires = doc.data.get("expires_at")
        if expires is not None and datetime.fromisoformat(expires) <= now:
            tx.set(collection, doc_id, record)
            return None
        return dict(doc.data)

    return store.transaction(take_over)
