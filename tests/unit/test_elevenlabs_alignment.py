"""ElevenLabs' per-character alignment turned into the words captions show and highlight."""

from __future__ import annotations

import pytest

from common.adapters.elevenlabs.alignment import word_timings
from common.domain.errors import ProviderError


def _even(text: str, step: float = 0.1, length: float = 0.08) -> list[tuple[str, float, float]]:
    """Word timings of `text` when character i is heard from i*step for `length` seconds."""
    chars = list(text)
    starts = [round(i * step, 3) for i in range(len(chars))]
    ends = [round(i * step + length, 3) for i in range(len(chars))]
    return [(w.text, w.start_s, w.end_s) for w in word_timings(chars, starts, ends)]


def test_english_words_split_on_spaces_with_punctuation_attached_and_timed_by_letters():
    # "Hi," = H 0.0-0.08, i 0.1-0.18, "," 0.2-0.28: the comma's time is the pause after it.
    assert _even("Hi, you there.") == [
        ("Hi,", 0.0, 0.18),
        ("you", 0.4, 0.68),
        ("there.", 0.8, 1.28),
    ]


def test_chinese_gets_one_word_per_character_with_punctuation_on_the_character_before():
    assert _even("我们去公园。好吗？") == [
        ("我", 0.0, 0.08),
        ("们", 0.1, 0.18),
        ("去", 0.2, 0.28),
        ("公", 0.3, 0.38),
        ("园。", 0.4, 0.48),
        ("好", 0.6, 0.68),
        ("吗？", 0.7, 0.78),
    ]


def test_latin_words_and_numbers_inside_chinese_stay_whole():
    words = [w for w, _, _ in _even("我用Python写了2024年")]
    assert words == ["我", "用", "Python", "写", "了", "2024", "年"]


def test_opening_quotes_go_with_the_word_after_them():
    assert [w for w, _, _ in _even("他说「你好」")] == ["他", "说", "「你", "好」"]
    assert [w for w, _, _ in _even("a (quoted) “word”")] == ["a", "(quoted)", "“word”"]


def test_arabic_words_split_on_spaces_in_reading_order_with_arabic_punctuation_attached():
    text = "مرحبا بالعالم، كيف حالك؟"
    words = _even(text)
    assert [w for w, _, _ in words] == ["مرحبا", "بالعالم،", "كيف", "حالك؟"]
    assert [s for _, s, _ in words] == sorted(s for _, s, _ in words)
    # "بالعالم،" starts at its first letter (index 6) and ends with its last letter (index 12).
    assert words[1][1:] == (0.6, 1.28)


def test_arabic_harakat_stay_with_their_letters():
    assert [w for w, _, _ in _even("كَتَبَ الوَلَدُ")] == ["كَتَبَ", "الوَلَدُ"]


def test_tokens_without_letters_join_the_word_before_or_the_first_word():
    assert [w for w, _, _ in _even("wait — now ...")] == ["wait —", "now ..."]
    assert [w for w, _, _ in _even("— so")] == ["— so"]


def test_text_without_any_letter_has_no_words():
    assert _even("... —") == []


def test_words_keep_spoken_order_when_the_alignment_jitters():
    chars = list("ab cd")
    starts = [0.5, 0.6, 0.7, 0.4, 0.9]  # "cd" claims to start before "ab"
    ends = [0.6, 0.7, 0.8, 0.5, 1.0]
    words = word_timings(chars, starts, ends)
    assert [w.text for w in words] == ["ab", "cd"]
    assert words[1].start_s >= words[0].start_s
    assert all(w.end_s >= w.start_s for w in words)


def test_alignment_lists_of_different_lengths_are_a_bad_response():
    with pytest.raises(ProviderError, match="differ in length") as caught:
        word_timings(["a", "b"], [0.0], [0.1, 0.2])
    assert caught.value.code == "bad_response"


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1", None])
def test_alignment_times_that_are_not_times_are_a_bad_response(bad):
    with pytest.raises(ProviderError, match="not a time") as caught:
        word_timings(["a"], [bad], [0.2])
    assert caught.value.code == "bad_response"
