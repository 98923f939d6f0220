"""Caption cues: grouping, absolute times, and the SRT, WebVTT and ASS they are written as."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.domain.assets import WordTiming
from common.domain.errors import MediaError
from common.media.spec.timeline import Timeline
from common.media.text.captions import (
    caption_layout,
    format_ass,
    format_srt,
    format_vtt,
    group_cues,
    join_words,
    srt_time,
    text_width_px,
    vtt_time,
    write_captions,
)
from common.media.text.fonts import FontFace, choose_fonts, drop_uncovered_symbols, font_runs


def words(*texts: str, step: float = 0.3, gap: float = 0.05, start: float = 0.0) -> list[dict]:
    """Evenly spaced words: each lasts `step - gap`, the next starts `step` later."""
    return [
        WordTiming(text=t, start_s=start + i * step, end_s=start + i * step + step - gap)
        for i, t in enumerate(texts)
    ]


def timeline(*scenes: dict, width: int = 1080, height: int = 1920, **kw: object) -> Timeline:
    full = []
    for i, scene in enumerate(scenes):
        full.append(
            {
                "id": f"s{i}",
                "visual": {"kind": "image", "path": f"s{i}.png"},
                "duration_s": 4.0,
                **scene,
            }
        )
    return Timeline.model_validate({"width": width, "height": height, "scenes": full, **kw})


def test_cues_hold_two_to_four_words_in_balanced_groups() -> None:
    text = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    cues = group_cues(timeline({"words": words(*text)}))
    assert [len(c.words) for c in cues] == [4, 3, 3]
    assert " ".join(c.text for c in cues) == " ".join(text)


def test_five_words_split_three_and_two_rather_than_leaving_one_alone() -> None:
    cues = group_cues(timeline({"words": words("a1", "b2", "c3", "d4", "e5")}))
    assert [len(c.words) for c in cues] == [3, 2]


def test_cue_breaks_after_punctuation() -> None:
    spoken = words("Once", "upon", "a", "time,", "a", "fox", "slept.", "Then", "rain")
    cues = group_cues(timeline({"words": spoken}))
    assert [c.text for c in cues] == ["Once upon a time,", "a fox slept.", "Then rain"]


def test_cue_breaks_at_a_pause_longer_than_four_tenths_of_a_second() -> None:
    spoken = [
        WordTiming(text="Wait", start_s=0.0, end_s=0.3),
        WordTiming(text="for", start_s=0.35, end_s=0.5),
        WordTiming(text="it", start_s=1.0, end_s=1.2),  # 0.5 s pause before
        WordTiming(text="now", start_s=1.25, end_s=1.5),
    ]
    cues = group_cues(timeline({"words": spoken}))
    assert [c.text for c in cues] == ["Wait for", "it now"]


def test_cue_times_are_the_absolute_times_of_their_first_and_last_words() -> None:
    tl = timeline(
        {"words": words("first", "scene"), "transition_s": 0.5},
        {"words": words("second", "scene", "words"), "narration_offset_s": 0.25},
    )
    cues = group_cues(tl)
    first, second = tl.scenes[0].words, tl.scenes[1].words
    assert (cues[0].start_s, cues[0].end_s) == (first[0].start_s, first[-1].end_s)
    base = tl.starts()[1] + 0.25  # scene start (4.0 - 0.5) + narration offset
    assert base == 3.75
    assert cues[1].start_s == base + second[0].start_s
    assert cues[1].end_s == base + second[-1].end_s


def test_cues_never_overlap_the_next_cue() -> None:
    spoken = [
        WordTiming(text="a", start_s=0.0, end_s=0.2),
        WordTiming(text="b.", start_s=0.2, end_s=1.5),  # ends after the next word starts
        WordTiming(text="c", start_s=1.0, end_s=1.2),
        WordTiming(text="d", start_s=1.2, end_s=1.4),
    ]
    cues = group_cues(timeline({"words": spoken}))
    assert [(c.start_s, c.end_s) for c in cues] == [(0.0, 1.0), (1.0, 1.4)]


def test_no_line_is_wider_than_eighty_percent_of_the_frame() -> None:
    long = ["extraordinarily", "uncharacteristic", "circumstances", "notwithstanding"]
    tl = timeline({"words": words(*long)}, width=360, height=640)
    layout = caption_layout(360, 640)
    cues = group_cues(tl, layout)
    assert len(cues) > 1
    for cue in cues:
        assert len(cue.words) == 1 or text_width_px(cue.text, layout.font_size) <= 0.8 * 360


def test_chinese_words_are_joined_without_spaces_and_grouped_by_characters() -> None:
    spoken = words("从前", "有", "一只", "小狐狸", "住在", "森林", "里", "每天", "看", "月亮")
    cues = group_cues(timeline({"words": spoken}, width=360, height=640))
    assert "".join(c.text for c in cues) == "从前有一只小狐狸住在森林里每天看月亮"
    assert all(" " not in c.text for c in cues)
    assert all(len(c.text) <= 12 for c in cues)
    assert len(cues) >= 2


def test_mixed_scripts_keep_spaces_only_where_latin_needs_them() -> None:
    assert join_words(["你好", "世界", "2024", "year"]) == "你好世界 2024 year"


def test_srt_numbers_cues_and_uses_comma_milliseconds() -> None:
    cues = group_cues(timeline({"words": words("Hello", "there.", "General", "Kenobi")}))
    assert format_srt(cues) == (
        "1\n00:00:00,000 --> 00:00:00,550\nHello there.\n"
        "\n"
        "2\n00:00:00,600 --> 00:00:01,150\nGeneral Kenobi\n"
    )


def test_vtt_has_a_header_dot_milliseconds_and_escaped_markup() -> None:
    cues = group_cues(timeline({"words": words("Tom", "&", "<Jerry>")}))
    assert format_vtt(cues) == "WEBVTT\n\n00:00:00.000 --> 00:00:00.850\nTom &amp; &lt;Jerry&gt;\n"


def test_timestamps_round_to_the_millisecond_and_roll_over_hours() -> None:
    assert srt_time(3661.2344) == "01:01:01,234"
    assert vtt_time(59.9996) == "00:01:00.000"


def test_cues_are_ordered_by_time_across_scenes() -> None:
    tl = timeline({"words": words("a", "b.", "c", "d")}, {"words": words("e", "f")})
    starts = [c.start_s for c in group_cues(tl)]
    assert starts == sorted(starts)
    srt_times = re.findall(r"^(\S+) -->", format_srt(group_cues(tl)), flags=re.M)
    assert srt_times == sorted(srt_times)


def test_highlight_ass_has_one_event_per_word_with_that_word_coloured() -> None:
    cues = group_cues(timeline({"words": words("one", "two", "three")}))
    layout = caption_layout(1080, 1920)
    ass = format_ass(cues, layout=layout, font_family="DejaVu Sans", style="highlight")
    events = [line for line in ass.splitlines() if line.startswith("Dialogue:")]
    assert len(events) == 3
    for event, active in zip(events, ("one", "two", "three"), strict=True):
        assert re.search(r"\{\\1c&H[0-9A-F]{8}&\}" + active + r"\{", event)
    # Each word's event runs until the next word starts (written 10 ms early, see captions.py).
    assert events[0].split(",")[1:3] == ["0:00:00.00", "0:00:00.29"]
    assert events[1].split(",")[1:3] == ["0:00:00.29", "0:00:00.59"]


def test_plain_ass_has_one_event_per_cue_without_colour_overrides() -> None:
    cues = group_cues(timeline({"words": words("a", "b", "c", "d", "e")}))
    ass = format_ass(
        cues, layout=caption_layout(1080, 1920), font_family="DejaVu Sans", style="plain"
    )
    events = [line for line in ass.splitlines() if line.startswith("Dialogue:")]
    assert len(events) == len(cues) == 2
    assert "\\1c" not in "".join(events)


def test_ass_style_sits_in_the_lower_third_with_an_outline_and_scaled_font() -> None:
    layout = caption_layout(1080, 1920)
    ass = format_ass([], layout=layout, font_family="DejaVu Sans")
    style = next(line for line in ass.splitlines() if line.startswith("Style:")).split(",")
    fontsize, outline, alignment, margin_v = (int(style[i]) for i in (2, 16, 18, 21))
    assert alignment == 2  # bottom centre
    assert 0.12 * 1920 <= margin_v <= 0.2 * 1920
    assert outline >= 2
    assert fontsize == layout.font_size
    assert caption_layout(540, 960).font_size < layout.font_size
    assert "PlayResX: 1080" in ass and "PlayResY: 1920" in ass


def test_arabic_captions_let_libass_detect_right_to_left() -> None:
    cues = group_cues(timeline({"words": words("مرحبا", "بالعالم")}))
    ass = format_ass(cues, layout=caption_layout(1080, 1920), font_family="DejaVu Sans")
    style = next(line for line in ass.splitlines() if line.startswith("Style:"))
    assert style.endswith(",-1")


def test_ass_text_cannot_inject_override_tags() -> None:
    cues = group_cues(timeline({"words": words("{\\b1}bold", "text")}))
    ass = format_ass(cues, layout=caption_layout(1080, 1920), font_family="DejaVu Sans")
    assert "{\\b1}" not in ass


def test_ass_clean_drops_what_the_font_cannot_draw() -> None:
    cues = group_cues(timeline({"words": words("hi", "🦊", "fox")}))
    ass = format_ass(
        cues,
        layout=caption_layout(1080, 1920),
        font_family="DejaVu Sans",
        style="plain",
        clean=lambda t: t.replace("🦊", ""),
    )
    assert "🦊" not in ass and "hi fox" in ass


def test_style_none_writes_srt_and_vtt_but_no_ass(tmp_path: Path) -> None:
    cues = group_cues(timeline({"words": words("a", "b")}))
    files = write_captions(cues, tmp_path, layout=caption_layout(1080, 1920), style="none")
    assert files.ass is None
    assert files.srt.read_text(encoding="utf-8").startswith("1\n00:00:00,000")
    assert files.vtt.read_text(encoding="utf-8").startswith("WEBVTT")


LATIN = FontFace("Latin Sans", Path("latin.ttf"), None, ((0x20, 0x7E),))
HAN = FontFace("Han Sans", Path("han.ttf"), None, ((0x20, 0x20), (0x4E00, 0x9FFF)))


def test_text_no_font_covers_is_an_error_naming_the_characters() -> None:
    with pytest.raises(MediaError) as caught:
        choose_fonts("hi ᱚ", fonts=(LATIN, HAN))
    assert "U+1C5A" in caught.value.message
    assert "infra/fonts.txt" in caught.value.message


def test_chinese_with_latin_digits_gets_the_han_font_first_and_a_latin_fallback() -> None:
    faces = choose_fonts("你好世界 2024", fonts=(LATIN, HAN))
    assert [f.family for f in faces] == ["Han Sans", "Latin Sans"]
    runs = font_runs("你好 2024", faces)
    assert [(text, face.family) for text, face in runs] == [
        ("你好 ", "Han Sans"),
        ("2024", "Latin Sans"),
    ]


def test_the_preferred_family_wins_when_several_cover_the_text() -> None:
    assert choose_fonts("hello", fonts=(LATIN, HAN))[0] is LATIN


def test_symbols_no_font_covers_are_dropped_but_letters_are_kept() -> None:
    assert drop_uncovered_symbols("fox 🦊 ᱚ", fonts=(LATIN,)) == "fox  ᱚ"


def test_a_phrase_too_wide_for_three_words_never_leaves_one_word_alone() -> None:
    # Long words at a narrow width: 3 words do not fit, so 2 + 2 + 2 rather than 2 + 1 + ...
    words_ = words("lighthouse", "keeper", "watched", "distant", "silver", "whales")
    cues = group_cues(timeline({"words": words_}, width=360, height=640))
    assert all(len(c.words) >= 2 for c in cues), [c.text for c in cues]
    assert sum(len(c.words) for c in cues) == 6


def test_a_word_before_a_comma_joins_the_next_line_rather_than_standing_alone() -> None:
    cues = group_cues(timeline({"words": words("Then,", "the", "sea", "went", "quiet.")}))
    assert all(len(c.words) >= 2 for c in cues), [c.text for c in cues]
