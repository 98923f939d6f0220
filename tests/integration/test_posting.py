"""Posting a scheduled video to YouTube and TikTok, exactly once, on the platforms' stand-ins
driven by the real clients (google-api-python-client and google-auth for YouTube, plain HTTP
for TikTok). Jobs are documents in the state the publish step reads (done, with a generated
1.5 MB "video"); whole rendered series are tests/e2e/test_series_posting.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.domain.commands import CreateProject, parse
from common.domain.job import Job
from common.domain.schedule import CreateSchedule
from common.services.calendar.scheduling import job_id_for
from tests.stubs.http_stub import Drop, Reply
from tests.stubs.instagram_server import instagram_stub  # noqa: F401
from tests.stubs.tiktok_server import tiktok_stub  # noqa: F401
from tests.stubs.youtube_server import quota_exceeded, youtube_stub  # noqa: F401
from tests.support.api import api_client, installed
from tests.support.calendar import FakeClock
from tests.support.fakes import DoubleDeliveryQueue
from tests.support.platforms import (
    CrashOnce,
    connect,
    platform_settings,
    video_bytes,
    video_id_recorded,
)

OWNER = "creator"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
PUBLISH_AT = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
VIDEO_SIZE = 1_500_000
SETTINGS = {
    "lead_per_video_s": 0.0,
    "lead_margin_s": 3600.0,
    "exact_horizon_s": 0.0,
    "post_retry_s": 60.0,
    "publish_poll_s": 30.0,
}
BOTH = [{"platform": "youtube"}, {"platform": "tiktok"}]


@pytest.fixture
def stubs(youtube_stub, tiktok_stub):  # noqa: F811
    return youtube_stub, tiktok_stub


@pytest.fixture
def base_store(tmp_path):
    """The store a crash test wraps in CrashOnce (test_posting_on_firestore.py: Firestore)."""
    return SqliteDocumentStore(tmp_path / "data" / "storygenius.sqlite3")


def build(make_services, stubs, tmp_path, **overrides):
    youtube, tiktok = stubs
    clock = overrides.pop("clock", FakeClock(NOW))
    settings = {**SETTINGS, **platform_settings(youtube, tiktok), **overrides.pop("settings", {})}
    svc = make_services(settings, clock=clock, **overrides)
    connect(svc, OWNER, "youtube", youtube)
    connect(svc, OWNER, "tiktok", tiktok)
    return svc, clock


def scheduled(svc, destinations=BOTH, title="A Lighthouse Keeper Befriends a Lonely Whale"):
    """A schedule posting to `destinations` whose job is done with a generated video."""
    command = CreateProject(prompt="A lighthouse keeper's whale", title=title)
    project = svc.projects.create(OWNER, command)
    body = {
        "project_id": project.id,
        "publish_at": PUBLISH_AT.isoformat(),
        "destinations": destinations,
    }
    schedule = svc.schedules.create(OWNER, parse(CreateSchedule, body))
    job_id = job_id_for(schedule.id)
    svc.blobs.put(f"jobs/{job_id}/video.mp4", video_bytes(VIDEO_SIZE), "video/mp4")
    svc.blobs.put(f"jobs/{job_id}/thumbnail.jpg", b"\xff\xd8\xff\xe0thumb", "image/jpeg")
    svc.blobs.put(f"jobs/{job_id}/captions.srt", b"1\n00:00:00,000 --> 00:00:02,000\nHi\n")
    now = svc.clock.now()
    svc.jobs.create(
        Job(
            id=job_id,
            owner=OWNER,
            project_id=project.id,
            settings=project.settings,
            status="done",
            stage="done",
            progress=100,
            outputs={
                "video": f"jobs/{job_id}/video.mp4",
                "thumbnail": f"jobs/{job_id}/thumbnail.jpg",
                "captions_srt": f"jobs/{job_id}/captions.srt",
                "duration_s": 30.0,
                "width": 1080,
                "height": 1920,
            },
            created_at=now,
            updated_at=now,
        )
    )
    return schedule


def run_until(svc, clock, when):
    clock.set(when)
    svc.ticker.tick()
    assert svc.queue.wait_idle(60)


def publish(svc, clock, at=PUBLISH_AT):
    run_until(svc, clock, at - timedelta(hours=1))
    run_until(svc, clock, at)


def posts(svc, schedule):
    return {p: svc.posts.find(schedule.id, p) for p in ("youtube", "tiktok")}


def test_a_schedule_posts_once_to_youtube_and_tiktok_with_each_platforms_metadata(
    make_services, stubs, tmp_path
):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc)
    publish(svc, clock)
    run_until(svc, clock, PUBLISH_AT + timedelta(seconds=31))  # TikTok was still processing

    found = posts(svc, schedule)
    assert {p: (x.status, x.attempts) for p, x in found.items()} == {
        "youtube": ("published", 1),
        "tiktok": ("published", 2),
    }
    [video] = youtube.videos.values()
    assert video["size"] == VIDEO_SIZE
    assert found["youtube"].video_id == video["id"]
    assert found["youtube"].url == f"https://youtube.com/shorts/{video['id']}"
    snippet, status = video["snippet"], video["status"]
    assert len(snippet["title"]) <= 100 and snippet["categoryId"] == "24"
    assert "#Shorts" in snippet["description"] and snippet["defaultLanguage"] == "en"
    assert status["containsSyntheticMedia"] is True
    assert status["selfDeclaredMadeForKids"] is False and status["privacyStatus"] == "public"
    assert youtube.thumbnails[video["id"]].startswith(b"\xff\xd8")
    assert len(youtube.captions[video["id"]]) == 1

    [published] = tiktok.published()
    assert published.post_info["is_aigc"] is True
    assert published.post_info["privacy_level"] == "SELF_ONLY"  # the app is not audited
    assert "unaudited" in found["tiktok"].note
    assert published.chunks == 1 and len(published.data) == VIDEO_SIZE  # < 5 MB: one chunk

    shown = svc.schedules.find(schedule.id).posts
    assert [(p.platform, p.status) for p in shown] == [
        ("youtube", "published"),
        ("tiktok", "published"),
    ]


def test_duplicate_deliveries_post_once(make_services, stubs, tmp_path):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path, queue=DoubleDeliveryQueue())
    schedule = scheduled(svc)
    publish(svc, clock)
    for minutes in (1, 2, 30, 60):
        run_until(svc, clock, PUBLISH_AT + timedelta(minutes=minutes))
    assert len(youtube.videos) == 1 and len(tiktok.published()) == 1
    assert len(youtube.of("insert")) == 1 and len(tiktok.of("init")) == 1
    assert {p.status for p in posts(svc, schedule).values()} == {"published"}


def test_a_connection_dropped_mid_upload_resumes_from_the_offset_youtube_reports(
    make_services, stubs, tmp_path
):
    youtube, _ = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    youtube.fault("chunk", Reply(200, {}), Drop(after_bytes=100_000))  # the second chunk drops
    youtube.clear_faults()
    youtube.fault("chunk", Drop(after_bytes=100_000))
    schedule = scheduled(svc, destinations=[{"platform": "youtube"}])
    publish(svc, clock)

    post = svc.posts.find(schedule.id, "youtube")
    assert post.status == "published" and post.attempts == 1
    assert len(youtube.videos) == 1
    [query] = youtube.of("status_query")
    assert query.headers["content-range"] == f"bytes */{VIDEO_SIZE}"
    resumed = youtube.of("chunk")[1]
    assert resumed.headers["content-range"].startswith("bytes 100000-")
    assert youtube.bytes_received < 1.2 * VIDEO_SIZE, youtube.bytes_received


def test_a_crash_after_the_upload_before_the_ledger_ack_adopts_the_video(
    make_services, stubs, tmp_path, base_store
):
    youtube, _ = stubs
    # The last byte is in, YouTube made the video; the process dies before the ledger hears
    # the video's id (the first write that would carry it).
    store = CrashOnce(
        base_store,
        video_id_recorded,
    )
    svc, clock = build(make_services, stubs, tmp_path, store=store)
    schedule = scheduled(svc, destinations=[{"platform": "youtube"}])
    publish(svc, clock)
    assert store.crashed == 1
    stuck = svc.posts.find(schedule.id, "youtube")
    assert stuck.status == "uploading" and "upload_uri" in stuck.session
    assert len(youtube.videos) == 1  # uploaded, but the ledger never heard

    run_until(svc, clock, PUBLISH_AT + timedelta(minutes=16))  # the lease ran out: the tick
    post = svc.posts.find(schedule.id, "youtube")
    assert (post.status, post.attempts) == ("published", 2)
    assert len(youtube.videos) == 1 and post.video_id in youtube.videos
    assert len(youtube.of("insert")) == 1 and len(youtube.of("status_query")) == 1
    assert youtube.bytes_received < 1.2 * VIDEO_SIZE + 1000


def test_quota_exceeded_moves_the_post_to_the_next_quota_day(make_services, stubs, tmp_path):
    youtube, _ = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    youtube.fault("insert", quota_exceeded())
    schedule = scheduled(svc, destinations=[{"platform": "youtube"}])
    publish(svc, clock)
    post = svc.posts.find(schedule.id, "youtube")
    next_day = datetime(2026, 6, 2, 7, 0, tzinfo=UTC)  # midnight in California (PDT)
    assert post.status == "uploading" and post.next_at == next_day
    assert "quotaExceeded" in post.note and "next quota day" in post.note
    run_until(svc, clock, next_day - timedelta(minutes=30))
    assert svc.posts.find(schedule.id, "youtube").status == "uploading"
    run_until(svc, clock, next_day)
    assert svc.posts.find(schedule.id, "youtube").status == "published"
    assert len(youtube.videos) == 1


def test_a_platform_refusal_fails_the_post_with_its_reason_and_outages_are_retried(
    make_services, stubs, tmp_path
):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    youtube.fault(
        "insert",
        Reply(
            400,
            {
                "error": {
                    "code": 400,
                    "message": "The request metadata specifies an invalid video title.",
                    "errors": [{"reason": "invalidTitle"}],
                }
            },
        ),
    )
    tiktok.fault("init", Reply(500, {"error": {"code": "internal_error", "message": "oops"}}))
    schedule = scheduled(svc)
    publish(svc, clock)
    found = posts(svc, schedule)
    assert found["youtube"].status == "failed"
    assert found["youtube"].error.code == "invalidTitle"
    assert "invalid video title" in found["youtube"].error.message
    assert found["tiktok"].status == "uploading" and found["tiktok"].error.code == "internal_error"
    run_until(svc, clock, PUBLISH_AT + timedelta(minutes=2))  # the retry (60 s later)
    run_until(svc, clock, PUBLISH_AT + timedelta(minutes=3))  # TikTok finished processing
    assert svc.posts.find(schedule.id, "tiktok").status == "published"
    assert len(tiktok.published()) == 1 and len(youtube.videos) == 0


def test_a_revoked_grant_marks_the_post_reconnect_without_retrying_forever(
    make_services, stubs, tmp_path
):
    youtube, _ = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    youtube.revoke_grants()
    youtube.expire_access_tokens()
    schedule = scheduled(svc, destinations=[{"platform": "youtube"}])
    publish(svc, clock)
    post = svc.posts.find(schedule.id, "youtube")
    assert post.status == "reconnect" and post.error.code == "reconnect_required"
    assert svc.connections.find(OWNER, "youtube").status == "reconnect"
    asked = len(youtube.of("token"))
    for hours in (1, 2, 6, 24):
        run_until(svc, clock, PUBLISH_AT + timedelta(hours=hours))
    assert len(youtube.of("token")) == asked and youtube.videos == {}
    [shown] = svc.schedules.find(schedule.id).posts
    assert shown.status == "reconnect"


def test_disconnecting_stops_posting_and_revokes(make_services, stubs, tmp_path):
    _, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc)
    svc.connections.disconnect(OWNER, "tiktok")
    publish(svc, clock)
    found = posts(svc, schedule)
    assert found["youtube"].status == "published"
    assert found["tiktok"].status == "cancelled" and found["tiktok"].error.code == "not_connected"
    assert tiktok.revocations and tiktok.of("init") == []
    with installed(svc):
        report = api_client().get(
            "/v1/analytics/usage", headers={"Authorization": f"Bearer dev:{OWNER}"}
        )
    assert report.status_code == 200
    destinations = report.get_json()["destinations"]
    assert destinations["youtube"] == {**destinations["youtube"], "posted": 1, "failed": 0}
    assert destinations["tiktok"] == {**destinations["tiktok"], "cancelled": 1, "posted": 0}


def test_tiktok_chunks_follow_its_rules_for_a_large_video(make_services, stubs, tmp_path):
    _, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc, destinations=[{"platform": "tiktok"}])
    big = video_bytes(23 * 1024 * 1024)
    key = svc.jobs.get(job_id_for(schedule.id)).outputs.video
    svc.blobs.put(key, big, "video/mp4")
    publish(svc, clock)
    run_until(svc, clock, PUBLISH_AT + timedelta(seconds=31))
    [published] = tiktok.published()
    assert (published.chunk_size, published.chunks) == (10 * 1024 * 1024, 2)
    ranges = [r.headers["content-range"] for r in tiktok.of("chunk")]
    assert ranges == [f"bytes 0-10485759/{len(big)}", f"bytes 10485760-{len(big) - 1}/{len(big)}"]
    assert bytes(published.data) == big


# -- Instagram ------------------------------------------------------------------------------


@pytest.fixture
def reels(make_services, instagram_stub):  # noqa: F811
    clock = FakeClock(NOW)
    svc = make_services({**SETTINGS, **platform_settings(instagram=instagram_stub)}, clock=clock)
    connect(svc, OWNER, "instagram", instagram_stub)
    return svc, clock, instagram_stub


def test_a_reel_is_made_from_the_signed_link_polled_and_published_once(reels):
    svc, clock, instagram = reels
    assert svc.connections.find(OWNER, "instagram").account_name == "lighthouse.tales"
    schedule = scheduled(svc, destinations=[{"platform": "instagram"}])
    publish(svc, clock)
    post = svc.posts.find(schedule.id, "instagram")
    assert post.status == "processing"  # Instagram is still fetching the video
    run_until(svc, clock, PUBLISH_AT + timedelta(seconds=31))
    post = svc.posts.find(schedule.id, "instagram")
    [container] = instagram.containers.values()
    assert (post.status, post.video_id) == ("published", container.media_id)
    assert post.url == f"https://www.instagram.com/reel/{container.media_id}/"
    assert container.video_url.startswith("https://studio.example.com/api/media/")
    assert container.caption.startswith("A Lighthouse Keeper Befriends a Lonely Whale")
    [create] = instagram.of("create")
    assert create.form()["media_type"] == "REELS"
    for hours in (1, 2):
        run_until(svc, clock, PUBLISH_AT + timedelta(hours=hours))
    assert len(instagram.media()) == 1 and len(instagram.of("publish")) == 1


def test_a_reel_published_before_the_crash_is_adopted_not_published_again(
    make_services,
    instagram_stub,  # noqa: F811
    base_store,
):
    store = CrashOnce(
        base_store,
        lambda collection, data: collection == "posts" and "media_id" in data.get("session", {}),
    )
    clock = FakeClock(NOW)
    settings = {**SETTINGS, **platform_settings(instagram=instagram_stub)}
    svc = make_services(settings, clock=clock, store=store)
    connect(svc, OWNER, "instagram", instagram_stub)
    instagram_stub.processing_polls = 0
    schedule = scheduled(svc, destinations=[{"platform": "instagram"}])
    publish(svc, clock)
    assert store.crashed == 1 and len(instagram_stub.media()) == 1
    run_until(svc, clock, PUBLISH_AT + timedelta(minutes=16))
    post = svc.posts.find(schedule.id, "instagram")
    assert post.status == "published" and post.video_id == instagram_stub.media()[0].media_id
    assert len(instagram_stub.of("publish")) == 1 and len(instagram_stub.of("recent")) == 1


def test_a_video_instagram_cannot_process_fails_the_post_with_its_reason(reels):
    svc, clock, instagram = reels
    instagram.failing_containers = True
    schedule = scheduled(svc, destinations=[{"platform": "instagram"}])
    publish(svc, clock)
    post = svc.posts.find(schedule.id, "instagram")
    assert post.status == "failed" and post.error.code == "error"
    assert "could not process the video" in post.error.message


def test_the_tick_reads_youtube_view_counts_and_analytics_shows_them(
    make_services, stubs, tmp_path
):
    youtube, _ = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc)
    publish(svc, clock)
    run_until(svc, clock, PUBLISH_AT + timedelta(seconds=31))
    [video_id] = youtube.videos
    youtube.videos[video_id]["views"] = 42
    run_until(svc, clock, PUBLISH_AT + timedelta(hours=1, minutes=1))
    youtube_post = svc.posts.find(schedule.id, "youtube")
    assert youtube_post.views == 42 and youtube_post.views_due_at == PUBLISH_AT + timedelta(
        hours=1, minutes=1, days=1
    )
    [listing] = youtube.of("list")
    assert listing.query == {**listing.query, "part": "statistics", "id": video_id}
    tiktok_post = svc.posts.find(schedule.id, "tiktok")
    assert tiktok_post.views is None and tiktok_post.views_due_at is None  # TikTok: not asked
    report = svc.analytics.report(OWNER, NOW, NOW + timedelta(days=1))
    assert report.destinations["youtube"].views == 42


def test_tiktok_uploads_beyond_six_a_minute_wait_for_the_window(make_services, stubs, tmp_path):
    _, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    tiktok.now = lambda: clock.now().timestamp()
    schedules = [scheduled(svc, destinations=[{"platform": "tiktok"}]) for _ in range(7)]
    publish(svc, clock)
    found = [svc.posts.find(s.id, "tiktok") for s in schedules]
    waiting = [p for p in found if p.error is not None]
    assert len(tiktok.of("init")) == 6 and len(waiting) == 1  # the stand-in would answer 429
    assert "6 uploads a minute" in waiting[0].error.message
    run_until(svc, clock, PUBLISH_AT + timedelta(minutes=2))
    run_until(svc, clock, PUBLISH_AT + timedelta(minutes=3))
    assert len(tiktok.of("init")) == 7 and len(tiktok.published()) == 7
