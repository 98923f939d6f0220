"""Every provider model id this product knows: what it costs at list price and how long it lives.

Providers retire model ids every few months (gemini-2.5-flash answered 404 on Vertex from
2026-06-17; the Veo 3.0 ids from 2026-06-30), so the ids are kept here with their release and
announced shutdown dates, checked as of 2026-12, and `python main.py doctor` warns when a
configured id is past its date. Prices are list prices in USD per unit of what the provider
bills (shared/FACTS.md; third-party figures where Google publishes none): the cost estimates,
the debits and the budget planner all read them from here, through the provider descriptors.

A configured id that is not listed still works (providers add models before this list does):
it is priced like the dearest model of its family, so an estimate never comes out low, and the
doctor says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from common.domain.usage import UsageUnit

# Families: what one adapter drives. A model's family decides how an unlisted id is priced.
GEMINI_TEXT = "gemini-text"
GEMINI_IMAGE = "gemini-image"
VEO = "veo"
ELEVENLABS = "elevenlabs"


@dataclass(frozen=True)
class ModelInfo:
    """One model id: its family, list price, and lifecycle."""

    id: str
    family: str
    unit: UsageUnit
    usd_per_unit: float
    released: str = ""  # as precisely as announced: "2026-05" or "2026-05-20"
    shutdown: date | None = None  # announced retirement; None: none announced
    note: str = ""

    def retired(self, today: date) -> bool:
        """Whether the provider has announced this id gone by `today`."""
        return self.shutdown is not None and today >= self.shutdown


_PER_CHAR = 1 / 1000  # ElevenLabs lists prices per 1,000 characters

MODELS: tuple[ModelInfo, ...] = (
    # Script writing: Gemini text models, priced per story (a few thousand tokens: cents).
    ModelInfo("gemini-3.5-flash", GEMINI_TEXT, "call", 0.02, "2026-05", None,
              "the default: current stable Flash"),
    ModelInfo("gemini-3.5-flash-lite", GEMINI_TEXT, "call", 0.01, "2026-05"),
    ModelInfo("gemini-3.6-flash", GEMINI_TEXT, "call", 0.02),
    ModelInfo("gemini-3.7-flash", GEMINI_TEXT, "call", 0.02),
    ModelInfo("gemini-3.8-flash", GEMINI_TEXT, "call", 0.02),
    ModelInfo("gemini-3.1-flash-lite", GEMINI_TEXT, "call", 0.01),
    ModelInfo("gemini-2.5-flash", GEMINI_TEXT, "call", 0.02, "2025-06",
              date(2026, 6, 17), "retired on Vertex AI 2026-06-17 (Gemini API 2026-12-01)"),
    ModelInfo("gemini-2.5-pro", GEMINI_TEXT, "call", 0.05, "2025-06",
              date(2026, 6, 17), "retired on Vertex AI 2026-06-17 (Gemini API 2026-12-01)"),
    # Images: Gemini image models through generate_content (Imagen is shut down).
    ModelInfo("gemini-3.1-flash-image", GEMINI_IMAGE, "image", 0.04, "", None,
              "the default image model"),
    ModelInfo("gemini-3-pro-image", GEMINI_IMAGE, "image", 0.13, "2026-05"),
    # Clips: Veo, billed per second of video generated.
    ModelInfo("veo-3.1-fast-generate-001", VEO, "second", 0.15, "", None,
              "the default clip model"),
    ModelInfo("veo-3.1-generate-001", VEO, "second", 0.40),
    ModelInfo("veo-3.0-fast-generate-001", VEO, "second", 0.15, "", date(2026, 6, 30),
              "Veo 3.0 ids retired 2026-06-30: use veo-3.1-fast-generate-001"),
    ModelInfo("veo-3.0-generate-001", VEO, "second", 0.40, "", date(2026, 6, 30),
              "Veo 3.0 ids retired 2026-06-30: use veo-3.1-generate-001"),
    # Voice: ElevenLabs, billed per character (flash and turbo at half a credit a character).
    ModelInfo("eleven_multilingual_v2", ELEVENLABS, "char", 0.10 * _PER_CHAR, "", None,
              "the default voice model"),
    ModelInfo("eleven_flash_v2_5", ELEVENLABS, "char", 0.05 * _PER_CHAR),
    ModelInfo("eleven_turbo_v2_5", ELEVENLABS, "char", 0.05 * _PER_CHAR),
    ModelInfo("eleven_v3", ELEVENLABS, "char", 0.10 * _PER_CHAR, "", None,
              "no request stitching"),
)  # fmt: skip

DEFAULT_SCRIPT_MODEL = "gemini-3.5-flash"
DEFAULT_IMAGE_MODEL = "gemini-3.1-flash-image"
DEFAULT_VEO_MODEL = "veo-3.1-fast-generate-001"
DEFAULT_ELEVENLABS_MODEL = "eleven_multilingual_v2"

_BY_ID = {m.id: m for m in MODELS}


def model_info(model_id: str) -> ModelInfo | None:
    """The catalogue's entry for `model_id`, or None when it is not listed."""
    return _BY_ID.get(model_id)


def priced(model_id: str, family: str) -> ModelInfo:
    """`model_id`'s entry; an unlisted id of `family` as its dearest listed model."""
    known = _BY_ID.get(model_id)
    if known is not None:
        return known
    dearest = max((m for m in MODELS if m.family == family), key=lambda m: m.usd_per_unit)
    return ModelInfo(model_id, family, dearest.unit, dearest.usd_per_unit, note="not listed")


def lifecycle_warnings(model_ids: dict[str, str], today: date) -> list[str]:
    """What to tell an operator about configured model ids (`setting name -> id`): ids past
    their announced shutdown, and ids this catalogue does not list."""
    warnings = []
    for setting, model_id in model_ids.items():
        info = _BY_ID.get(model_id)
        if info is None:
            warnings.append(
                f"{setting}={model_id}: not a model id this version knows; it is priced like "
                "the dearest model of its kind and its shutdown date is unknown"
            )
        elif info.retired(today):
            assert info.shutdown is not None
            warnings.append(
                f"{setting}={model_id}: shut down on {info.shutdown.isoformat()} "
                f"({info.note or 'announced by the provider'}); requests will fail"
            )
    return warnings
