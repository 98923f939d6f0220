"""Caption lines in scripts written without spaces: whole Thai words and Japanese phrases,
however the narrator timed them, and lines that fit the frame."""

from __future__ import annotations

import itertools

from common.domain.assets import WordTiming
from common.media.spec.timeline import Timeline
from common.media.text.caption_lines import caption_layout, group_cues, text_width_px
from common.media.text.captions import format_ass
from common.media.text.segmenting import break_offsets, segmenter_language

THAI = "หุ่นยนต์ตัวเล็กเรียนวาดรูปพระอาทิตย์ตกที่ริมทะเลทุกเย็น"
JAPANESE = "小さなロボットが夕焼けの絵を描くことを毎日学びました"


def timeline(words: list[WordTiming], width: int = 360, height: int = 640) -> Timeline:
    scene = {"id": "s", "visual": {"kind": "image", "path": "s.png"}, "duration_s": 8.0}
    return Timeline.model_validate(
        {"width": width, "height": height, "scenes": [scene | {"words": words}]}
    )


def letters(text: str, step: float = 0.08) -> list[WordTiming]:
    """One word per letter with its marks (Latin words and numbers whole), as ElevenLabs'
    alignment gives them."""
    clusters: list[str] = []
    for c in text:
        mark = c in "่้๊๋ัิีึืุู็์ํ" or c == "ำ"
        latin = c.isascii() and c.isalnum() and clusters and clusters[-1][-1].isascii()
        if clusters and (mark or latin):
            clusters[-1] += c
        else:
            clusters.append(c)
    return [
        WordTiming(text=c, start_s=i * step, end_s=(i + 1) * step - 0.01)
        for i, c in enumerate(clusters)
    ]


def test_thai_timed_letter_by_letter_is_shown_in_whole_words() -> None:
    cues = group_cues(timeline(letters(THAI)))
    units = [w.text for cue in cues for w in cue.words]
    assert "".join(units) == THAI
    for word in ("หุ่นยนต์", "เล็ก", "พระอาทิตย์", "ทะเล"):
        assert any(word in unit for unit in units), (word, units)
    allowed = break_offsets(THAI)
    ends = list(itertools.accumulate(len(u) for u in units))[:-1]
    assert set(ends) <= allowed  # every cut is where a Thai line may break


def test_no_caption_unit_starts_with_a_thai_vowel_sign_or_tone_mark() -> None:
    cues = group_cues(timeline(letters(THAI), width=200, height=360))
    for cue in cues:
        for word in cue.words:
            assert word.text[0] not in "่้๊๋ัิีึืุู็์ํำ", word.text


def test_a_japanese_sentence_timed_as_one_word_is_cut_into_timed_phrases() -> None:
    sentence = WordTiming(text=JAPANESE + "。", start_s=1.0, end_s=5.0)
    layout = caption_layout(360, 640)
    cues = group_cues(timeline([sentence]), layout)
    units = [w for cue in cues for w in cue.words]
    assert "".join(u.text for u in units) == JAPANESE + "。"
    assert len(cues) >= 2 and len(units) >= 5
    assert {"小さな", "ロボットが"} <= {u.text for u in units}
    assert units[0].start_s == 1.0 and abs(units[-1].end_s - 5.0) < 1e-9
    for before, after in itertools.pairwise(units):
        assert before.start_s < after.start_s and abs(before.end_s - after.start_s) < 1e-9
    for cue in cues:
        assert text_width_px(cue.text, layout.font_size) <= layout.max_line_px


def test_japanese_written_with_phrase_spaces_is_captioned_without_them() -> None:
    spoken = ["ちいさな", "ロボットが", "ゆうやけの", "えを", "かきました。"]
    words = [
        WordTiming(text=t, start_s=i * 0.5, end_s=i * 0.5 + 0.45) for i, t in enumerate(spoken)
    ]
    cues = group_cues(timeline(words))
    assert "".join(c.text for c in cues) == "".join(spoken)
    assert [w.text for c in cues for w in c.words] == spoken  # the narrator's timing kept


def test_latin_words_and_numbers_inside_chinese_are_never_cut() -> None:
    text = "我用Python写了2024年的故事然后在月光下读给小猫听"
    cues = group_cues(timeline(letters(text)))
    units = [w.text for c in cues for w in c.words]
    assert any("Python" in u for u in units) and any("2024" in u for u in units)


def test_chinese_timed_letter_by_letter_fills_lines_that_fit() -> None:
    text = "从前有一只小狐狸住在森林里每天晚上都看月亮"
    layout = caption_layout(360, 640)
    cues = group_cues(timeline(letters(text)), layout)
    sizes = [len(c.text) for c in cues]
    assert "".join(c.text for c in cues) == text
    assert min(sizes) >= 4, sizes
    assert all(text_width_px(c.text, layout.font_size) <= layout.max_line_px for c in cues)


def test_chinese_timed_word_by_word_keeps_the_narrator_s_words() -> None:
    spoken = [
        "从前",
        "有",
        "一只",
        "小狐狸",
        "住在",
        "森林",
        "里",
        "每天",
        "晚上",
        "都",
        "看",
        "月亮",
    ]
    words = [
        WordTiming(text=t, start_s=i * 0.4, end_s=i * 0.4 + 0.35) for i, t in enumerate(spoken)
    ]
    cues = group_cues(timeline(words))
    assert [w.text for c in cues for w in c.words] == spoken


def test_highlight_colours_whole_thai_words_never_part_of_one() -> None:
    cues = group_cues(timeline(letters(THAI)))
    ass = format_ass(cues, layout=caption_layout(360, 640), font_family="Noto Sans Thai")
    assert "{\\1c&H0000D6FF&}หุ่นยนต์{\\1c&H00FFFFFF&}" in ass


def test_the_segmenter_is_chosen_by_the_letters() -> None:
    assert segmenter_language("ねこ") == "ja"
    assert segmenter_language("猫が好き") == "ja"
    assert segmenter_language("一只猫") == "zh"
    assert segmenter_language("แมว") == "th"
    assert segmenter_language("고양이") is None
    assert break_offsets("a cat") == set()


def test_a_thumbnail_title_wraps_between_thai_words_and_japanese_phrases() -> None:
    from common.media.render.thumbnail import wrap_text

    def measure(text: str) -> float:
        return len(text)

    thai = wrap_text(THAI, measure, 12)
    assert "".join(thai) == THAI and len(thai) > 2
    assert all(line[0] not in "่้๊๋ัิีึืุู็์ํำ" for line in thai), thai
    allowed = break_offsets(THAI)
    assert set(itertools.accumulate(len(line) for line in thai[:-1])) <= allowed
    japanese = wrap_text(JAPANESE, measure, 10)
    assert "".join(japanese) == JAPANESE and japanese[0] == "小さなロボットが"
