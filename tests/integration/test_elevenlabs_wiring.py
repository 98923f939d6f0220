"""STORYGENIUS_VOICE=elevenlabs: settings read from the environment, the narrator bootstrap
builds from them, and the price per character of the configured model."""

from __future__ import annotations

import pytest

from common.adapters.elevenlabs.narrator import ElevenLabsNarrator
from common.config import Settings
from common.domain.errors import InvalidInputError
from common.services.observability.provider_spans import untraced

ENV = {"STORYGENIUS_VOICE": "elevenlabs", "ELEVENLABS_API_KEY": "k"}


def test_the_narrator_is_built_from_the_environment_without_calling_anyone(make_services):
    env = {
        **ENV,
        "ELEVENLABS_BASE_URL": "http://127.0.0.1:9",  # nothing listens: nothing may be called
        "STORYGENIUS_ELEVENLABS_MODEL": "eleven_v3",
        "STORYGENIUS_ELEVENLABS_VOICE_ID": "pNInz6obpgDQGcFmaJgB",
        "STORYGENIUS_ELEVENLABS_OUTPUT_FORMAT": "pcm_24000",
        "STORYGENIUS_ELEVENLABS_MAX_CONCURRENCY": "5",
    }
    settings = Settings.from_env(env)
    svc = make_services(settings.model_dump(exclude={"data_dir", "progress_interval_s"}))
    voice = svc.pipeline.providers.voice

    assert isinstance(untraced(voice), ElevenLabsNarrator)  # under its span wrapper
    assert voice.id == "elevenlabs/eleven_v3/pNInz6obpgDQGcFmaJgB/pcm_24000"
    assert voice.uses_context is False  # eleven_v3 has no request stitching
    assert settings.elevenlabs_max_concurrency == 5


@pytest.mark.parametrize(
    ("model", "per_1k"),
    [("eleven_multilingual_v2", 0.10), ("eleven_flash_v2_5", 0.05), ("eleven_turbo_v2_5", 0.05)],
)
def test_narration_is_priced_per_character_of_the_model(make_services, model, per_1k):
    svc = make_services(
        {"voice": "elevenlabs", "elevenlabs_api_key": "k", "elevenlabs_model": model}
    )
    price = svc.pipeline.providers.choice.voice.price
    assert price.unit == "char"
    assert price.cost(1000) == pytest.approx(per_1k)


def test_offline_narration_costs_nothing(make_services):
    assert make_services().pipeline.providers.choice.voice.price.cost(1000) == 0.0


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("STORYGENIUS_ELEVENLABS_OUTPUT_FORMAT", "opus_48000_64"),
        ("STORYGENIUS_ELEVENLABS_MAX_CONCURRENCY", "0"),
        ("STORYGENIUS_ELEVENLABS_TIMEOUT_S", "-1"),
    ],
)
def test_bad_elevenlabs_settings_name_their_variable(variable, value):
    with pytest.raises(InvalidInputError) as caught:
        Settings.from_env({**ENV, variable: value})
    assert variable in caught.value.fields
