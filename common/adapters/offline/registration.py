"""The offline providers' descriptors: no network, no keys, no cost (group `offline`)."""

from __future__ import annotations

from common.adapters.registry import BuildContext, ProviderRegistration
from common.domain.pacing import ESPEAK_RATES
from common.domain.providers import PriceModel
from common.ports import ImageGenerator, Narrator, ScriptWriter, VideoGenerator


def _script(ctx: BuildContext) -> ScriptWriter:
    from common.adapters.offline.writer import OfflineScriptWriter

    return OfflineScriptWriter(rates=ctx.rates)


def _images(ctx: BuildContext) -> ImageGenerator:
    from common.adapters.offline.painter import OfflineImageGenerator

    return OfflineImageGenerator()


def _video(ctx: BuildContext) -> VideoGenerator:
    from common.adapters.offline.kenburns import OfflineVideoGenerator

    return OfflineVideoGenerator()


def _voice(ctx: BuildContext) -> Narrator:
    from common.adapters.offline.voice import EspeakNarrator

    return EspeakNarrator()


PROVIDERS = (
    ProviderRegistration("script", "offline", _script, "offline"),
    ProviderRegistration(
        "images", "offline", _images, "offline", price=lambda _: PriceModel(unit="image")
    ),
    ProviderRegistration(
        "video", "offline", _video, "offline", price=lambda _: PriceModel(unit="second")
    ),
    ProviderRegistration(
        "voice", "offline", _voice, "offline", price=lambda _: PriceModel(unit="char"),
        rates=ESPEAK_RATES,
    ),
)  # fmt: skip
