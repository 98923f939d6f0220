"""Korean particles that depend on the word before them, chosen after the words are known.

A name or noun ending in a consonant (a final consonant, batchim: 민준, 로봇) takes 은, 이, 을,
과, 이에요, 이었어요, 으로; one ending in a vowel (하나, 고양이) takes 는, 가, 를, 와, 예요, 였어요,
로 (and so does ㄹ before 으로/로: 말로). Lines write both forms after a placeholder, the
consonant one first ("{P}은/는"), since the name is picked only when the story is drafted.
"""

from __future__ import annotations

import re

_PAIRS = ("은/는", "이/가", "을/를", "과/와", "이에요/예요", "이었어요/였어요", "으로/로", "아/야")
_PARTICLE = re.compile(r"([\uac00-\ud7a3])(" + "|".join(re.escape(p) for p in _PAIRS) + ")")
_RIEUL = 8  # the final consonant ㄹ


def final_consonant(syllable: str) -> int:
    """The index of a Hangul syllable's final consonant (0: it ends in a vowel)."""
    return (ord(syllable) - 0xAC00) % 28


def attach_particles(text: str) -> str:
    """`text` with every "X/Y" particle pair after a Hangul syllable resolved."""

    def pick(match: re.Match[str]) -> str:
        syllable, pair = match.groups()
        after_consonant, after_vowel = pair.split("/")
        final = final_consonant(syllable)
        if pair == "으로/로":
            return syllable + (after_consonant if final not in (0, _RIEUL) else after_vowel)
        return syllable + (after_consonant if final else after_vowel)

    return _PARTICLE.sub(pick, text)
