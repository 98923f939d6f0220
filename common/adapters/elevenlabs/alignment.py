"""From ElevenLabs' per-character alignment to word timings for captions.

A word is what the captions show and highlight (common/media/text/captions.py), in the text as
written: a run of characters between whitespace, punctuation attached ("Hello," "world."). In
scripts written without spaces (Han, kana, Thai...: `is_no_space`) every letter is a word of its
own, as the captions group those by characters anyway; Latin letters and digits inside such
text stay together ("我用Python写了2024年" -> 我 用 Python 写 了 2024 年). Punctuation goes with the
word before it, opening brackets and quotes with the word after; marks (accents, harakat, Thai
vowel signs) with their letter. A token without a letter or digit ("—", "...") joins the word
before it (the one after at the start), as the espeak-ng narrator does. Arabic and Hebrew are
handled like any spaced script: the alignment lists characters in reading (logical) order.

A word is heard from the start of its first letter to the end of its last letter: the time
ElevenLabs gives trailing punctuation is mostly the pause after it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from common.adapters.elevenlabs.errors import bad_response
from common.domain.assets import WordTiming
from common.domain.errors import ProviderError
from common.media.text.captions import is_no_space

_OPENING = ("Ps", "Pi")  # ( [ { « “ 「 『


@dataclass
class _Token:
    chars: list[int] = field(default_factory=list)  # indexes into the alignment
    solo: bool = False  # a letter of a space-less script: nothing more of the word follows
    letters: list[int] = field(default_factory=list)


def _is_letter(char: str) -> bool:
    return any(c.isalnum() for c in char)


def word_timings(
    characters: Sequence[str], starts: Sequence[float], ends: Sequence[float]
) -> list[WordTiming]:
    """Word timings from one alignment (characters and their start/end times in seconds).

    Raises ProviderError (bad_response) when the three lists differ in length or hold times
    that are not finite, non-negative numbers.
    """
    if not len(characters) == len(starts) == len(ends):
        raise _bad(
            f"alignment lists differ in length: {len(characters)} characters, "
            f"{len(starts)} start times, {len(ends)} end times"
        )
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if not (_time_ok(start) and _time_ok(end)):
            raise _bad(f"alignment time of character {i} is not a time: {start!r}, {end!r}")
    tokens = _merge_unspoken(_tokens(characters))
    words: list[WordTiming] = []
    for token in tokens:
        timed = token.letters or token.chars
        start = float(starts[timed[0]])
        end = max(float(ends[i]) for i in timed)
        if words:
            start = max(start, words[-1].start_s)  # spoken order, even if the alignment jitters
        words.append(
            WordTiming(
                # The written span, spaces inside it included ("world —").
                text="".join(characters[min(token.chars) : max(token.chars) + 1]),
                start_s=round(start, 4),
                end_s=round(max(end, start), 4),
            )
        )
    return words


def _tokens(characters: Sequence[str]) -> list[_Token]:
    """Split the alignment's characters into written words (see the module docstring)."""
    tokens: list[_Token] = []
    current: _Token | None = None  # the word still taking characters
    prefix: list[int] = []  # opening punctuation waiting for its word

    def begin(index: int, *, letter: bool, solo: bool = False) -> _Token:
        token = _Token(chars=[*prefix, index], solo=solo, letters=[index] if letter else [])
        prefix.clear()
        tokens.append(token)
        return token

    for i, char in enumerate(characters):
        category = unicodedata.category(char[0]) if char else "Zs"
        if not char or char.isspace():
            current = None
        elif _is_letter(char):
            if is_no_space(char[0]):
                current = begin(i, letter=True, solo=True)
            elif current is not None and not current.solo:
                current.chars.append(i)
                current.letters.append(i)
            else:
                current = begin(i, letter=True)
        elif category.startswith("M"):  # a mark belongs to the letter before it
            if current is not None:
                current.chars.append(i)
            elif tokens:
                tokens[-1].chars.append(i)
            else:
                prefix.append(i)
        elif category in _OPENING and (current is None or current.solo):
            prefix.append(i)
        elif current is not None:
            current.chars.append(i)  # closing punctuation, symbols inside a word
        else:
            current = begin(i, letter=False)  # no letter yet: merged later if none comes
    if prefix:
        if tokens:
            tokens[-1].chars.extend(prefix)
        else:
            tokens.append(_Token(chars=list(prefix)))
    return tokens


def _merge_unspoken(tokens: list[_Token]) -> list[_Token]:
    """Tokens without a letter join the word before them (the first word, at the start).
    Text without any letter has no words."""
    merged: list[_Token] = []
    leading: list[int] = []
    for token in tokens:
        if token.letters:
            token.chars = [*leading, *token.chars]
            leading = []
            merged.append(token)
        elif merged:
            merged[-1].chars.extend(token.chars)
        else:
            leading.extend(token.chars)
    return merged


def _time_ok(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value >= 0


def _bad(message: str) -> ProviderError:
    return bad_response(f"ElevenLabs returned an unusable alignment: {message}")
