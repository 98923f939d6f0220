"""Voices: what a narrator can speak a story with, per language, and a short sample of each.

`GET /v1/voices?language=xx` lists them (the Studio's voice picker); `settings.voice` names one
(or "default": the narrator's voice for the story's language). A voice the narrator does not
have, or one that does not speak the project's language, is refused when the project is
written (400 naming `settings.voice`), not when a paid narration fails.
"""

from __future__ import annotations

from pydantic import Field

from common.domain.base import StrictModel

FIELD = "settings.voice"
DEFAULT = "default"


class Voice(StrictModel):
    """One voice of the configured narrator."""

    id: str = Field(description="what settings.voice names")
    name: str
    language: str = Field(description="the language it is listed for (ISO 639-1)")
    languages: list[str] = Field(default_factory=list, description="every language it speaks")
    provider: str = Field(description="espeak-ng or elevenlabs")
    gender: str = ""
    accent: str = ""
    description: str = ""
    default: bool = Field(False, description="the voice `default` speaks this language with")
    preview_url: str | None = Field(None, description="the provider's own sample, if any")
    sample_url: str | None = Field(None, description="a short sample of it in this language")


class VoiceList(StrictModel):
    voices: list[Voice]


class VoiceQuery(StrictModel):
    language: str = Field(
        min_length=2, max_length=16, description="a language code (ISO 639-1), or auto"
    )


class LanguageEntry(StrictModel):
    """A language stories can be told in end to end with the configured providers."""

    code: str
    name: str
    script: str
    rtl: bool = False


class LanguageList(StrictModel):
    languages: list[LanguageEntry]


# What a sample says: one short line per language the offline narrator speaks (the cloud
# narrator's voices come with the provider's own samples).
SAMPLE_LINES: dict[str, str] = {
    "en": "Once upon a time, a little robot learned to paint the sunset.",
    "es": "Había una vez un pequeño robot que aprendió a pintar el atardecer.",
    "pt": "Era uma vez um pequeno robô que aprendeu a pintar o pôr do sol.",
    "fr": "Il était une fois un petit robot qui apprit à peindre le coucher du soleil.",
    "de": "Es war einmal ein kleiner Roboter, der lernte, den Sonnenuntergang zu malen.",
    "id": "Dahulu kala, ada robot kecil yang belajar melukis matahari terbenam.",
    "hi": "एक बार की बात है, एक छोटे रोबोट ने सूर्यास्त का चित्र बनाना सीखा।",
    "zh": "从前，有一个小机器人学会了画夕阳。",
    "ja": "むかし むかし、ちいさな ロボットが ゆうやけの えを かく ことを おぼえました。",
    "ko": "옛날 옛적에 작은 로봇이 노을을 그리는 법을 배웠어요.",
    "ar": "كان يا ما كان، روبوت صغير تعلم رسم غروب الشمس.",
}
