"""YouTube's scheduled release: a public YouTube post whose video is ready before its time goes
up early, private with `status.publishAt`, so YouTube makes it public on time even when our tick
is late; the post says "scheduled on YouTube for <time>" until then. Cancelling the schedule
takes it back (private for good); its time cannot move. On the YouTube and TikTok stand-ins
through the real clients; the schedule's job is a done job with a generated "video"
(tests/integration/test_posting.py)."""

from __future__ import annotations

from datetime import timedelta

from common.domain.schedule import stamp
from common.services.calendar.scheduling import job_id_for
from tests.integration.test_posting import (
    OWNER,
    PUBLISH_AT,
    build,
    posts,
    run_until,
    scheduled,
)
from tests.integration.test_posting import base_store as base_store
from tests.integration.test_posting import stubs as stubs
from tests.stubs.tiktok_server import tiktok_stub  # noqa: F401
from tests.stubs.youtube_server import youtube_stub  # noqa: F401
from tests.support.api import api_client, installed
from tests.support.platforms import CrashOnce, video_id_recorded

AUTH = {"Authorization": f"Bearer dev:{OWNER}"}
STARTS = PUBLISH_AT - timedelta(hours=1)  # the settings' lead: generation starts an hour before
WHEN = stamp(PUBLISH_AT)


def upload_early(svc, clock):
    """Generation starts, and the next tick finds the video ready: YouTube gets it now."""
    run_until(svc, clock, STARTS)
    run_until(svc, clock, STARTS + timedelta(minutes=1))


def still_making(make_services, stubs, tmp_path):
    """A YouTube schedule whose video is still being made when the scheduler first looks."""
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc, destinations=[{"platform": "youtube"}])
    job_id = job_id_for(schedule.id)
    svc.jobs.mutate(job_id, lambda j: setattr(j, "status", "running"))
    upload_early(svc, clock)
    return svc, clock, schedule, job_id


def test_a_video_ready_early_is_on_youtube_private_until_its_time_then_public_once(
    make_services, stubs, tmp_path
):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc)
    upload_early(svc, clock)

    [video] = youtube.videos.values()
    assert video["status"]["privacyStatus"] == "private"
    assert video["status"]["publishAt"] == WHEN
    assert video["status"]["containsSyntheticMedia"] is True
    early = posts(svc, schedule)
    assert early["tiktok"] is None and tiktok.published() == []  # TikTok posts at the time
    assert early["youtube"].status == "scheduled"
    assert early["youtube"].scheduled_for == PUBLISH_AT
    [shown] = svc.schedules.find(schedule.id).posts
    assert shown.status == "scheduled" and f"scheduled on YouTube for {WHEN}" in shown.note
    assert shown.url == f"https://youtube.com/shorts/{video['id']}"

    run_until(svc, clock, PUBLISH_AT)
    run_until(svc, clock, PUBLISH_AT + timedelta(seconds=31))  # TikTok was still processing
    found = posts(svc, schedule)
    assert {p: x.status for p, x in found.items()} == dict.fromkeys(found, "published")
    assert found["youtube"].posted_at == PUBLISH_AT
    assert found["youtube"].video_id == video["id"]
    assert len(youtube.videos) == 1 and len(youtube.sessions) == 1  # uploaded once


def test_a_scheduled_video_counts_as_published_at_its_time_when_the_tick_comes_late(
    make_services, stubs, tmp_path
):
    youtube, _ = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc, destinations=[{"platform": "youtube"}])
    upload_early(svc, clock)

    run_until(svc, clock, PUBLISH_AT + timedelta(minutes=20))  # the service was down till now
    post = svc.posts.find(schedule.id, "youtube")
    assert post.status == "published"
    assert post.posted_at == PUBLISH_AT  # YouTube made it public on time
    assert len(youtube.videos) == 1
    assert svc.schedules.find(schedule.id).late  # our own publishing was late


def test_a_video_still_being_made_is_looked_at_again_and_goes_up_early_once_ready(
    make_services, stubs, tmp_path
):
    youtube, _ = stubs
    svc, clock, schedule, job_id = still_making(make_services, stubs, tmp_path)
    assert youtube.videos == {}
    waiting = svc.schedules.find(schedule.id)
    assert waiting.status == "generating" and waiting.next_at < PUBLISH_AT  # looked at again

    svc.jobs.mutate(job_id, lambda j: setattr(j, "status", "done"))
    run_until(svc, clock, STARTS + timedelta(minutes=5))
    [video] = youtube.videos.values()
    assert video["status"]["publishAt"] == WHEN
    assert svc.posts.find(schedule.id, "youtube").status == "scheduled"
    assert svc.schedules.find(schedule.id).next_at == PUBLISH_AT  # done looking early


