"""Planned length, quota estimate and rendered length agree, for every duration a creator may ask
for and each script writer: the writers size scenes with common/domain/pacing.py, the estimate
counts the same seconds, and the timeline assembly builds from the stored scene lengths lasts
exactly as long."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.adapters.offline.writer import OfflineScriptWriter
from common.adapters.vertex.script_schema import StoryDraft, StoryProblem, to_story
from common.domain.assets import ScriptRequest
from common.domain.pacing import (
    CLIP_SECONDS,
    CLIP_TRIM_S,
    ELEVENLABS_RATES,
    ESPEAK_RATES,
    LENGTH_TOLERANCE,
    MAX_VIDEO_S,
    MIN_VIDEO_S,
    PADDING_S,
    SpeakingRates,
    planned_length,
    scene_length,
    transition_overlap,
)
from common.domain.project import ProjectSettings
from common.domain.providers import ProviderChoice, ProviderInfo
from common.domain.story import Story
from common.media.spec.timeline import ImageVisual, Timeline, TimelineScene
from common.services.accounts.estimates import estimate_job
from tests.stubs.vertex_server import sample_story

DURATIONS = st.integers(min_value=MIN_VIDEO_S, max_value=MAX_VIDEO_S)
TRANSITIONS = st.sampled_from(["crossfade", "dip", "slide", "cut"])
PROMPTS = st.sampled_from(
    [
        "a lighthouse keeper befriends a lonely whale",
        "a robot learns to paint",
        "一只小猫学会了飞翔",
    ]
)


def narrated_by(rates: SpeakingRates) -> ProviderChoice:
    return ProviderChoice(voice=ProviderInfo(kind="voice", id="v", rates=rates))


def rendered_length(story: Story, rates: SpeakingRates, transition: str) -> float:
    """The timeline assembly builds when every scene is narrated as long as planned: each
    scene lasts the length the narration step stores, overlapping the next by its transition."""
    last = len(story.scenes) - 1
    scenes = [
        TimelineScene(
            id=scene.id,
            visual=ImageVisual(path=Path("k.png")),
            duration_s=scene_length(
                rates.seconds(scene.narration, story.language), transition, last=i == last
            ),
            transition=transition,  # type: ignore[arg-type]
            transition_s=transition_overlap(transition, last=i == last),
        )
        for i, scene in enumerate(story.scenes)
    ]
    return Timeline(width=64, height=64, scenes=scenes).duration_s


def check_agreement(story: Story, duration_s: int, rates: SpeakingRates, transition: str) -> float:
    planned = planned_length([s.narration for s in story.scenes], story.language, rates)
    settings = ProjectSettings(duration_s=duration_s, transition=transition)  # type: ignore[arg-type]
    estimate = estimate_job(settings, story, narrated_by(rates))
    assert estimate.rendered_s == pytest.approx(planned, abs=1e-3)
    assert rendered_length(story, rates, transition) == pytest.approx(planned, abs=1e-6)
    for scene in story.scenes:  # no clip is bought longer than its scene shows (but a 4 s)
        own = rates.seconds(scene.narration, story.language) + PADDING_S
        assert scene.clip_seconds <= own + CLIP_TRIM_S or scene.clip_seconds == CLIP_SECONDS[0]
    return planned


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(duration_s=DURATIONS, prompt=PROMPTS, seed=st.integers(0, 50), transition=TRANSITIONS)
def test_offline_stories_last_what_was_asked_every_count_agrees_and_clips_fit_the_video(
    duration_s, prompt, seed, transition
):
    request = ScriptRequest(prompt=prompt, duration_s=duration_s, seed=seed)
    for rates in (ESPEAK_RATES, ELEVENLABS_RATES):  # sized for whichever narrator speaks
        story = OfflineScriptWriter(rates=rates).write(request)
        planned = check_agreement(story, duration_s, rates, transition)
        assert planned == pytest.approx(duration_s, rel=0.15)
        # All in AI clips, the video is billed at most 5% more Veo seconds than it lasts.
        assert sum(s.clip_seconds for s in story.scenes) <= 1.05 * planned


@st.composite
def gemini_drafts(draw: st.DrawFn, duration_s: int) -> StoryDraft:
    """What Gemini might answer for `duration_s`: some scenes of some words each, any clip
    length, the whole between half and nearly twice the asked length."""
    data = sample_story(2)
    template = data["scenes"][0]
    count = draw(st.integers(max(1, duration_s // 10), max(1, min(60, duration_s // 3))))
    words = duration_s * draw(st.floats(0.5, 1.9)) * ELEVENLABS_RATES.rate("en") * 0.8
    scenes = []
    for i in range(count):
        n = max(1, round(words / count * draw(st.floats(0.6, 1.4))))
        narration = " ".join(f"word{i}x{w}" for w in range(n)) + "."
        clip = draw(st.sampled_from(["4", "6", "8"]))
        scenes.append({**template, "narration": narration, "clip_seconds": clip})
    return StoryDraft.model_validate({**data, "scenes": scenes})


@settings(max_examples=60, deadline=None)
@given(data=st.data(), duration_s=DURATIONS, transition=TRANSITIONS)
def test_a_gemini_story_is_accepted_only_near_the_asked_length_and_every_count_agrees(
    data, duration_s, transition
):
    draft = data.draw(gemini_drafts(duration_s))
    request = ScriptRequest(prompt="p", duration_s=duration_s, language="en")
    try:
        story = to_story(draft, request, ELEVENLABS_RATES)
    except StoryProblem as problem:
        assert "the narration runs about" in str(problem)
        planned = planned_length([s.narration for s in draft.scenes], "en", ELEVENLABS_RATES)
        low, high = LENGTH_TOLERANCE
        assert not low * duration_s <= planned <= high * duration_s
        return
    planned = check_agreement(story, duration_s, ELEVENLABS_RATES, transition)
    low, high = LENGTH_TOLERANCE
    assert low * duration_s <= planned <= high * duration_s
