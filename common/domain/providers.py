"""What services know about the providers settings chose: a price model, a quota class and, for
narrators, their speaking rates. Never the adapter itself (DESIGN: nothing in services knows
which one it got).

Each adapter declares these in its registration (common/adapters/registry.py and the
`registration.py` beside each adapter package); bootstrap resolves the chosen four into a
`ProviderChoice` and hands it to the pipeline, the quotas and the editor. Adding a provider
is its module plus one registration: no price table keyed on ids, no `startswith("veo")`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import ConfigDict, Field

from common.domain.base import StrictModel
from common.domain.pacing import ESPEAK_RATES, SpeakingRates
from common.domain.project import ProjectSettings
from common.domain.usage import QuotaClass, UsageStage, UsageUnit

ProviderKind = Literal["script", "images", "video", "voice"]
PROVIDER_KINDS: tuple[ProviderKind, ...] = ("script", "images", "video", "voice")
# Which provider a usage stage calls.
STAGE_PROVIDER: dict[UsageStage, ProviderKind] = {
    "script": "script",
    "references": "images",
    "keyframe": "images",
    "narration": "voice",
    "clip": "video",
}


class PriceModel(StrictModel):
    """What one unit of a provider's work costs (list price, USD)."""

    model_config = ConfigDict(frozen=True)

    unit: UsageUnit
    usd_per_unit: float = Field(0.0, ge=0)

    def cost(self, units: float) -> float:
        return units * self.usd_per_unit


FREE_CALL = PriceModel(unit="call")


class ProviderInfo(StrictModel):
    """One chosen provider as services see it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    kind: ProviderKind
    id: str = Field(description="the value settings choose it by, e.g. 'veo'")
    price: PriceModel = FREE_CALL
    quota: QuotaClass = "free"
    model: str = Field("", description="the model id it calls, if any")
    rates: SpeakingRates | None = Field(None, description="narrators: how fast they speak")


class ProviderChoice(StrictModel):
    """The four providers a deployment uses."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    script: ProviderInfo = ProviderInfo(kind="script", id="offline")
    images: ProviderInfo = ProviderInfo(kind="images", id="offline", price=PriceModel(unit="image"))
    video: ProviderInfo = ProviderInfo(kind="video", id="offline", price=PriceModel(unit="second"))
    voice: ProviderInfo = ProviderInfo(
        kind="voice", id="offline", price=PriceModel(unit="char"), rates=ESPEAK_RATES
    )

    def of(self, kind: ProviderKind) -> ProviderInfo:
        info: ProviderInfo = getattr(self, kind)
        return info

    @property
    def rates(self) -> SpeakingRates:
        """The narrator's speaking rates (what every length estimate uses)."""
        return self.voice.rates or ESPEAK_RATES


# Checks project settings against the chosen providers before anything is spent (the voice the
# narrator must have, and whatever else a provider can tell at write time): problems by field
# (`settings.voice`), empty when the settings are fine.
SettingsCheck = Callable[[ProjectSettings], dict[str, str]]


def no_settings_check(settings: ProjectSettings) -> dict[str, str]:
    return {}
