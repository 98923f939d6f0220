"""JSON bodies keep JSON's types: no `true` for a number, no `0` or `"yes"` for a boolean, no
`"5"` for a number; query strings (plain dicts of text) still convert."""

from __future__ import annotations

import pytest

from common.domain.commands import CreateProject, DeleteScene, InsertScene, parse
from common.domain.errors import InvalidInputError
from common.domain.strict_json import JsonObject


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"prompt": "p", "settings": {"seed": False}}, "settings.seed", "number"),
        ({"prompt": "p", "settings": {"duration_s": "30"}}, "settings.duration_s", "number"),
        ({"prompt": "p", "settings": {"music": 0}}, "settings.music", "true or false"),
        ({"prompt": "p", "settings": {"music": "yes"}}, "settings.music", "true or false"),
    ],
    ids=["bool-for-int", "string-for-int", "int-for-bool", "string-for-bool"],
)
def test_json_bodies_refuse_what_lax_mode_would_convert(data, field, message):
    with pytest.raises(InvalidInputError) as info:
        parse(CreateProject, JsonObject(data))
    assert message in info.value.fields[field]


def test_nested_lists_of_models_are_checked_too():
    scene = {"narration": "n", "visual_prompt": "v", "clip_seconds": True}
    with pytest.raises(InvalidInputError) as info:
        parse(InsertScene, JsonObject({"revision": 0, "index": True, "scene": scene}))
    assert set(info.value.fields) >= {"index", "scene.clip_seconds"}


def test_query_strings_still_convert_but_never_booleans_for_numbers():
    assert parse(DeleteScene, {"revision": "3"}).revision == 3
    with pytest.raises(InvalidInputError, match="revision"):
        parse(DeleteScene, {"revision": True})


def test_well_typed_json_passes():
    data = {"prompt": "p", "settings": {"seed": 3, "music": True, "duration_s": 12.0}}
    assert parse(CreateProject, JsonObject(data)).settings.seed == 3
