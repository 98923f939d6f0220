"""The offline writer follows a story format: its parts in order with about their share of the
scenes, its pacing in the number of scenes, and its look in the style bible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.adapters.offline.writer import OfflineScriptWriter
from common.domain.assets import ScriptRequest
from common.domain.formats import StoryFormat
from common.domain.pacing import scene_count

ROOT = Path(__file__).resolve().parents[2]
BUILTINS = json.loads((ROOT / "common/domain/builtin_templates.json").read_text())["templates"]
FORMATS = {t["id"]: StoryFormat.model_validate(t["settings"]["format"]) for t in BUILTINS}


def write(prompt: str, seconds: int, story_format: StoryFormat | None, language: str = "auto"):
    request = ScriptRequest(
        prompt=prompt, duration_s=seconds, language=language, format=story_format
    )
    return OfflineScriptWriter().write(request)


@pytest.mark.parametrize("format_id", sorted(FORMATS))
def test_scenes_follow_the_format_s_parts_in_order(format_id: str) -> None:
    story_format = FORMATS[format_id]
    story = write("A lighthouse keeper befriends a lonely whale", 60, story_format)
    planned = story_format.plan(len(story.scenes))
    assert [s.beat for s in story.scenes] == [p.beat for p in planned]
    assert story.scenes[0].beat == "hook" and story.scenes[-1].beat == "resolution"
    if story_format.palette:
        assert story.style.palette == story_format.palette
    if story_format.lighting:
        assert story.style.lighting == story_format.lighting[:200]


def test_a_brisk_format_makes_more_shorter_scenes_and_a_slow_one_fewer() -> None:
    brisk = next(f for f in FORMATS.values() if f.pacing == "brisk")
    slow = next(f for f in FORMATS.values() if f.pacing == "slow")
    prompt = "A fox guards a glowing forest"
    assert len(write(prompt, 60, brisk).scenes) > scene_count(60)
    assert len(write(prompt, 60, slow).scenes) < scene_count(60)


def test_no_format_keeps_the_usual_arc() -> None:
    story = write("A fox guards a glowing forest", 30, None)
    assert [s.beat for s in story.scenes][:1] == ["hook"]
    assert len(story.scenes) == scene_count(30)


@pytest.mark.parametrize("language", ["es", "ja", "ko", "zh", "ar"])
def test_a_format_is_followed_in_every_language(language: str) -> None:
    story_format = FORMATS["scary-story"]
    story = write("A fox guards a glowing forest", 45, story_format, language)
    assert story.language == language
    assert [s.beat for s in story.scenes] == [p.beat for p in story_format.plan(len(story.scenes))]