def test_private_unlisted_and_late_videos_wait_for_their_time(make_services, stubs, tmp_path):
    youtube, _ = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    unlisted = scheduled(svc, destinations=[{"platform": "youtube", "privacy": "unlisted"}])
    upload_early(svc, clock)
    assert youtube.videos == {}  # publishAt would make it public: it waits
    assert svc.schedules.find(unlisted.id).next_at == PUBLISH_AT  # and is not looked at early

    run_until(svc, clock, PUBLISH_AT)
    [video] = youtube.videos.values()
    assert video["status"]["privacyStatus"] == "unlisted" and "publishAt" not in video["status"]


def test_a_video_ready_only_minutes_before_its_time_is_posted_at_the_time(
    make_services, stubs, tmp_path
):
    youtube, _ = stubs
    svc, clock, schedule, job_id = still_making(make_services, stubs, tmp_path)
    svc.jobs.mutate(job_id, lambda j: setattr(j, "status", "done"))
    run_until(svc, clock, PUBLISH_AT - timedelta(minutes=4))
    assert youtube.videos == {}

    run_until(svc, clock, PUBLISH_AT)
    [video] = youtube.videos.values()
    assert video["status"]["privacyStatus"] == "public" and "publishAt" not in video["status"]
    assert svc.posts.find(schedule.id, "youtube").status == "published"


def test_cancelling_takes_a_scheduled_video_back_and_nothing_goes_out_at_the_time(
    make_services, stubs, tmp_path
):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc)
    upload_early(svc, clock)
    with installed(svc):
        client = api_client()
        moved = client.patch(
            f"/v1/schedules/{schedule.id}",
            json={"publish_at": (PUBLISH_AT + timedelta(hours=1)).isoformat()},
            headers=AUTH,
        )
        dropped = client.patch(
            f"/v1/schedules/{schedule.id}",
            json={"destinations": [{"platform": "tiktok"}]},
            headers=AUTH,
        )
        cancelled = client.delete(f"/v1/schedules/{schedule.id}", headers=AUTH)
    assert moved.status_code == 409 and "publish_at" in moved.get_json()["error"]["fields"]
    assert dropped.status_code == 409 and "destinations" in dropped.get_json()["error"]["fields"]
    assert cancelled.status_code == 204
    assert svc.queue.wait_idle(60)

    [video] = youtube.videos.values()
    assert video["status"]["privacyStatus"] == "private" and "publishAt" not in video["status"]
    assert video["status"]["containsSyntheticMedia"] is True  # the whole status part was sent
    post = svc.posts.find(schedule.id, "youtube")
    assert post.status == "cancelled" and "kept private" in post.note
    run_until(svc, clock, PUBLISH_AT + timedelta(minutes=1))
    assert len(youtube.videos) == 1 and tiktok.published() == []
    assert svc.posts.find(schedule.id, "tiktok") is None


def test_a_video_whose_id_the_ledger_never_heard_is_still_taken_back_on_cancel(
    make_services,
    stubs,
    tmp_path,
    base_store,
):
    youtube, _ = stubs
    # YouTube made the video; the process died before the ledger heard its id.
    store = CrashOnce(
        base_store,
        video_id_recorded,
    )
    svc, clock = build(make_services, stubs, tmp_path, store=store)
    schedule = scheduled(svc, destinations=[{"platform": "youtube"}])
    upload_early(svc, clock)
    assert store.crashed == 1
    [video] = youtube.videos.values()
    assert svc.posts.find(schedule.id, "youtube").video_id is None

    svc.schedules.cancel(OWNER, schedule.id)
    run_until(svc, clock, STARTS + timedelta(minutes=17))  # the dead attempt's lease ran out
    assert video["status"]["privacyStatus"] == "private" and "publishAt" not in video["status"]
    assert len(youtube.of("status_query")) == 1  # asked the upload session what it made
    post = svc.posts.find(schedule.id, "youtube")
    assert post.status == "cancelled" and "kept private" in post.note
