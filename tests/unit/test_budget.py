"""A project's budget (settings.budget_usd): the story as rendered keeps AI clips for the scenes
that matter most, the hook first, while the whole job stays within the budget; a budget below
the cheapest video is refused naming the field and that price."""

from __future__ import annotations

import pytest

from common.adapters.offline.writer import OfflineScriptWriter
from common.domain.assets import ScriptRequest
from common.domain.errors import InvalidInputError
from common.domain.pacing import ELEVENLABS_RATES
from common.domain.project import ProjectSettings
from common.domain.providers import PriceModel, ProviderChoice, ProviderInfo
from common.domain.story import Story
from common.services.accounts.estimates import (
    IMPORTANCE,
    cheapest_usd,
    check_budget,
    estimate_job,
    within_budget,
)

# Vertex and ElevenLabs at list prices (common/domain/model_catalogue.py): Gemini text and
# image, Veo 3.1 Fast, ElevenLabs multilingual.
VERTEX = ProviderChoice(
    script=ProviderInfo(
        kind="script", id="gemini", price=PriceModel(unit="call", usd_per_unit=0.02)
    ),
    images=ProviderInfo(
        kind="images", id="gemini", price=PriceModel(unit="image", usd_per_unit=0.04)
    ),
    video=ProviderInfo(
        kind="video", id="veo", price=PriceModel(unit="second", usd_per_unit=0.15),
        quota="video_seconds",
    ),
    voice=ProviderInfo(
        kind="voice", id="elevenlabs", price=PriceModel(unit="char", usd_per_unit=0.0001),
        rates=ELEVENLABS_RATES,
    ),
)  # fmt: skip


@pytest.fixture(scope="module")
def story() -> Story:
    writer = OfflineScriptWriter(rates=ELEVENLABS_RATES)
    request = ScriptRequest(prompt="A lighthouse keeper befriends a lonely whale", duration_s=30)
    return writer.write(request)


def job_usd(story: Story, budget: float | None) -> float:
    """What the whole job is estimated to cost: its script and the story as budgeted."""
    settings = ProjectSettings(budget_usd=budget)
    return VERTEX.script.price.cost(1) + estimate_job(settings, story, VERTEX).usd


def test_without_a_budget_every_ai_clip_is_kept(story: Story) -> None:
    assert within_budget(story, None, VERTEX) is story
    assert within_budget(story, 100.0, VERTEX) is story
    assert job_usd(story, None) == pytest.approx(job_usd(story, 100.0))


@pytest.mark.parametrize("budget", [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0])
def test_any_budget_from_a_dollar_is_honoured_within_two_percent(story: Story, budget: float):
    budgeted = within_budget(story, budget, VERTEX)
    assert job_usd(story, budget) <= budget * 1.02
    # The room left could not buy the shortest clip for a scene that went to Ken Burns, nor
    # the clip a shortened one was written for: the budget is used.
    left = budget - job_usd(story, budget)
    for before, after in zip(story.scenes, budgeted.scenes, strict=True):
        if after.clip_source == "kenburns":
            assert VERTEX.video.price.cost(4) > left
        elif after.clip_seconds < before.clip_seconds:
            assert VERTEX.video.price.cost(before.clip_seconds - after.clip_seconds) > left
    assert [s.id for s in budgeted.scenes] == [s.id for s in story.scenes]


def test_ai_clips_go_to_the_scenes_that_matter_most_the_hook_first(story: Story) -> None:
    hook = story.scenes[0]
    assert hook.beat == "hook"
    budget = cheapest_usd(story, VERTEX) + VERTEX.video.price.cost(hook.clip_seconds)
    budgeted = within_budget(story, budget, VERTEX)
    assert [s.clip_source for s in budgeted.scenes] == ["ai"] + ["kenburns"] * (
        len(story.scenes) - 1
    )
    # Short of the hook's own clip, it gets the shortest one rather than none.
    tight = within_budget(story, budget - 0.01, VERTEX)
    assert (tight.scenes[0].clip_source, tight.scenes[0].clip_seconds) == ("ai", 4)
    # With more room, the next clips go by importance (turn, resolution, development; each part
    # in order): no scene keeps a clip while a more important one is shown with Ken Burns.
    roomier = within_budget(story, budget + 1.0, VERTEX)
    rank = {s.id: (IMPORTANCE[s.beat], i) for i, s in enumerate(story.scenes)}
    kept = [rank[s.id] for s in roomier.scenes if s.clip_source == "ai"]
    dropped = [rank[s.id] for s in roomier.scenes if s.clip_source == "kenburns"]
    assert len(kept) > 1 and dropped
    assert max(kept) < min(dropped)


def test_a_budget_below_the_cheapest_video_is_refused_naming_the_field_and_the_price(
    story: Story,
) -> None:
    cheapest = cheapest_usd(story, VERTEX)
    with pytest.raises(InvalidInputError) as info:
        within_budget(story, cheapest - 0.05, VERTEX)
    assert f"${-(-cheapest * 100 // 1) / 100:.2f}" in info.value.fields["settings.budget_usd"]
    # At the cheapest price exactly: every scene in Ken Burns.
    bare = within_budget(story, cheapest, VERTEX)
    assert {s.clip_source for s in bare.scenes} == {"kenburns"}


def test_a_project_written_with_a_budget_below_any_video_of_its_length_is_refused() -> None:
    problems = check_budget(ProjectSettings(duration_s=60, budget_usd=0.1), VERTEX)
    assert "settings.budget_usd" in problems and "$0.42" in problems["settings.budget_usd"]
    assert check_budget(ProjectSettings(duration_s=60, budget_usd=1.0), VERTEX) == {}
    assert check_budget(ProjectSettings(duration_s=60), VERTEX) == {}


def test_an_unwritten_story_is_held_for_no_more_clips_than_its_budget_leaves_room_for() -> None:
    free = estimate_job(ProjectSettings(duration_s=30), None, VERTEX)
    capped = estimate_job(ProjectSettings(duration_s=30, budget_usd=2.0), None, VERTEX)
    assert capped.usd <= 2.0 + 1e-9 < free.usd
    assert capped.veo_s < free.veo_s
