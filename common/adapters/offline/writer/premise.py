"""What a prompt says, read into a Premise: who it is about, what happens, and where.

Also the reading's first step, shared by every language: removing what cannot be spoken (emoji
and symbols).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from common.adapters.offline.writer.tables import PlaceWords, kinds, settings
from common.domain.errors import InvalidInputError

_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")
_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0x20E3, 0xFEFF}


@dataclass(frozen=True)
class Figure:
    """A character as the prompt describes it."""

    kind: str  # a key of kinds(), or "" when the noun is not one the writer knows
    noun: str  # as written, in the prompt's language, without article: "lighthouse keeper"
    name: str = ""  # a name the prompt gives
    sizes: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()
    attribute: str = ""  # "with a red umbrella"
    measure: str = ""  # Chinese measure word the prompt used
    feminine: bool | None = None  # when the words say (Arabic grammar, "girl", "king")


@dataclass(frozen=True)
class Premise:
    """What a prompt says, in the prompt's own language where it is text."""

    language: str  # the language the prompt is written in
    text: str  # the prompt without emoji, whitespace collapsed
    hero: Figure
    other: Figure | None = None
    category: str = "generic"  # friendship, learning, quest, making, rescue, journey, generic
    action: str = ""  # "befriends a lonely whale", "学会了飞翔", "تتعلم الطيران"
    skill: str = ""  # English only: "fly" in "learns to fly"
    goal: str = ""  # English only: "a lost star", "the moon"
    threat: str = ""  # English only: "a dragon" in "saves the village from a dragon"
    setting: str = "village"
    landmark: str = ""  # English noun: "lighthouse"
    core: str = ""  # English: the first sentence without "write a story about..."


def clean_prompt(prompt: str) -> str:
    """The prompt without emoji and symbols the narrator cannot say, whitespace collapsed.

    Raises InvalidInputError naming the `prompt` field when nothing readable is left.
    """
    if not prompt or not prompt.strip():
        raise InvalidInputError("prompt must not be empty", fields={"prompt": "must not be empty"})
    prompt = _KEYCAP.sub(" ", prompt)  # "1️⃣" is an emoji, not a digit to read out
    kept = []
    for ch in prompt:
        cp, cat = ord(ch), unicodedata.category(ch)
        emoji_like = (
            cat in ("So", "Sk", "Cs", "Co", "Cn", "Cc", "Cf", "Me")
            or cp in _ZERO_WIDTH
            or 0xFE00 <= cp <= 0xFE0F
            or 0xE0000 <= cp <= 0xE007F
        )
        kept.append(" " if emoji_like else ch)
    text = " ".join("".join(kept).split())
    text = re.sub(r"\s+([,.!?;:，。！？،؛])", r"\1", text)
    if not any(ch.isalnum() for ch in text):
        raise InvalidInputError(
            "prompt has no words once emoji and symbols are removed",
            fields={"prompt": "must contain words, not only emoji or symbols"},
        )
    return text


def find_setting(lower: list[str], hero: Figure, other: Figure | None) -> str:
    """The first setting an English word points at, else where the characters usually live."""
    for word in lower:
        for setting in settings().values():
            if word in setting.words:
                return setting.key
    for figure in (hero, other):
        if figure is not None and figure.kind:
            return kinds()[figure.kind].setting
    return "village"


def first_setting(text: str, places: dict[str, PlaceWords]) -> str:
    """The place (a key of `places`) whose word appears first in the text, or ""."""
    best, best_at = "", len(text) + 1
    for key, place in places.items():
        for word in place.words:
            at = text.find(word)
            if 0 <= at < best_at:
                best, best_at = key, at
    return best
