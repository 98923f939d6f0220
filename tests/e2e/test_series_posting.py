"""A daily series posting to YouTube and TikTok for three simulated days, on the platforms'
stand-ins, with every fault the publish ledger exists for: every task delivered twice, the
process dying after YouTube took the whole video but before the ledger heard its id (day 1), a
connection dropped in the middle of an upload (day 2), a TikTok outage (day 3). Each run is
posted exactly once per destination; the dropped upload resumes from the offset YouTube reports.
Each video is ready before its time, so YouTube gets it early, scheduled (`publishAt`).
Jobs render for real (draft profile: tiny videos).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.domain.commands import parse
from common.domain.series import CreateSeries
from tests.stubs.http_stub import Drop, Reply
from tests.stubs.tiktok_server import tiktok_stub  # noqa: F401
from tests.stubs.youtube_server import youtube_stub  # noqa: F401
from tests.support.calendar import FakeClock
from tests.support.fakes import DoubleDeliveryQueue
from tests.support.jobs import DRAFT
from tests.support.platforms import CrashOnce, connect, platform_settings, video_id_recorded

pytestmark = pytest.mark.slow

OWNER = "creator"
START = datetime(2026, 5, 4, 5, 0, tzinfo=UTC)
SETTINGS = {
    **DRAFT,
    "lead_per_video_s": 0.0,
    "lead_margin_s": 3600.0,
    "exact_horizon_s": 0.0,
    "post_retry_s": 60.0,
}
DROP_AT = 20_000


def run_until(svc, clock, until: datetime) -> None:
    """Tick every simulated half hour until `until`, letting each tick's work finish."""
    while clock.now() < until:
        clock.advance(minutes=30)
        svc.ticker.tick()
        assert svc.queue.wait_idle(300), "the queue did not drain"


def test_a_daily_series_posts_each_run_once_per_platform_through_crashes_drops_and_duplicates(
    make_services,
    tmp_path,
    youtube_stub,  # noqa: F811
    tiktok_stub,  # noqa: F811
):
    youtube, tiktok = youtube_stub, tiktok_stub
    clock = FakeClock(START)
    store = CrashOnce(
        SqliteDocumentStore(tmp_path / "data" / "storygenius.sqlite3"),
        video_id_recorded,
    )
    svc = make_services(
        {**SETTINGS, **platform_settings(youtube, tiktok)},
        clock=clock,
        store=store,
        queue=DoubleDeliveryQueue(),
    )
    connect(svc, OWNER, "youtube", youtube)
    connect(svc, OWNER, "tiktok", tiktok)
    body = {
        "theme": "Tales of a brave lighthouse keeper",
        "cadence": {"kind": "daily", "time": "09:00"},
        "timezone": "UTC",
        "settings": {"duration_s": 10, "resolution": "720p", "aspect": "9:16"},
        "destinations": [
            {"platform": "youtube", "hashtags": ["#lighthouse", "#story"]},
            {"platform": "tiktok"},
        ],
    }
    series = svc.series.create(OWNER, parse(CreateSeries, body))

    run_until(svc, clock, datetime(2026, 5, 4, 12, 0, tzinfo=UTC))  # day 1: the crash
    assert store.crashed == 1
    youtube.fault("chunk", Drop(after_bytes=DROP_AT))  # day 2's upload loses its connection
    run_until(svc, clock, datetime(2026, 5, 5, 12, 0, tzinfo=UTC))
    tiktok.fault("init", Reply(503, {"error": {"code": "internal_error", "message": "busy"}}))
    run_until(svc, clock, datetime(2026, 5, 6, 12, 0, tzinfo=UTC))  # day 3: TikTok was down

    series = svc.series.get(OWNER, series.id)
    assert [r.status for r in series.runs] == ["published"] * 3
    schedules = [svc.schedules.find(r.schedule_id) for r in series.runs]
    for schedule in schedules:
        assert [(p.platform, p.status) for p in schedule.posts] == [
            ("youtube", "published"),
            ("tiktok", "published"),
        ], schedule.posts

    # Exactly once per run and platform, under doubled deliveries and the faults.
    posts = [svc.posts.find(s.id, "youtube") for s in schedules]
    assert len(youtube.videos) == 3 and len(youtube.of("insert")) == 3
    assert sorted(youtube.videos) == sorted(p.video_id for p in posts)
    assert len(tiktok.publishes) == 3 and len(tiktok.published()) == 3
    # Each video was ready half an hour early and went up then, scheduled for 09:00 (YouTube
    # makes it public at that time), and was marked published at 09:00 on a second attempt;
    # day 1's early upload died before its ack and was adopted at 09:00 instead.
    assert [p.attempts for p in posts] == [2, 2, 2]
    assert [youtube.videos[p.video_id]["status"]["publishAt"] for p in posts] == [
        f"2026-05-0{day}T09:00:00Z" for day in (4, 5, 6)
    ]
    assert [p.posted_at for p in posts] == [s.publish_at for s in schedules]

    # Each video arrived whole, and the dropped one was resumed, not sent again from zero.
    for post, schedule in zip(posts, schedules, strict=True):
        size = len(svc.blobs.get(svc.jobs.get(schedule.job_id).outputs.video))
        assert youtube.videos[post.video_id]["size"] == size
    sessions = list(youtube.sessions.values())
    resumed = sessions[1]
    assert resumed.total > DROP_AT
    assert resumed.received < 1.2 * resumed.total, (resumed.received, resumed.total)
    queries = youtube.of("status_query")
    assert len(queries) == 2  # day 1's adoption, day 2's resume
    second_day_chunks = [c for c in youtube.of("chunk") if resumed_id(c) == session_id(youtube, 1)]
    assert second_day_chunks[-1].headers["content-range"].startswith(f"bytes {DROP_AT}-")

    [video1, *_] = (youtube.videos[p.video_id] for p in posts)
    assert video1["status"]["containsSyntheticMedia"] is True
    assert {"lighthouse", "story", "Shorts"} <= set(video1["snippet"]["tags"])
    assert all(p.post_info["is_aigc"] for p in tiktok.publishes.values())


def session_id(stub, index: int) -> str:
    return list(stub.sessions)[index]


def resumed_id(request) -> str:
    return request.query.get("upload_id", "")
