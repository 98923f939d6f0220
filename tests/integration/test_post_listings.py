"""What a post says: the listing the script writer wrote for each platform, as the creator edited
it before the post (PATCH /v1/projects/{id}/listings), with a schedule's per-destination
overrides (PATCH /v1/schedules/{id}) on top; on the YouTube and TikTok stand-ins through the real
clients."""

from __future__ import annotations

from datetime import timedelta

import pytest

from common.adapters.offline.writer import OfflineScriptWriter
from common.domain.assets import ScriptRequest
from common.services.calendar.scheduling import job_id_for
from tests.integration.test_posting import (
    BOTH,
    OWNER,
    PUBLISH_AT,
    build,
    publish,
    run_until,
    scheduled,
)
from tests.stubs.tiktok_server import tiktok_stub  # noqa: F401
from tests.stubs.youtube_server import youtube_stub  # noqa: F401
from tests.support.api import api_client, installed

AUTH = {"Authorization": f"Bearer dev:{OWNER}"}


@pytest.fixture
def stubs(youtube_stub, tiktok_stub):  # noqa: F811
    return youtube_stub, tiktok_stub


def with_story(svc, schedule):
    """The schedule's project and its done job get the offline writer's story."""
    story = OfflineScriptWriter().write(
        ScriptRequest(prompt="a lighthouse keeper befriends a lonely whale", duration_s=30)
    )
    project = svc.projects.save_story(schedule.project_id, story)
    svc.jobs.mutate(job_id_for(schedule.id), lambda j: setattr(j, "story", story))
    return project


def test_each_platform_gets_the_listing_written_for_it_and_youtube_adds_shorts(
    make_services, stubs, tmp_path
):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc)
    listings = with_story(svc, schedule).story.listings
    publish(svc, clock)
    run_until(svc, clock, PUBLISH_AT + timedelta(seconds=31))

    [video] = youtube.videos.values()
    snippet = video["snippet"]
    assert snippet["title"] == listings.youtube.title
    assert snippet["title"] == "The Lighthouse Keeper and the Lonely Whale"
    assert snippet["description"].startswith(listings.youtube.description)
    assert snippet["description"].endswith(" ".join([*listings.youtube.hashtags, "#Shorts"]))
    assert snippet["tags"] == [t.lstrip("#") for t in listings.youtube.hashtags] + ["Shorts"]
    [published] = tiktok.published()
    caption = published.post_info["title"]
    assert caption.startswith(listings.tiktok.title)
    assert caption.endswith(" ".join(listings.tiktok.hashtags)) and "#Shorts" not in caption


def test_listings_edited_after_the_render_are_what_goes_out(make_services, stubs, tmp_path):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc)
    project = with_story(svc, schedule)
    edit = {
        "revision": project.revision,
        "youtube": {"title": "Nora and the whale that sang back", "hashtags": ["whale song"]},
        "tiktok": {"description": "She hummed. It answered."},
    }
    with installed(svc):
        answer = api_client().patch(f"/v1/projects/{project.id}/listings", json=edit, headers=AUTH)
    assert answer.status_code == 200, answer.get_json()
    edited = answer.get_json()["story"]["listings"]
    assert edited["youtube"]["hashtags"] == ["#WhaleSong"]
    assert edited["youtube"]["description"] == project.story.listings.youtube.description
    publish(svc, clock)
    run_until(svc, clock, PUBLISH_AT + timedelta(seconds=31))

    [video] = youtube.videos.values()
    assert video["snippet"]["title"] == "Nora and the whale that sang back"
    assert video["snippet"]["tags"] == ["WhaleSong", "Shorts"]
    [published] = tiktok.published()
    assert "She hummed. It answered." in published.post_info["title"]


def test_a_listing_edit_a_platform_would_refuse_is_a_400_naming_the_field(
    make_services, stubs, tmp_path
):
    svc, _ = build(make_services, stubs, tmp_path)
    project = with_story(svc, scheduled(svc))
    with installed(svc):
        client = api_client()
        too_long = client.patch(
            f"/v1/projects/{project.id}/listings",
            json={"revision": project.revision, "youtube": {"title": "x" * 101}},
            headers=AUTH,
        )
        stale = client.patch(
            f"/v1/projects/{project.id}/listings",
            json={"revision": project.revision - 1, "tiktok": {"title": "A hook"}},
            headers=AUTH,
        )
        bad_tag = client.patch(
            f"/v1/projects/{project.id}/listings",
            json={"revision": project.revision, "instagram": {"hashtags": ["#", "ok"]}},
            headers=AUTH,
        )
    assert too_long.status_code == 400
    assert "youtube.title" in too_long.get_json()["error"]["fields"]
    assert stale.status_code == 409
    assert bad_tag.status_code == 400
    assert "instagram.hashtags.0" in bad_tag.get_json()["error"]["fields"]
    assert svc.projects.load(project.id).revision == project.revision  # nothing written


def test_a_schedules_destination_overrides_the_listing_and_can_be_changed_until_it_posts(
    make_services, stubs, tmp_path
):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    schedule = scheduled(svc)
    with_story(svc, schedule)
    destinations = [
        {"platform": "youtube", "title": "Episode 1: the whale", "privacy": "unlisted"},
        {"platform": "tiktok", "hashtags": ["#whale", "story time"]},
    ]
    with installed(svc):
        answer = api_client().patch(
            f"/v1/schedules/{schedule.id}", json={"destinations": destinations}, headers=AUTH
        )
    assert answer.status_code == 200, answer.get_json()
    changed = answer.get_json()
    assert changed["publish_at"] == "2026-06-01T10:00:00Z"  # left where it was
    assert changed["destinations"][1]["hashtags"] == ["#whale", "#StoryTime"]
    publish(svc, clock)
    run_until(svc, clock, PUBLISH_AT + timedelta(seconds=31))

    [video] = youtube.videos.values()
    assert video["snippet"]["title"] == "Episode 1: the whale"
    assert video["status"]["privacyStatus"] == "unlisted"
    [published] = tiktok.published()
    assert published.post_info["title"].endswith("#whale #StoryTime")
    with installed(svc):
        closed = api_client().patch(
            f"/v1/schedules/{schedule.id}", json={"destinations": BOTH}, headers=AUTH
        )
    assert closed.status_code == 409  # published: it can no longer change
