"""The espeak-ng narrator: WAV output, one timing per written word, voices, determinism.

These run the real library (a few ms per narration): its word events are what is under test.
"""

from __future__ import annotations

import io
import re
import threading
import wave

import pytest

from common.adapters.offline.voice import EspeakNarrator
from common.adapters.offline.voice.library import RawWord
from common.adapters.offline.voice.timing import split_words, word_spans
from common.domain.assets import Narration, NarrationRequest
from common.domain.errors import InvalidInputError, ProviderError

SENTENCE = "The little fox found a shiny red key under the old oak tree."


@pytest.fixture(scope="module")
def narrator() -> EspeakNarrator:
    return EspeakNarrator()


def speak(narrator: EspeakNarrator, text: str, **fields: object) -> Narration:
    return narrator.narrate(NarrationRequest(text=text, **fields))


def wav_params(narration: Narration) -> wave._wave_params:
    with wave.open(io.BytesIO(narration.audio)) as wav:
        return wav.getparams()


def assert_timings_consistent(narration: Narration) -> None:
    previous_end = 0.0
    for word in narration.words:
        assert previous_end <= word.start_s < word.end_s <= narration.duration_s, word
        previous_end = word.end_s


def test_id_names_espeak_ng_and_its_version(narrator):
    assert re.fullmatch(r"espeak-ng/\d+\.\d+(\.\d+)?", narrator.id)


def test_audio_is_a_complete_mono_16_bit_wav_at_22050_hz(narrator):
    narration = speak(narrator, SENTENCE)

    params = wav_params(narration)
    assert narration.mime == "audio/wav"
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    assert narration.duration_s == pytest.approx(params.nframes / params.framerate)
    assert narration.duration_s > 1.0


def test_english_sentence_has_one_word_per_whitespace_token(narrator):
    narration = speak(narrator, SENTENCE)

    assert [w.text for w in narration.words] == SENTENCE.split()
    assert_timings_consistent(narration)


def test_punctuation_stays_attached_and_no_word_is_empty(narrator):
    narration = speak(narrator, "Hello, world.")

    assert [w.text for w in narration.words] == ["Hello,", "world."]


def test_word_texts_count_characters_not_bytes_in_accented_text(narrator):
    text = "Le café était naïve, über alles, déjà vu."

    narration = speak(narrator, text, language="fr")

    assert [w.text for w in narration.words] == text.split()


def test_tokens_read_as_several_words_stay_one_word(narrator):
    text = "It cost 1,234 dollars in 2024, well-known fact."

    narration = speak(narrator, text)

    assert [w.text for w in narration.words] == text.split()
    assert_timings_consistent(narration)


def test_word_pairs_espeak_reads_as_one_get_a_timing_each(narrator):
    # espeak gives "on the", "of the", "did not" a single word event.
    text = "She sat on the edge of the bed and did not move."

    narration = speak(narrator, text)

    assert [w.text for w in narration.words] == text.split()
    assert_timings_consistent(narration)


def test_a_long_pause_separates_the_words_around_it(narrator):
    narration = speak(narrator, "One. ... Two.")

    first, second = narration.words
    assert first.text.startswith("One.")
    assert second.text == "Two."
    assert second.start_s - first.end_s > 0.2


def test_leading_silence_is_short_and_trailing_silence_is_150_ms(narrator):
    narration = speak(narrator, '  "Quiet," she said.')

    assert narration.words[0].start_s <= 0.06
    assert narration.duration_s - narration.words[-1].end_s == pytest.approx(0.15, abs=0.02)


def test_chinese_words_are_the_characters_of_the_text_in_order(narrator):
    text = "我们一起去看海。你好！"

    narration = speak(narrator, text, language="zh")

    assert len(narration.words) >= 4
    assert all(w.text and w.text in text for w in narration.words)
    assert "".join(w.text for w in narration.words) == text
    assert_timings_consistent(narration)


def test_chinese_voice_speaks_the_requested_sentence(narrator):
    text = "我们一起去看海"

    by_language = speak(narrator, text, language="zh")

    assert by_language.audio == speak(narrator, text, voice="cmn").audio
    assert "".join(w.text for w in by_language.words) == text


def test_arabic_words_are_the_words_of_the_text(narrator):
    text = "مرحبا بالعالم"

    narration = speak(narrator, text, language="ar")

    assert [w.text for w in narration.words] == text.split()
    assert narration.audio == speak(narrator, text, voice="ar").audio
    assert_timings_consistent(narration)


def test_same_request_gives_the_same_bytes(narrator):
    request = NarrationRequest(text=SENTENCE)

    first = narrator.narrate(request)
    speak(narrator, "Something else in between.", voice="en-us+klatt")
    again = narrator.narrate(request)

    assert again.audio == first.audio
    assert again.words == first.words


