"""The ElevenLabs narrator through the real `elevenlabs` SDK against a stub of the API
(tests/stubs/elevenlabs_server.py): what it sends, the word timings it makes of the alignment,
and how it meets 429s, server errors, bad requests, malformed answers, slowness and the
account's concurrency limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from common.adapters.elevenlabs.narrator import ElevenLabsNarrator
from common.domain.assets import NarrationRequest
from common.domain.errors import ProviderError
from tests.stubs.elevenlabs_server import (
    MALFORMED,
    QUOTA_EXCEEDED,
    SERVER_ERROR,
    SYSTEM_BUSY,
    TOO_MANY_CONCURRENT,
    UNPROCESSABLE,
    ElevenLabsStub,
    Fault,
    slow,
)
from tests.support.probe import ffprobe

VOICE = "21m00Tcm4TlvDq8ikWAM"


@pytest.fixture
def stub() -> Iterator[ElevenLabsStub]:
    with ElevenLabsStub() as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


def _narrator(stub: ElevenLabsStub, **options: Any) -> ElevenLabsNarrator:
    """A narrator of the stub's account, speaking with VOICE."""
    return ElevenLabsNarrator(
        **{
            "api_key": stub.api_key,
            "model": "eleven_multilingual_v2",
            "voice_id": VOICE,
            "base_url": stub.base_url,
            **options,
        }
    )


@pytest.fixture
def make_narrator(stub: ElevenLabsStub, sleeps: list[float]):
    def make(**options: Any) -> ElevenLabsNarrator:
        # backoff is recorded, not waited for
        return _narrator(stub, **{"backoff_s": 0.2, "sleep": sleeps.append, **options})

    return make


def _timings(text: str, starts: list[float], ends: list[float]) -> dict[str, list[Any]]:
    return {
        "characters": list(text),
        "character_start_times_seconds": starts,
        "character_end_times_seconds": ends,
    }


def _words(narration) -> list[tuple[str, float, float]]:
    return [(w.text, w.start_s, w.end_s) for w in narration.words]


# ---- word timings ------------------------------------------------------------------------


def test_english_word_timings_follow_a_known_alignment(stub, make_narrator):
    text = "Hi, big sky!"
    stub.alignments[text] = _timings(
        text,
        # H    i    ,    _    b    i    g    _    s    k    y    !
        [0.10, 0.18, 0.26, 0.40, 0.45, 0.52, 0.60, 0.70, 0.95, 1.02, 1.10, 1.25],
        [0.18, 0.26, 0.40, 0.45, 0.52, 0.60, 0.70, 0.95, 1.02, 1.10, 1.25, 1.40],
    )
    narration = make_narrator().narrate(NarrationRequest(text=text))

    assert _words(narration) == [("Hi,", 0.10, 0.26), ("big", 0.45, 0.70), ("sky!", 0.95, 1.25)]
    assert narration.mime == "audio/mpeg"
    # The stub's audio lasts to the last character's end plus its 0.25 s tail (+ MP3 delay).
    assert 1.40 + 0.25 <= narration.duration_s <= 1.40 + 0.25 + 0.08


def test_chinese_word_timings_are_per_character(stub, make_narrator):
    text = "我们去公园。"
    stub.alignments[text] = _timings(
        text, [0.1, 0.3, 0.5, 0.7, 0.9, 1.1], [0.3, 0.5, 0.7, 0.9, 1.1, 1.3]
    )
    narration = make_narrator().narrate(NarrationRequest(text=text, language="zh"))

    assert _words(narration) == [
        ("我", 0.1, 0.3),
        ("们", 0.3, 0.5),
        ("去", 0.5, 0.7),
        ("公", 0.7, 0.9),
        ("园。", 0.9, 1.1),
    ]


def test_arabic_word_timings_split_on_spaces_in_reading_order(stub, make_narrator):
    text = "مرحبا يا صديقي."
    starts = [round(0.2 + 0.1 * i, 2) for i in range(len(text))]
    ends = [round(s + 0.1, 2) for s in starts]
    stub.alignments[text] = _timings(text, starts, ends)
    narration = make_narrator().narrate(NarrationRequest(text=text, language="ar"))

    # مرحبا = chars 0-4, يا = 6-7, صديقي. = 9-14 (the full stop's time is not the word's)
    assert _words(narration) == [
        ("مرحبا", 0.2, 0.7),
        ("يا", 0.8, 1.0),
        ("صديقي.", 1.1, 1.6),
    ]


def test_words_are_the_text_as_written_not_the_normalized_text(make_narrator, stub):
    narration = make_narrator().narrate(NarrationRequest(text="I have 3 cats."))
    assert [w.text for w in narration.words] == ["I", "have", "3", "cats."]


# ---- what is sent --------------------------------------------------------------------------


