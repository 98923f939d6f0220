"""Caption style presets: each preset's ASS style line, how its spoken word is marked (colour,
pop, karaoke \\kf fill), upper case, words per line and position; the styles stored projects
name ("highlight", "plain", "none") written exactly as before presets existed."""

from __future__ import annotations

import re

import pytest

from common.domain.assets import WordTiming
from common.domain.caption_styles import PRESETS, preset
from common.domain.commands import CreateProject, parse
from common.domain.errors import InvalidInputError
from common.media.spec.timeline import Timeline
from common.media.text.captions import (
    ass_colour,
    caption_layout,
    format_ass,
    format_srt,
    format_vtt,
    group_cues,
)

SPOKEN = "the little robot learned to paint the sunset over a quiet sea"
BURNED = [style for style, look in PRESETS.items() if look.burned]


def timeline(style: str, text: str = SPOKEN, width: int = 1080, height: int = 1920) -> Timeline:
    words = [
        WordTiming(text=word, start_s=0.3 * i, end_s=0.3 * i + 0.25)
        for i, word in enumerate(text.split())
    ]
    scene = {"id": "s", "visual": {"kind": "image", "path": "s.png"}, "duration_s": 6.0}
    return Timeline.model_validate(
        {
            "width": width,
            "height": height,
            "caption_style": style,
            "scenes": [scene | {"words": words}],
        }
    )


def ass_of(style: str, text: str = SPOKEN, width: int = 1080, height: int = 1920) -> str:
    layout = caption_layout(width, height, style)
    cues = group_cues(timeline(style, text, width, height), layout)
    return format_ass(cues, layout=layout, font_family="DejaVu Sans", style=style)


def style_of(ass: str) -> dict[str, str]:
    """The style line's fields by the names the script's own Format line gives them."""
    lines = ass.splitlines()
    names = lines[lines.index("[V4+ Styles]") + 1].removeprefix("Format: ").split(", ")
    line = next(line for line in lines if line.startswith("Style: "))
    return dict(zip(names, line.removeprefix("Style: ").split(","), strict=True))


def events_of(ass: str) -> list[str]:
    return [line.split(",", 9)[9] for line in ass.splitlines() if line.startswith("Dialogue:")]


def shown_text(event: str) -> str:
    return re.sub(r"\{[^}]*\}", "", event)


def test_there_are_at_least_five_presets_beyond_the_three_stored_projects_use() -> None:
    assert {"highlight", "plain", "none"} <= set(PRESETS)
    assert len(PRESETS) >= 8
    assert all(look.id == style for style, look in PRESETS.items())


def test_the_highlight_style_line_is_the_one_projects_were_rendered_with_before_presets() -> None:
    line = next(s for s in ass_of("highlight").splitlines() if s.startswith("Style: "))
    assert line == (
        "Style: Caption,DejaVu Sans,81,&H00FFFFFF,&H00FFFFFF,&H00101010,&H99000000,"
        "-1,0,0,0,100,100,0,0,1,7,4,2,86,86,288,1"
    )
    plain = next(s for s in ass_of("plain").splitlines() if s.startswith("Style: "))
    assert plain == line


@pytest.mark.parametrize("style", BURNED)
def test_each_preset_s_style_line_carries_its_weight_size_colours_and_border(style: str) -> None:
    look = preset(style)
    fields = style_of(ass_of(style))
    assert fields["Fontname"] == "DejaVu Sans"  # a preset names a weight, the text a font
    assert fields["Bold"] == ("-1" if look.weight == "bold" else "0")
    assert int(fields["Fontsize"]) == round(look.size * 1920)
    text = ass_colour(look.text_colour)
    assert fields["SecondaryColour"] == text
    if look.spoken == "karaoke":  # the fill goes from the secondary colour to the primary
        assert fields["PrimaryColour"] == ass_colour(look.highlight_colour)
    else:
        assert fields["PrimaryColour"] == text
    border = ass_colour(look.border_colour, look.border_opacity)
    if look.border == "box":  # one box behind the whole line, in the back colour, no outline
        assert (fields["BorderStyle"], fields["BackColour"]) == ("4", border)
        assert fields["OutlineColour"].startswith("&HFF")  # transparent
    else:
        assert (fields["BorderStyle"], fields["OutlineColour"]) == ("1", border)
    assert int(fields["Outline"]) == max(2, round(look.outline * int(fields["Fontsize"])))


