"""Housekeeping on the tick: sweep records and a local folder's cache, scratch and abandoned
uploads are deleted when they have lived their time, the same way the bucket's lifecycle rules
delete them in the cloud; everything else stays."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from common.adapters.local.fs_blobs import FsBlobStore
from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.ports.blob_keys import LIFECYCLE_DAYS
from common.services.housekeeping import Housekeeping
from common.services.pipeline.sweeper import KEEP_SWEEPS, SWEEPS, keep_until
from tests.support.calendar import FakeClock
from tests.support.terraform_model import Evaluator, blocks, terraform

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    store = SqliteDocumentStore(tmp_path / "store.sqlite3")
    yield store
    store.close()


def _put(blobs: FsBlobStore, key: str, written: datetime) -> None:
    blobs.put(key, b"x")
    stamp = written.timestamp()
    os.utime(blobs.root / key, (stamp, stamp))


def test_sweep_records_go_once_their_keep_until_passes(store) -> None:
    store.set(SWEEPS, "claim-old", {"count": 1, "keep_until": keep_until(NOW - KEEP_SWEEPS)})
    store.set(SWEEPS, "job-recent", {"count": 2, "keep_until": keep_until(NOW)})
    house = Housekeeping(store=store, clock=FakeClock(NOW), expire_blobs=None)

    report = house.run(NOW + timedelta(seconds=1))

    assert report.sweeps == 1
    assert [doc.id for doc in store.query(SWEEPS)] == ["job-recent"]
    assert house.run(NOW + KEEP_SWEEPS + timedelta(seconds=2), force=True).sweeps == 1
    assert store.query(SWEEPS) == []


def test_many_expired_sweep_records_are_deleted_a_page_at_a_time(store) -> None:
    for n in range(450):
        store.set(SWEEPS, f"job-{n:03d}", {"count": 1, "keep_until": keep_until(NOW)})
    house = Housekeeping(store=store, clock=FakeClock(NOW), expire_blobs=None)
    assert house.run(NOW + KEEP_SWEEPS + timedelta(hours=1)).sweeps == 450
    assert store.query(SWEEPS) == []


def test_a_local_folder_expires_blobs_by_the_buckets_rules_and_keeps_the_rest(
    store, tmp_path
) -> None:
    blobs = FsBlobStore(tmp_path / "media")
    _put(blobs, "cache/segments/old.mp4", NOW - timedelta(days=31))
    _put(blobs, "cache/segments/fresh.mp4", NOW - timedelta(days=29))
    _put(blobs, "incoming/alice/p1/abandoned.bin", NOW - timedelta(days=2))
    _put(blobs, "incoming/alice/p1/arriving.bin", NOW - timedelta(hours=2))
    _put(blobs, "tmp/scratch.bin", NOW - timedelta(days=3))
    _put(blobs, "jobs/j1/video.mp4", NOW - timedelta(days=400))  # a video is kept for good
    house = Housekeeping(store=store, clock=FakeClock(NOW), expire_blobs=blobs.expire)

    report = house.run(NOW)

    assert report.blobs == {"cache/segments/": 1, "incoming/": 1, "tmp/": 1}
    assert blobs.list() == [
        "cache/segments/fresh.mp4",
        "incoming/alice/p1/arriving.bin",
        "jobs/j1/video.mp4",
    ]


def test_housekeeping_runs_at_most_once_an_hour_on_the_minute_tick(store, tmp_path) -> None:
    blobs = FsBlobStore(tmp_path / "media")
    house = Housekeeping(store=store, clock=FakeClock(NOW), expire_blobs=blobs.expire)
    house.run(NOW)
    _put(blobs, "tmp/scratch.bin", NOW - timedelta(days=3))
    assert house.run(NOW + timedelta(minutes=59)).blobs == {}
    assert blobs.exists("tmp/scratch.bin")
    assert house.run(NOW + timedelta(minutes=60)).blobs == {"tmp/": 1}


def test_the_buckets_lifecycle_rules_are_the_ones_the_folder_applies() -> None:
    tf = terraform()
    bucket = tf["resource"]["google_storage_bucket"]["media"]
    ev = Evaluator(tf)
    rules = {}
    for rule, rule_ev in blocks(bucket, "lifecycle_rule", ev):
        [condition] = rule["condition"]
        [action] = rule["action"]
        if rule_ev.value(action["type"]) != "Delete":
            continue  # e.g. aborting incomplete multipart uploads: nothing a folder has
        for prefix in rule_ev.value(condition["matches_prefix"]):
            rules[prefix] = rule_ev.value(condition["age"])
    assert rules == LIFECYCLE_DAYS
