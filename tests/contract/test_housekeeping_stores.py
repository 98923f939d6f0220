"""Sweep records expire the same way in SQLite and on the Firestore stand-in: the range query on
their `keep_until` text finds exactly the expired ones in both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from common.services.housekeeping import Housekeeping
from common.services.pipeline.sweeper import KEEP_SWEEPS, SWEEPS, keep_until
from tests.support.calendar import FakeClock

NOW = datetime(2026, 12, 6, 12, 0, 0, 500_000, tzinfo=UTC)


def test_expired_sweep_records_are_deleted_and_live_ones_kept(document_store) -> None:
    written = {
        "claim-a": NOW - KEEP_SWEEPS - timedelta(seconds=1),  # expired a second ago
        "claim-b": NOW - KEEP_SWEEPS + timedelta(seconds=1),  # a second to go
        "job-c": NOW - timedelta(days=45),
        "job-d": NOW,
    }
    for doc_id, at in written.items():
        document_store.set(SWEEPS, doc_id, {"count": 1, "keep_until": keep_until(at)})
    document_store.set(SWEEPS, "job-legacy", {"count": 1})  # written before keep_until existed

    report = Housekeeping(store=document_store, clock=FakeClock(NOW), expire_blobs=None).run()

    assert report.sweeps == 2
    assert sorted(doc.id for doc in document_store.query(SWEEPS)) == [
        "claim-b",
        "job-d",
        "job-legacy",
    ]
