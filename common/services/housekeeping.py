"""Housekeeping on the tick: deleting what is kept only for a while, the same in both backends.

- Sweep records (`sweeps/{id}`, common/services/pipeline/sweeper.py) past their `keep_until`,
  found with a range query, so Firestore and SQLite forget them alike. (A Firestore TTL policy
  would need a timestamp field; the store keeps ISO text, which a TTL policy silently ignores.)
- Blobs past their prefix's age (common/ports/blob_keys.LIFECYCLE_DAYS) when the media store is
  a local folder: Cloud Storage's lifecycle rules do it for the bucket, so there `expire_blobs`
  is None.

It runs at most once per `every` in a process: the tick comes each minute, and what it deletes
has lived for days.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from common.ports import Clock, DocumentStore
from common.ports.blob_keys import LIFECYCLE_DAYS

log = logging.getLogger(__name__)

# (prefix, blobs last written before this) -> keys deleted.
ExpireBlobs = Callable[[str, datetime], list[str]]

# Deleted a page at a time, so one tick after a long pause does a bounded amount of work.
PAGE = 200


@dataclass
class HousekeepingReport:
    sweeps: int = 0
    blobs: dict[str, int] = field(default_factory=dict)


class Housekeeping:
    def __init__(
        self,
        *,
        store: DocumentStore,
        clock: Clock,
        expire_blobs: ExpireBlobs | None,
        every: timedelta = timedelta(hours=1),
    ) -> None:
        self._store = store
        self._clock = clock
        self._expire_blobs = expire_blobs
        self._every = every
        self._last: datetime | None = None
        self._lock = threading.Lock()

    def run(self, now: datetime | None = None, *, force: bool = False) -> HousekeepingReport:
        """Delete what has expired by `now`; nothing when the last run was under `every` ago
        (unless `force`)."""
        now = now or self._clock.now()
        report = HousekeepingReport()
        with self._lock:
            if not force and self._last is not None and now - self._last < self._every:
                return report
            self._last = now
        report.sweeps = self._expire_sweeps(now)
        if self._expire_blobs is not None:
            for prefix, days in LIFECYCLE_DAYS.items():
                gone = self._expire_blobs(prefix, now - timedelta(days=days))
                if gone:
                    report.blobs[prefix] = len(gone)
        if report.sweeps or report.blobs:
            log.info("housekeeping: %d sweep records, blobs %s", report.sweeps, report.blobs)
        return report

    def _expire_sweeps(self, now: datetime) -> int:
        cutoff = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        deleted = 0
        while True:
            # The sweeper's collection (SWEEPS), named as text so the index check can read it.
            page = self._store.query("sweeps", [("keep_until", "<", cutoff)], limit=PAGE)
            for doc in page:
                self._store.delete("sweeps", doc.id)
            deleted += len(page)
            if len(page) < PAGE:
                return deleted
