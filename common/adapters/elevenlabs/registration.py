"""The ElevenLabs narrator's descriptor (group `elevenlabs`): priced per character of its
model, an API key required, speaking at ElevenLabs' rates."""

from __future__ import annotations

from common.adapters.registry import BuildContext, Credential, ProviderRegistration
from common.config import Settings
from common.domain.model_catalogue import ELEVENLABS, priced
from common.domain.pacing import ELEVENLABS_RATES
from common.domain.providers import PriceModel
from common.ports import Narrator


def _voice(ctx: BuildContext) -> Narrator:
    from common.adapters.elevenlabs.narrator import ElevenLabsNarrator

    s = ctx.settings
    return ElevenLabsNarrator(
        api_key=s.elevenlabs_api_key,
        model=s.elevenlabs_model,
        voice_id=s.elevenlabs_voice_id,
        output_format=s.elevenlabs_output_format,
        base_url=s.elevenlabs_base_url,
        max_concurrency=s.elevenlabs_max_concurrency,
        timeout_s=s.elevenlabs_timeout_s,
        max_attempts=s.elevenlabs_max_attempts,
        backoff_s=s.elevenlabs_backoff_s,
        deadline_s=s.elevenlabs_deadline_s,
    )


def _price(settings: Settings) -> PriceModel:
    model = priced(settings.elevenlabs_model, ELEVENLABS)
    return PriceModel(unit=model.unit, usd_per_unit=model.usd_per_unit)


PROVIDERS = (
    ProviderRegistration(
        "voice",
        "elevenlabs",
        _voice,
        "elevenlabs",
        price=_price,
        quota="metered",
        credentials=(
            Credential("elevenlabs_api_key", "ELEVENLABS_API_KEY", "an ElevenLabs API key"),
        ),
        model=lambda s: s.elevenlabs_model,
        model_setting="elevenlabs_model",
        rates=ELEVENLABS_RATES,
    ),
)
