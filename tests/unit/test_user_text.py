"""UserText / UserMultiline: NFC, unsafe characters out, limits on the cleaned text, in every
command that carries user text (including the editor's patches derived from the story)."""

from __future__ import annotations

import pytest

from common.domain.commands import (
    CreateProject,
    InsertScene,
    UpdateProject,
    UpdateScene,
    UpdateStyle,
    parse,
)
from common.domain.errors import InvalidInputError
from common.domain.text import clean_multiline, clean_text

HOSTILE = "A\u202eevil\u202c \x1b[31mred\x07 Cafe\u0301\ud800\ue000 \U0010ffff\u0378 end"


def test_one_line_text_is_normalised_and_stripped():
    assert clean_text(HOSTILE) == "Aevil [31mred Café end"
    assert clean_text(" a\u2028b\u2029c\x85d\r\ne\tf ") == "a b c d e f"
    # Marks, isolates, joiners and emoji are text: they stay.
    kept = "\u200f\u2067עברית\u2069 👩\u200d💻 क्\u200dष"
    assert clean_text(kept) == kept


def test_multiline_text_keeps_line_breaks_and_at_most_one_blank_line():
    assert clean_multiline("\n\n  one  \r\n\r\n\r\n\r\n two\u2028three \x00\n\n") == (
        "one\n\ntwo\nthree"
    )


def test_commands_clean_before_limits_apply():
    padded = " " * 5000 + "a prompt" + "\x00" * 5000
    assert parse(CreateProject, {"prompt": padded}).prompt == "a prompt"
    with pytest.raises(InvalidInputError) as info:
        parse(CreateProject, {"prompt": "\x00\u202e \n\t"})
    assert "prompt" in info.value.fields


@pytest.mark.parametrize(
    ("model", "data", "read"),
    [
        (CreateProject, {"prompt": "p", "title": "T\x1bitle\nline"}, lambda c: c.title),
        (
            CreateProject,
            {"prompt": "p", "settings": {"visual_style": "ink\u202e\nwash"}},
            lambda c: c.settings.visual_style,
        ),
        (UpdateProject, {"title": "T\x1bitle\nline"}, lambda c: c.title),
        (UpdateScene, {"revision": 1, "narration": "Hi\x00\nthere"}, lambda c: c.narration),
        (
            UpdateStyle,
            {"revision": 1, "lighting": "dusk\x07\nglow"},
            lambda c: c.lighting,
        ),
    ],
    ids=["title", "settings-style", "patch-title", "scene-narration", "style-lighting"],
)
def test_every_command_with_text_cleans_it(model, data, read):
    value = read(parse(model, data))
    assert "\x00" not in value and "\x1b" not in value and "\x07" not in value
    assert "\n" not in value and "\u202e" not in value


def test_on_screen_text_keeps_its_line_break():
    command = parse(UpdateScene, {"revision": 0, "on_screen_text": "Day one\r\n\x00The sea"})
    assert command.on_screen_text == "Day one\nThe sea"
    scene = {"narration": "Hi.", "visual_prompt": "sea", "on_screen_text": "a\n\n\n\nb"}
    assert parse(InsertScene, {"revision": 0, "scene": scene}).scene.on_screen_text == "a\n\nb"


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (CreateProject, {"prompt": "x" * 2001}, "prompt"),
        (CreateProject, {"prompt": "p", "title": "t" * 201}, "title"),
        (CreateProject, {"prompt": "p", "settings": {"voice": "v" * 81}}, "settings.voice"),
        (UpdateScene, {"revision": 0, "narration": "n" * 1001}, "narration"),
        (UpdateScene, {"revision": 0, "on_screen_text": "o" * 121}, "on_screen_text"),
    ],
)
def test_overlong_text_is_refused_naming_the_field(model, data, field):
    with pytest.raises(InvalidInputError) as info:
        parse(model, data)
    assert field in info.value.fields