@pytest.mark.parametrize("voice", ["no-such-voice", "en-us+no-such-variant", "Mr serious", "../x"])
def test_unknown_voice_is_a_final_invalid_voice_error(narrator, voice):
    with pytest.raises(ProviderError) as caught:
        speak(narrator, "Hello.", voice=voice)

    assert caught.value.code == "invalid_voice"
    assert caught.value.retryable is False
    assert voice in caught.value.message


def test_voice_variant_changes_the_sound(narrator):
    plain = speak(narrator, "Hello there.", voice="en-us")

    assert speak(narrator, "Hello there.", voice="en-us+f3").audio != plain.audio
    assert speak(narrator, "Hello there.").audio == plain.audio


def test_a_language_without_a_voice_is_refused_naming_it_not_spoken_in_english(narrator):
    with pytest.raises(ProviderError) as caught:
        speak(narrator, "Hello there.", language="xx")

    assert caught.value.code == "unsupported_language" and not caught.value.retryable
    assert "'xx'" in caught.value.message


def test_language_with_region_uses_the_language_voice(narrator):
    assert (
        speak(narrator, "你好", language="zh-TW").audio
        == speak(narrator, "你好", voice="cmn").audio
    )


def test_slower_rate_gives_longer_audio():
    slow = EspeakNarrator(rate_wpm=120).narrate(NarrationRequest(text=SENTENCE))
    fast = EspeakNarrator(rate_wpm=250).narrate(NarrationRequest(text=SENTENCE))

    assert slow.duration_s > fast.duration_s * 1.5


@pytest.mark.parametrize("rate", [10, 1000])
def test_rate_outside_espeaks_range_is_invalid_input(rate):
    with pytest.raises(InvalidInputError) as caught:
        EspeakNarrator(rate_wpm=rate)

    assert "rate_wpm" in caught.value.fields


def test_text_without_words_gives_short_silence(narrator):
    narration = speak(narrator, "...")

    assert narration.words == []
    assert 0 < narration.duration_s <= 0.2


def test_a_nul_character_neither_cuts_the_text_nor_shifts_the_words(narrator):
    narration = speak(narrator, "Hello\0there world.")

    assert [w.text for w in narration.words] == ["Hello", "there", "world."]


def test_concurrent_narrations_match_sequential_ones(narrator):
    texts = [SENTENCE, "我们一起去看海"] * 3
    expected = [speak(narrator, t, language="zh" if "海" in t else "en") for t in texts]
    results: dict[int, Narration] = {}

    def run(i: int) -> None:
        results[i] = speak(narrator, texts[i], language="zh" if "海" in texts[i] else "en")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [results[i] for i in range(len(texts))] == expected


# ---- word events to text spans, with events espeak produces for odd input ----------------------


def texts(text: str, events: list[RawWord]) -> list[str]:
    return [text[a:b].strip() for a, b, _ in word_spans(text, events)]


def test_events_inside_a_word_join_it():
    # "1,234" is read as several words whose events overlap the token.
    text = "Paid 1,234 now"
    events = [RawWord(0, 4, 0), RawWord(5, 7, 300), RawWord(6, 8, 500), RawWord(7, 10, 700)]

    assert texts(text, [*events, RawWord(11, 14, 900)]) == ["Paid", "1,234", "now"]


def test_an_event_on_whitespace_joins_the_word_before():
    # An emoji is read as several words; espeak may place the later ones on the space after it.
    text = "Smile 😀 please"
    events = [RawWord(0, 5, 0), RawWord(6, 7, 300), RawWord(7, 8, 600), RawWord(8, 14, 900)]

    assert texts(text, events) == ["Smile", "😀", "please"]


def test_an_event_heard_no_later_than_the_word_before_joins_it():
    text = "Smile 😀 please"
    events = [RawWord(0, 5, 0), RawWord(6, 7, 300), RawWord(8, 14, 300)]

    assert texts(text, events) == ["Smile", "😀 please"]


def test_unspoken_tokens_stay_with_a_neighbouring_word():
    text = '— "Yes," she said — twice.'
    events = [RawWord(3, 6, 0), RawWord(9, 12, 300), RawWord(13, 17, 500), RawWord(20, 25, 900)]

    assert texts(text, events) == ['— "Yes,"', "she", "said —", "twice."]


def test_words_inside_unspaced_text_split_at_their_events():
    text = "我们一起去。"
    events = [RawWord(0, 1, 0), RawWord(1, 2, 200), RawWord(2, 3, 400), RawWord(4, 5, 900)]

    assert texts(text, events) == ["我", "们", "一起", "去。"]


def test_a_shared_event_is_split_by_letters_and_unspoken_tokens_stay_attached():
    text = " on the — rocks "

    parts = split_words(text, 0, len(text), 1000, 1900)

    assert [(text[a:b], s, e) for a, b, s, e in parts] == [
        ("on", 1000, 1180),  # 2 of 10 letters
        ("the —", 1180, 1450),
        ("rocks", 1450, 1900),
    ]


def test_a_span_too_short_to_share_stays_one_word():
    text = "of the"

    assert split_words(text, 0, len(text), 10, 12) == [(0, 6, 10, 12)]
