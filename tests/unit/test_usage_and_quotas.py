"""Usage events, credit and daily limits: one debit per provider call, refusals with the
shortfall, holds that keep two jobs from spending the same credit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.config import Settings
from common.domain.job import Job
from common.domain.pacing import ELEVENLABS_RATES
from common.domain.project import ProjectSettings
from common.domain.providers import PriceModel, ProviderChoice, ProviderInfo
from common.domain.quota import (
    ACCOUNTS,
    Estimate,
    InsufficientCreditsError,
    QuotaExceededError,
)
from common.domain.story import Scene, Story, StyleBible
from common.domain.usage import COLLECTION, Charge, usage_event_id
from common.services.accounts.estimates import estimate_job, estimate_render, estimate_start
from common.services.accounts.quotas import Quotas
from common.services.accounts.usage import UsageRecorder


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.t


@pytest.fixture
def world(tmp_path):
    store = SqliteDocumentStore(tmp_path / "db.sqlite3")
    clock = Clock()
    settings = Settings.from_env(
        {}, data_dir=tmp_path, credit_grant_usd=10.0, daily_videos=3, daily_veo_s=20
    )
    return (
        store,
        clock,
        settings,
        Quotas(store, clock, settings),
        UsageRecorder(store, clock, settings),
    )


def a_job(job_id: str, owner: str = "ann", duration_s: int = 10) -> Job:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    return Job(
        id=job_id,
        owner=owner,
        project_id="p1",
        settings=ProjectSettings(duration_s=duration_s),
        created_at=now,
        updated_at=now,
    )


def veo_charge(seconds: float = 8, key: str = "cache/clips/abc.json") -> Charge:
    return Charge(
        stage="clip",
        scene_id="s01",
        provider="veo/veo-3.1-fast-generate-001",
        units=seconds,
        unit="second",
        usd=seconds * 0.15,
        key=key,
        quota="video_seconds",
    )


def test_the_same_call_recorded_twice_is_one_event_one_cost_line_and_one_debit(world):
    store, _, _, quotas, usage = world
    quotas.admit(a_job("j1"), Estimate(usd=2.0, rendered_s=10, veo_s=8))

    assert usage.record("j1", veo_charge()) is True
    assert usage.record("j1", veo_charge()) is False  # a retried step reports it again

    events = store.query(COLLECTION)
    assert len(events) == 1
    event = events[0].data
    assert event["id"] == usage_event_id("j1", "clip", "s01", event["provider"], event["key"])
    assert (event["owner"], event["project_id"], event["job_id"]) == ("ann", "p1", "j1")
    assert (event["stage"], event["scene_id"], event["unit"]) == ("clip", "s01", "second")
    assert event["units"] == 8 and event["usd"] == pytest.approx(1.2)
    assert event["at"].startswith("2026-03-01T23:00:00")
    job = store.get("jobs", "j1").data
    assert job["cost"]["veo/veo-3.1-fast-generate-001"]["actual_usd"] == pytest.approx(1.2)
    view = quotas.view("ann")
    assert view.balance_usd == pytest.approx(8.8)
    assert view.spent_usd == pytest.approx(1.2)
    assert view.held_usd == pytest.approx(0.8)  # the estimate less what the job spent
    assert view.today.veo_s == 8 and view.today.usd == pytest.approx(1.2)


def test_different_inputs_are_different_events_and_add_up_on_the_job(world):
    store, _, _, quotas, usage = world
    quotas.admit(a_job("j1"), Estimate(usd=0, rendered_s=10, veo_s=0))
    usage.record("j1", veo_charge(key="cache/clips/a.json"))
    usage.record("j1", veo_charge(key="cache/clips/b.json"))
    assert len(store.query(COLLECTION)) == 2
    line = store.get("jobs", "j1").data["cost"]["veo/veo-3.1-fast-generate-001"]
    assert line["units"] == 16 and line["actual_usd"] == pytest.approx(2.4)


def test_usage_of_a_job_that_does_not_exist_is_refused(world):
    *_, usage = world
    from common.domain.errors import NotFoundError

    with pytest.raises(NotFoundError):
        usage.record("missing", veo_charge())


def test_a_job_estimated_above_the_available_credit_is_refused_with_the_shortfall(world):
    store, _, _, quotas, _ = world
    quotas.admit(a_job("j1"), Estimate(usd=7.0, rendered_s=10, veo_s=0))

    with pytest.raises(InsufficientCreditsError) as caught:
        quotas.admit(a_job("j2"), Estimate(usd=4.0, rendered_s=10, veo_s=0))

    assert caught.value.code == "insufficient_credits"
    assert caught.value.fields == {
        "estimated_usd": "4.00",
        "available_usd": "3.00",
        "shortfall_usd": "1.00",
    }
    assert store.get("jobs", "j2") is None  # refused jobs are never created
    assert quotas.view("ann").today.videos == 1


def test_a_finished_jobs_hold_is_released(world):
    store, _, _, quotas, _ = world
    quotas.admit(a_job("j1"), Estimate(usd=7.0, rendered_s=10, veo_s=0))
    store.update("jobs", "j1", {"status": "done"})

    quotas.admit(a_job("j2"), Estimate(usd=9.0, rendered_s=10, veo_s=0))

    assert set(store.get(ACCOUNTS, "ann").data["holds"]) == {"j2"}


def test_daily_limits_refuse_the_next_video_naming_the_limit(world):
    _, clock, _, quotas, _ = world
    for n in range(3):
        quotas.admit(a_job(f"j{n}"), Estimate(usd=0, rendered_s=10, veo_s=0))

    with pytest.raises(QuotaExceededError) as caught:
        quotas.admit(a_job("j9"), Estimate(usd=0, rendered_s=10, veo_s=0))
    assert caught.value.code == "quota_exceeded"
    assert "videos" in caught.value.fields

    clock.t += timedelta(hours=2)  # a new UTC day
    quotas.admit(a_job("j9"), Estimate(usd=0, rendered_s=10, veo_s=0))


def test_veo_seconds_used_today_count_against_the_veo_limit(world):
    _, _, _, quotas, usage = world
    quotas.admit(a_job("j1"), Estimate(usd=0, rendered_s=10, veo_s=8))
    usage.record("j1", veo_charge(16))

    with pytest.raises(QuotaExceededError) as caught:
        quotas.admit(a_job("j2"), Estimate(usd=0, rendered_s=10, veo_s=8))
    assert set(caught.value.fields) == {"veo_s"}


def test_offline_providers_estimate_nothing_but_still_count_seconds():
    estimate = estimate_job(ProjectSettings(duration_s=30), None, ProviderChoice())
    assert estimate.usd == 0 and estimate.veo_s == 0
    assert estimate.rendered_s == 30


def paid() -> ProviderChoice:
    def info(kind, unit, usd, quota="metered", **extra):
        return ProviderInfo(
            kind=kind, id="paid", price=PriceModel(unit=unit, usd_per_unit=usd), quota=quota,
            **extra,
        )  # fmt: skip

    return ProviderChoice(
        script=info("script", "call", 0.02),
        images=info("images", "image", 0.04),
        video=info("video", "second", 0.15, "video_seconds"),
        voice=info("voice", "char", 0.10 / 1000, rates=ELEVENLABS_RATES),
    )


def test_a_paid_estimate_bounds_every_stage_and_uses_the_story_once_written():
    before = estimate_job(ProjectSettings(duration_s=30), None, paid())
    assert set(before.lines) == {"script", "references", "keyframe", "narration", "clip"}
    assert before.veo_s == 30 * 1.5 + 8  # the longest story a writer may return, one clip more
    assert before.usd == pytest.approx(sum(before.lines.values()))

    after = estimate_job(ProjectSettings(duration_s=30), two_scenes(), paid())
    assert "script" not in after.lines
    assert after.veo_s == 12
    assert after.lines["narration"] == pytest.approx(150 / 1000 * 0.10)
    assert after.usd < before.usd
    assert after.scenes == pytest.approx(
        {"s1": 0.04 + 100 / 1000 * 0.10 + 8 * 0.15, "s2": 0.04 + 50 / 1000 * 0.10 + 4 * 0.15}
    )
    assert sum(after.scenes.values()) + after.lines["references"] == pytest.approx(after.usd)


def two_scenes(**changes) -> Story:
    first = Scene(id="s1", beat="hook", narration="x" * 100, visual_prompt="a", clip_seconds=8)
    second = Scene(
        id="s2", beat="resolution", narration="y" * 50, visual_prompt="b", clip_seconds=4
    )
    return Story(
        title="t",
        style=StyleBible(visual_style="ink", palette=["#112233", "#445566", "#778899"]),
        scenes=[first, second.model_copy(update=changes)],
    )


def test_only_ai_scenes_ask_the_video_provider_and_uploads_paint_no_keyframe():
    story = two_scenes(clip_source="upload", upload_id="u" + "0" * 24)
    estimate = estimate_job(ProjectSettings(duration_s=30), story, paid())
    assert estimate.veo_s == 8
    assert estimate.scenes["s2"] == pytest.approx(50 / 1000 * 0.10)


def test_the_rendered_seconds_follow_the_story_at_the_narrators_rate_not_the_setting():
    words = " ".join(["word"] * 25)  # ten seconds at 2.5 words a second
    story = Story(
        title="t",
        style=StyleBible(visual_style="ink", palette=["#112233", "#445566", "#778899"]),
        scenes=[
            Scene(id=f"s{i}", beat="hook", narration=words, visual_prompt="v") for i in range(6)
        ],
    )
    estimate = estimate_job(ProjectSettings(duration_s=10), story, paid())
    assert estimate.rendered_s == pytest.approx(6 * (10 + 0.8), abs=0.1)


def test_script_and_storyboard_jobs_are_admitted_for_what_they_make_and_count_no_video(world):
    _, _, _, quotas, _ = world
    settings = ProjectSettings(duration_s=30)
    script = estimate_start("script", settings, None, paid())
    assert script.lines == {"script": 0.02} and script.usd == 0.02
    board = estimate_start("storyboard", settings, None, paid())
    assert set(board.lines) == {"script", "references", "keyframe"}
    voiced = estimate_start("storyboard", settings, None, paid(), narrate=True)
    assert set(voiced.lines) == {"script", "references", "keyframe", "narration"}
    assert (board.rendered_s, board.veo_s, board.videos) == (0, 0, 0)

    for n in range(5):  # the daily limit is 3 videos; these are none
        assert quotas.admit(a_job(f"b{n}"), board).counted.videos == 0
    free = estimate_start("generate", settings, None, ProviderChoice())
    assert quotas.admit(a_job("v1"), free).counted.videos == 1


def test_a_render_estimate_counts_per_scene_only_what_is_not_made_yet():
    story = Story(
        title="t",
        style=StyleBible(visual_style="ink", palette=["#112233", "#445566", "#778899"]),
        scenes=[
            Scene(id="s1", beat="hook", narration="x" * 100, visual_prompt="a", clip_seconds=8),
            Scene(id="s2", beat="development", narration="y" * 50, visual_prompt="b",
                  clip_source="kenburns"),
            Scene(id="s3", beat="resolution", narration="z" * 10, visual_prompt="c",
                  clip_source="upload", upload_id="u" + "0" * 24, clip_seconds=4),
        ],
    )  # fmt: skip
    made = {"s1": ["keyframe"], "s2": ["keyframe", "narration"]}
    estimate = estimate_render(story, paid(), made)

    assert estimate.scenes["s1"] == pytest.approx(100 / 1000 * 0.10 + 8 * 0.15)
    assert estimate.scenes["s2"] == 0  # picture and voice made, Ken Burns motion: free
    assert estimate.scenes["s3"] == pytest.approx(10 / 1000 * 0.10)  # an upload: no picture
    assert estimate.total_usd == pytest.approx(sum(estimate.scenes.values()))
    assert estimate.lines["clip"] == pytest.approx(8 * 0.15)