def test_request_carries_text_model_voice_format_context_seed_and_key(
    stub, make_narrator, tmp_path
):
    narrator = make_narrator(model="eleven_flash_v2_5", output_format="mp3_22050_32")
    request = NarrationRequest(
        text="The middle line.", previous_text="The first line.", next_text="The last.", seed=7
    )
    narration = narrator.narrate(request)

    [sent] = stub.tts_requests()
    assert sent.path == f"/v1/text-to-speech/{VOICE}/with-timestamps"
    assert sent.query == {"output_format": "mp3_22050_32"}
    assert sent.headers["xi-api-key"] == stub.api_key
    assert sent.body == {
        "text": "The middle line.",
        "model_id": "eleven_flash_v2_5",
        "previous_text": "The first line.",
        "next_text": "The last.",
        "seed": 7,
    }
    assert narrator.uses_context
    audio = tmp_path / "narration.mp3"
    audio.write_bytes(narration.audio)
    [stream] = ffprobe(audio)["streams"]
    assert (stream["codec_name"], stream["sample_rate"]) == ("mp3", "22050")  # as asked
    assert stub.billed_characters == len(request.text)  # the context is not billed


def test_a_model_without_request_stitching_leaves_the_context_out(stub, make_narrator):
    narrator = make_narrator(model="eleven_v3")
    narrator.narrate(NarrationRequest(text="Alone.", previous_text="Before.", next_text="After."))

    assert narrator.uses_context is False
    [sent] = stub.tts_requests()
    assert "previous_text" not in sent.body and "next_text" not in sent.body


def test_voice_and_format_are_part_of_the_narrator_id(make_narrator):
    a = make_narrator()
    b = make_narrator(voice_id="pNInz6obpgDQGcFmaJgB")
    c = make_narrator(output_format="pcm_22050")
    assert len({a.id, b.id, c.id}) == 3
    assert a.id.startswith("elevenlabs/eleven_multilingual_v2/")


def test_a_voice_name_is_looked_up_once_among_the_account_voices(stub, make_narrator):
    narrator = make_narrator()
    narrator.narrate(NarrationRequest(text="One.", voice="Adam"))
    narrator.narrate(NarrationRequest(text="Two.", voice="adam"))

    searches = [r for r in stub.received if r.path == "/v2/voices"]
    assert len(searches) == 1 and searches[0].query["search"] == "Adam"
    assert {r.path for r in stub.tts_requests()} == {
        "/v1/text-to-speech/pNInz6obpgDQGcFmaJgB/with-timestamps"
    }


def test_an_unknown_voice_name_is_a_permanent_error_naming_the_setting(stub, make_narrator):
    with pytest.raises(ProviderError, match="no ElevenLabs voice named 'Nobody'") as caught:
        make_narrator().narrate(NarrationRequest(text="Hello.", voice="Nobody"))
    assert caught.value.code == "invalid_voice" and not caught.value.retryable
    assert stub.tts_requests() == []


def test_pcm_output_is_stored_as_wav(make_narrator):
    narration = make_narrator(output_format="pcm_16000").narrate(NarrationRequest(text="Hi."))
    assert narration.mime == "audio/wav"
    assert narration.audio[:4] == b"RIFF"
    assert narration.duration_s == pytest.approx(narration.words[-1].end_s + 0.1 + 0.25, abs=0.01)


# ---- failures ------------------------------------------------------------------------------


def test_429s_are_retried_with_growing_jittered_backoff_then_succeed(stub, make_narrator, sleeps):
    stub.faults.extend([TOO_MANY_CONCURRENT, SYSTEM_BUSY])
    narration = make_narrator().narrate(NarrationRequest(text="Third time lucky."))

    assert [r.status for r in stub.tts_requests()] == [429, 429, 200]
    assert narration.words
    # backoff 0.2 s doubling, each x0.5..1.5
    assert len(sleeps) == 2
    assert 0.1 <= sleeps[0] <= 0.3 and 0.2 <= sleeps[1] <= 0.6
    assert stub.billed_characters == len("Third time lucky.")


def test_retry_after_is_honoured(stub, make_narrator, sleeps):
    stub.faults.append(Fault(429, SYSTEM_BUSY.body, headers={"Retry-After": "3"}))
    make_narrator().narrate(NarrationRequest(text="Later."))
    assert len(sleeps) == 1 and 3.0 <= sleeps[0] <= 3.6


def test_a_500_is_retried(stub, make_narrator):
    stub.faults.append(SERVER_ERROR)
    make_narrator().narrate(NarrationRequest(text="Back again."))
    assert [r.status for r in stub.tts_requests()] == [500, 200]