def test_presets_sit_where_they_say_clear_of_a_portrait_app_s_buttons() -> None:
    bottom, lower_third, middle = (
        style_of(ass_of(s)) for s in ("highlight", "lower-third", "bold-pop")
    )
    assert (bottom["Alignment"], lower_third["Alignment"], middle["Alignment"]) == ("2", "2", "5")
    assert int(bottom["MarginV"]) >= 0.15 * 1920  # above the apps' bottom controls
    assert int(lower_third["MarginV"]) >= 0.25 * 1920  # a line above the bottom third's floor
    for fields in (bottom, lower_third, middle):
        assert (
            int(fields["MarginL"]) == int(fields["MarginR"]) == round(0.08 * 1080)
        )  # side buttons


def test_ass_colours_are_alpha_blue_green_red() -> None:
    assert ass_colour("#FFD600") == "&H0000D6FF"
    assert ass_colour("#000000", 0.7) == "&H4D000000"


@pytest.mark.parametrize("style", BURNED)
def test_no_line_holds_more_words_than_its_preset_allows(style: str) -> None:
    layout = caption_layout(1080, 1920, style)
    cues = group_cues(timeline(style), layout)
    assert max(len(cue.words) for cue in cues) <= preset(style).words_per_line
    assert [w.text for cue in cues for w in cue.words] == SPOKEN.split()


def test_upper_case_presets_draw_capitals_but_keep_the_subtitle_files_as_spoken() -> None:
    for style in ("bold-pop", "outline"):
        assert preset(style).upper
        drawn = " ".join(shown_text(e) for e in events_of(ass_of(style)))
        assert "ROBOT" in drawn and "robot" not in drawn
    cues = group_cues(timeline("outline"), caption_layout(1080, 1920, "outline"))
    assert "robot" in format_srt(cues) and "robot" in format_vtt(cues)
    assert "ROBOT" not in format_srt(cues)
    assert "robot" in " ".join(shown_text(e) for e in events_of(ass_of("highlight")))


def test_upper_case_never_turns_typed_text_into_an_override_or_a_line_break() -> None:
    drawn = events_of(ass_of("outline", "a \\n and {\\b1} here"))
    assert all("\\N" not in e and "{\\B1}" not in e for e in drawn)


def test_karaoke_writes_one_event_per_line_filling_each_word_until_the_next_starts() -> None:
    layout = caption_layout(1080, 1920, "karaoke")
    cues = group_cues(timeline("karaoke"), layout)
    events = events_of(ass_of("karaoke"))
    assert len(events) == len(cues)
    for cue, event in zip(cues, events, strict=True):
        fills = [int(cs) for cs in re.findall(r"\{\\kf(\d+)\}", event)]
        assert len(fills) == len(cue.words)
        assert fills[:-1] == [30] * (len(fills) - 1)  # words start 0.3 s apart
        assert fills[-1] == 25  # the last fills until it ends
        assert shown_text(event) == cue.text


def test_pop_marks_the_spoken_word_in_its_colour_and_larger_one_event_per_word() -> None:
    look = preset("bold-pop")
    scale = round(look.pop_scale * 100)
    events = events_of(ass_of("bold-pop"))
    assert len(events) == len(SPOKEN.split())
    for event, word in zip(events, SPOKEN.upper().split(), strict=True):
        mark = (
            rf"\{{\\1c{ass_colour(look.highlight_colour)}&\\fscx{scale}\\fscy{scale}\}}"
            + word
            + r"\{\\1c&H00FFFFFF&\\fscx100\\fscy100\}"
        )
        assert re.search(mark, event), event


@pytest.mark.parametrize("style", [s for s in BURNED if preset(s).spoken == "none"])
def test_presets_without_a_spoken_mark_write_one_plain_event_per_line(style: str) -> None:
    events = events_of(ass_of(style))
    assert events and all("{" not in e for e in events)


def test_larger_presets_hold_fewer_words_on_a_line_of_the_same_frame() -> None:
    text = "wonderful adventurous beautiful creatures"
    small = group_cues(timeline("lower-third", text), caption_layout(1080, 1920, "lower-third"))
    big = group_cues(timeline("bold-pop", text), caption_layout(1080, 1920, "bold-pop"))
    assert len(big) > len(small)


@pytest.mark.parametrize("style", ["comic", "HIGHLIGHT", ""])
def test_an_unknown_caption_style_is_a_400_naming_the_field(style: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse(CreateProject, {"prompt": "ok", "settings": {"caption_style": style}})
    assert "settings.caption_style" in info.value.fields


@pytest.mark.parametrize("style", list(PRESETS))
def test_every_preset_is_a_project_setting(style: str) -> None:
    command = parse(CreateProject, {"prompt": "ok", "settings": {"caption_style": style}})
    assert command.settings.caption_style == style
