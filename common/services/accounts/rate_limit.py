"""Per-user API rate limits: a token bucket per user and budget, kept in the document store.

Three budgets (settings): `generate` for the routes that start paid work (generate, preview,
exports), `mutate` for every other POST/PATCH/DELETE, and `stream` for opening a live job event
stream; other reads are not limited. A bucket holds
up to `burst` tokens and refills at `per_min` a minute; a request takes one token or is refused
with RateLimitedError (429) and the seconds until a token is back.

The bucket is one document per user and budget (`rate_limits/{uid}_{budget}`), changed in a
transaction, so every function instance draws from the same bucket. (A bucket per instance
would multiply the budget by the number of instances Cloud Functions runs.) One user's sustained
mutations are bounded by Firestore's ~1 write a second per document anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from common.config import Settings
from common.domain.quota import RATE_LIMITS, RateLimitedError
from common.ports import Clock, DocumentStore, Transaction

GENERATE_SUFFIXES = ("/generate", "/preview", "/exports")
# Opening a live stream holds a thread for minutes: it draws from its own budget.
STREAM_SUFFIX = "/events"
MUTATING = frozenset({"POST", "PATCH", "DELETE", "PUT"})


@dataclass(frozen=True)
class Budget:
    name: str
    per_min: float
    burst: int


def budget_for(method: str, path: str, settings: Settings) -> Budget | None:
    """The budget a request draws from (`path` is the route's template), or None (not limited)."""
    if method == "GET" and path.endswith(STREAM_SUFFIX):
        budget = Budget("stream", settings.rate_stream_per_min, settings.rate_stream_burst)
        return budget if budget.per_min > 0 else None
    if method not in MUTATING:
        return None
    if path.endswith(GENERATE_SUFFIXES):
        budget = Budget("generate", settings.rate_generate_per_min, settings.rate_generate_burst)
    else:
        budget = Budget("mutate", settings.rate_mutate_per_min, settings.rate_mutate_burst)
    return budget if budget.per_min > 0 else None


def refill(tokens: float, last: datetime, now: datetime, budget: Budget) -> float:
    """Tokens in the bucket at `now`, from `tokens` at `last` (a clock going back adds none)."""
    elapsed = max(0.0, (now - last).total_seconds())
    return min(float(budget.burst), tokens + elapsed * budget.per_min / 60.0)


class RateLimiter:
    """Stateless over the store: cheap to build per request."""

    def __init__(self, store: DocumentStore, clock: Clock, settings: Settings) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings

    def take(self, owner: str, method: str, path: str) -> None:
        """Take one token for the request, or raise RateLimitedError (429)."""
        budget = budget_for(method, path, self._settings)
        if budget is None:
            return
        now = self._clock.now()
        doc_id = f"{owner}_{budget.name}"

        def run(tx: Transaction) -> float:
            """Seconds to wait; 0 when a token was taken."""
            doc = tx.get(RATE_LIMITS, doc_id)
            tokens = float(budget.burst)
            if doc is not None:
                last = datetime.fromisoformat(doc.data["at"])
                tokens = refill(float(doc.data["tokens"]), last, now, budget)
            if tokens < 1.0:
                return (1.0 - tokens) * 60.0 / budget.per_min
            tx.set(
                RATE_LIMITS,
                doc_id,
                {
                    "owner": owner,
                    "bucket": budget.name,
                    "tokens": tokens - 1.0,
                    "at": now.isoformat(),
                },
            )
            return 0.0

        wait = self._store.transaction(run)
        if wait > 0:
            raise RateLimitedError(
                f"too many {budget.name} requests: {budget.per_min:g} a minute "
                f"(bursts of {budget.burst}); retry in {math.ceil(wait)} s",
                retry_after_s=wait,
                bucket=budget.name,
            )
