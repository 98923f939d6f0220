"""Story formats: a recipe writers follow part by part, checked when it is written."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from common.adapters.vertex.script_prompt import script_prompt
from common.domain.assets import ScriptRequest
from common.domain.formats import StoryFormat
from common.domain.pacing import ELEVENLABS_RATES
from common.domain.project import ProjectSettings
from tests.support.formats import a_format


def scary(**changes) -> StoryFormat:
    return a_format(**changes)


def test_every_part_gets_a_scene_and_the_rest_go_by_share_in_order():
    plan = [p.name for p in scary().plan(10)]
    assert plan == ["hook"] * 2 + ["build"] * 4 + ["twist"] * 2 + ["end"] * 2
    assert [p.name for p in scary().plan(4)] == ["hook", "build", "twist", "end"]


def test_too_few_scenes_keep_the_hook_the_ending_and_the_largest_middle_part():
    assert [p.name for p in scary().plan(3)] == ["hook", "build", "end"]
    assert [p.name for p in scary().plan(2)] == ["hook", "end"]
    assert [p.name for p in scary().plan(1)] == ["hook"]


def test_pacing_names_the_clip_length_scenes_prefer():
    assert scary().preferred_clip_s == 8
    assert scary(pacing="brisk").preferred_clip_s == 4


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"palette": ["#fff"]}, "#rrggbb"),
        ({"palette": ["#000000", "#111111"]}, "3 to 8"),
        ({"pacing": "frantic"}, "pacing"),
    ],
)
def test_a_malformed_format_is_refused_naming_why(changes, problem):
    with pytest.raises(ValidationError, match=problem):
        scary(**changes)


def test_part_shares_must_add_up_and_the_story_must_open_on_a_hook_and_close_on_a_resolution():
    parts = scary().model_dump()["parts"]
    with pytest.raises(ValidationError, match="sum to 1"):
        scary(parts=[{**parts[0], "share": 0.5}, *parts[1:]])
    with pytest.raises(ValidationError, match="first part is the hook"):
        scary(parts=list(reversed(parts)))


def test_a_projects_format_reaches_the_script_request_as_data():
    settings = ProjectSettings(format=scary())
    request = ScriptRequest(prompt="A door", duration_s=30, format=settings.format)
    assert request.format is not None and request.format.palette[0] == "#0b0c10"
    assert ScriptRequest.model_validate_json(request.model_dump_json()) == request


def test_gemini_is_told_the_formats_parts_in_order_with_their_scene_counts_and_its_look():
    request = ScriptRequest(prompt="A lighthouse", duration_s=60, format=scary())
    prompt = script_prompt(request, ELEVENLABS_RATES)
    lines = prompt.splitlines()
    parts = [line for line in lines if line[:2] in ("1.", "2.", "3.", "4.")]
    assert [p.split(" (")[0] for p in parts] == ["1. hook", "2. build", "3. twist", "4. end"]
    assert "2. build (development, about 4 scenes): the build" in parts
    assert "Hook: Open on the one detail that is wrong." in lines
    assert "#0b0c10, #1f2833, #c5c6c7" in prompt and "8 s clip holds" in prompt
    free = script_prompt(ScriptRequest(prompt="A lighthouse", duration_s=60), ELEVENLABS_RATES)
    assert "Format:" not in free and "a hook in the first scene" in free


def test_the_built_in_gallery_has_eight_formats_each_a_valid_template_with_a_format():
    import json
    from pathlib import Path

    from common.domain.templates import Template

    data = json.loads(
        (Path(__file__).parents[2] / "common/domain/builtin_templates.json").read_text()
    )
    templates = [Template.model_validate(t) for t in data["templates"]]
    ids = [t.id for t in templates]
    assert len(ids) >= 8 and len(set(ids)) == len(ids)
    wanted = {"scary-story", "fun-facts", "moment-in-history", "motivation", "bedtime-story"}
    assert wanted | {"explainer", "did-you-know", "product-teaser"} <= set(ids)
    for template in templates:
        settings = ProjectSettings.model_validate(template.settings.given())
        assert settings.format is not None and settings.format.id == template.id
