"""Pacing: one source of speaking rates, padding, clip lengths, scene counts and lengths."""

from __future__ import annotations

import pytest

from common.domain.pacing import (
    CLIP_TRIM_S,
    ELEVENLABS_RATES,
    ESPEAK_RATES,
    FPS,
    MAX_VIDEO_S,
    MIN_VIDEO_S,
    PADDING_S,
    clip_for,
    held_s,
    narration_for,
    planned_length,
    scene_count,
    scene_length,
    speech_units,
    video_length,
)
from common.domain.project import ProjectSettings


def test_a_clip_is_the_longest_its_scene_covers_so_no_second_is_bought_that_is_not_shown():
    # narration -> scene's own time (+0.8 s padding) -> the longest clip within it (+0.2 s)
    narrations = (1.0, 3.0, 4.9, 5.0, 6.9, 7.0, 7.2, 12.0)
    assert [clip_for(s) for s in narrations] == [4, 4, 4, 6, 6, 8, 8, 8]
    assert [narration_for(c) for c in (4, 6, 8)] == pytest.approx([3.2, 5.2, 7.2])
    for narration in (3.2, 3.7, 4.4, 5.1, 6.3, 7.2):  # billed within 5% of a scene of 4 s+
        assert clip_for(narration) <= 1.05 * (narration + PADDING_S)
        assert -CLIP_TRIM_S <= held_s(narration) < 2.0 or clip_for(narration) == 4


def test_speech_is_counted_in_characters_for_unspaced_scripts_and_in_words_otherwise():
    assert speech_units("one two three four five", "en") == 5
    assert speech_units("灯塔守护者遇见了鲸鱼", "zh-CN") == 10
    assert speech_units("灯塔 AI 守护者", "zh") == 6  # five characters and one word
    assert speech_units("uno dos tres", "es-MX") == 3


def test_each_narrator_speaks_at_its_own_rate():
    assert ELEVENLABS_RATES.seconds("one two three four five", "en") == pytest.approx(2.0)
    assert ELEVENLABS_RATES.seconds("灯塔守护者遇见了鲸鱼", "zh") == pytest.approx(10 / 4.0)
    assert ELEVENLABS_RATES.seconds("uno dos tres", "es-MX") == pytest.approx(1.2)
    assert ESPEAK_RATES.seconds("one two three", "en") == pytest.approx(3 / 2.85)
    assert ESPEAK_RATES.seconds("灯塔守护者", "zh") == pytest.approx(5 / 3.35)


@pytest.mark.parametrize(
    ("duration_s", "scenes"), [(10, 2), (15, 3), (21, 4), (30, 5), (33, 6), (180, 30)]
)
def test_about_one_scene_per_six_seconds_halves_rounding_up(duration_s, scenes):
    assert scene_count(duration_s) == scenes


def test_the_project_allows_the_video_lengths_pacing_allows():
    bounds = ProjectSettings.model_fields["duration_s"].metadata
    assert {getattr(b, "ge", None) for b in bounds} >= {MIN_VIDEO_S}
    assert {getattr(b, "le", None) for b in bounds} >= {MAX_VIDEO_S}


def test_a_scene_lasts_whole_frames_of_padding_narration_and_transition():
    length = scene_length(2.01, "crossfade", last=False)
    assert length * FPS == pytest.approx(round(length * FPS))
    assert length == pytest.approx(0.3 + 2.0 + 0.5 + 0.5, abs=1 / FPS)


def test_no_transition_is_added_before_a_cut_or_after_the_last_scene():
    spoken = scene_length(2.0, "cut", last=False)
    assert scene_length(2.0, "crossfade", last=True) == spoken
    assert scene_length(2.0, "crossfade", last=False) == pytest.approx(spoken + 0.5)


def test_the_video_counts_each_scenes_spoken_length_once():
    assert video_length([2.0, 3.0]) == pytest.approx(0.8 * 2 + 5.0)
    narrations = ["one two three four five", "six seven"]
    assert planned_length(narrations, "en", ELEVENLABS_RATES) == pytest.approx(
        video_length([2.0, 0.8])
    )
