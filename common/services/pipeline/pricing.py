"""What one provider call costs under the configured providers and prices.

Kept apart (and small) so that provider descriptors can take it over: each provider will
declare its own price model, and this module becomes a lookup of the chosen ones.
"""

from __future__ import annotations

from common.config import Settings


def price(settings: Settings, what: str) -> float:
    """USD per unit of `what` (a script call, an image, 1000 narrated characters, a second of
    generated video) from the chosen provider; offline providers cost nothing."""
    prices = settings.prices
    if what == "script":
        return prices.gemini_script_per_call if settings.script == "gemini" else 0.0
    if what == "image":
        return prices.gemini_image_per_image if settings.images == "gemini" else 0.0
    if what == "voice_1k_chars":
        if settings.voice != "elevenlabs":
            return 0.0
        # Flash and turbo models cost half a credit per character.
        cheap = any(k in settings.elevenlabs_model for k in ("flash", "turbo"))
        return prices.elevenlabs_flash_per_1k_chars if cheap else prices.elevenlabs_per_1k_chars
    if what == "video_second":
        if settings.video != "veo":
            return 0.0
        fast = "fast" in settings.veo_model
        return prices.veo_fast_per_second if fast else prices.veo_per_second
    raise ValueError(what)