def test_429s_that_persist_end_in_a_retryable_error_after_max_attempts(stub, make_narrator):
    stub.faults.extend([TOO_MANY_CONCURRENT] * 5)
    with pytest.raises(ProviderError, match="too_many_concurrent_requests") as caught:
        make_narrator(max_attempts=3).narrate(NarrationRequest(text="Never."))

    assert caught.value.retryable and caught.value.code == "rate_limited"
    assert "after 3 tries" in caught.value.message
    assert len(stub.tts_requests()) == 3
    assert stub.billed_characters == 0


@pytest.mark.parametrize(
    ("fault", "code", "message"),
    [
        (UNPROCESSABLE, "invalid_request", "body.text: text is too long"),
        (QUOTA_EXCEEDED, "quota_exceeded", "exceeds your quota"),
    ],
)
def test_permanent_errors_are_not_retried(stub, make_narrator, sleeps, fault, code, message):
    stub.faults.append(fault)
    with pytest.raises(ProviderError, match=message) as caught:
        make_narrator().narrate(NarrationRequest(text="Wrong."))

    assert caught.value.code == code and not caught.value.retryable
    assert len(stub.tts_requests()) == 1 and sleeps == []


def test_a_wrong_api_key_is_permanent_and_not_retried(stub, make_narrator, sleeps):
    with pytest.raises(ProviderError, match="refused the API key") as caught:
        make_narrator(api_key="wrong-key").narrate(NarrationRequest(text="Let me in."))

    assert caught.value.code == "unauthorized" and not caught.value.retryable
    assert len(stub.tts_requests()) == 1 and sleeps == []
    assert stub.tts_requests()[0].status == 401


def test_malformed_json_is_a_clear_error_and_not_repeated(stub, make_narrator):
    stub.faults.append(MALFORMED)
    with pytest.raises(ProviderError, match="not JSON") as caught:
        make_narrator().narrate(NarrationRequest(text="Garbled."))

    assert caught.value.code == "bad_response"
    assert caught.value.retryable  # a later delivery of the step may fare better
    assert len(stub.tts_requests()) == 1  # a 200 may have been billed: not asked again here


def test_a_slow_answer_times_out_and_the_retry_succeeds(stub, make_narrator):
    stub.faults.append(slow(3.0))
    began = time.monotonic()
    narration = make_narrator(timeout_s=1).narrate(NarrationRequest(text="Hurry."))

    assert narration.words
    assert time.monotonic() - began < 2.5
    assert len(stub.tts_requests()) == 2


def test_an_answer_that_never_comes_in_time_is_a_retryable_timeout(stub, make_narrator):
    stub.faults.extend([slow(3.0), slow(3.0)])
    began = time.monotonic()
    with pytest.raises(ProviderError, match="timed out") as caught:
        make_narrator(timeout_s=1, max_attempts=2).narrate(NarrationRequest(text="Hurry."))

    assert caught.value.code == "timeout" and caught.value.retryable
    assert time.monotonic() - began < 4.0


def test_all_tries_end_by_the_deadline(stub, make_narrator):
    stub.faults.extend([slow(5.0)] * 3)
    began = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        make_narrator(timeout_s=10, deadline_s=1.5).narrate(NarrationRequest(text="Late."))

    assert caught.value.retryable
    assert time.monotonic() - began < 3.0


# ---- concurrency -----------------------------------------------------------------------------


def _fan_out(narrator: ElevenLabsNarrator, calls: int) -> list[Any]:
    requests = [NarrationRequest(text=f"Scene number {i}.") for i in range(calls)]
    with ThreadPoolExecutor(max_workers=calls) as pool:
        return list(pool.map(narrator.narrate, requests))


def test_a_fan_out_never_has_more_requests_in_flight_than_the_limit():
    # The stub refuses (429) what goes over the account's limit of 2, as ElevenLabs does.
    with ElevenLabsStub(latency_s=0.25, concurrency_limit=2) as stub:
        results = _fan_out(_narrator(stub, max_concurrency=2), 8)

    assert len(results) == 8 and all(r.words for r in results)
    assert stub.max_in_flight == 2
    assert [r.status for r in stub.tts_requests()] == [200] * 8  # no 429 was ever needed


def test_without_the_limit_the_same_fan_out_overruns_the_account():
    # The other side of the test above: the stub does see a fan-out when nothing holds it back.
    with ElevenLabsStub(latency_s=0.25) as stub:
        _fan_out(_narrator(stub, max_concurrency=8), 8)
    assert stub.max_in_flight > 2


def test_narrators_of_one_account_share_its_limit(stub):
    stub.latency_s = 0.2
    first, second = _narrator(stub, max_concurrency=1), _narrator(stub, max_concurrency=1)
    calls = [
        (narrator, NarrationRequest(text=f"Line {i}."))
        for i, narrator in enumerate([first, second] * 2)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda call: call[0].narrate(call[1]), calls))
    assert stub.max_in_flight == 1
