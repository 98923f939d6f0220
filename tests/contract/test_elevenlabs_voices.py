"""The ElevenLabs voice catalogue against the stub API (GET /v2/voices through the SDK): every
account voice listed for each language the model speaks, the configured voice first, voices
ElevenLabs verified for the language before the others with that language's preview."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from common.adapters.elevenlabs.voices import ElevenLabsVoices
from common.domain.errors import ProviderError
from tests.stubs.elevenlabs_server import DEFAULT_VOICES, ElevenLabsStub

RACHEL, ADAM = DEFAULT_VOICES[0]["voice_id"], DEFAULT_VOICES[1]["voice_id"]


@pytest.fixture
def stub() -> Iterator[ElevenLabsStub]:
    with ElevenLabsStub() as server:
        yield server


def catalogue(stub: ElevenLabsStub, **kw: Any) -> ElevenLabsVoices:
    options: dict[str, Any] = {
        "api_key": stub.api_key,
        "model": "eleven_multilingual_v2",
        "voice_id": RACHEL,
        "base_url": stub.base_url,
        **kw,
    }
    return ElevenLabsVoices(**options)


def test_the_configured_voice_comes_first_and_is_the_default(stub) -> None:
    voices = catalogue(stub).voices("en")
    assert [v.id for v in voices] == [RACHEL, ADAM]
    assert voices[0].default and not voices[1].default
    assert voices[0].gender == "female" and voices[0].accent == "american"
    assert voices[0].sample_url is None and voices[0].preview_url.endswith("preview.mp3")
    assert "hi" in voices[0].languages and voices[0].provider == "elevenlabs"


def test_a_voice_verified_for_the_language_comes_before_others_with_its_preview(stub) -> None:
    voices = catalogue(stub, voice_id="someoneelse12345678").voices("de")
    assert [v.id for v in voices] == [ADAM, RACHEL]
    assert voices[0].preview_url.endswith("/de.mp3") and voices[0].accent == "standard"


def test_languages_the_model_does_not_speak_list_no_voices(stub) -> None:
    assert catalogue(stub).voices("vi") == []  # multilingual v2 has no Vietnamese
    assert catalogue(stub, model="eleven_flash_v2_5").voices("vi")


def test_every_page_is_read_and_the_list_is_kept_for_a_while(stub) -> None:
    stub.voices = [
        {"voice_id": f"voice{i:016d}", "name": f"Voice {i:03d}", "category": "cloned"}
        for i in range(230)
    ]
    voices = catalogue(stub)
    assert len(voices.voices("fr")) == 230
    searches = [r for r in stub.received if r.path == "/v2/voices"]
    assert [r.query.get("next_page_token") for r in searches] == [None, "100", "200"]
    voices.voices("es")
    assert len([r for r in stub.received if r.path == "/v2/voices"]) == 3


def test_a_voice_is_found_by_id_or_name_whatever_its_language(stub) -> None:
    voices = catalogue(stub)
    assert voices.find(ADAM).name == "Adam"
    assert voices.find("rachel").id == RACHEL
    assert voices.find("Nobody") is None


def test_a_refused_key_is_a_provider_error(stub) -> None:
    with pytest.raises(ProviderError) as caught:
        catalogue(stub, api_key="wrong").voices("en")
    assert caught.value.code == "unauthorized" and not caught.value.retryable
