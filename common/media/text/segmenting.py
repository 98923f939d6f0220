"""Where a caption line may break in text written without spaces (Thai, Japanese, Chinese).

Thai writes no space between words and Japanese none between phrases: a line cut after any
letter splits a word in two ("เรียน|วาด" is fine, "เรี|ยน" is not), and libass, which wraps only
at spaces, can't help. BudouX (Google's segmenter, pure Python, its models in the package,
about 60 ms to load the three of them) finds the phrase boundaries a reader expects: Japanese
bunsetsu ("小さな|ロボットが|夕焼けの|絵を"), Thai words, and for Chinese mostly single characters,
which is how Chinese captions break anyway. The model is chosen by the text's letters: any kana
is Japanese, Thai letters are Thai, other Han text is (simplified) Chinese.

A break is never put inside a run of Latin letters or digits ("Python", "2024") or before a
combining mark (a Thai vowel sign belongs to its consonant).
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

_PARSERS = {
    "ja": "load_default_japanese_parser",
    "th": "load_default_thai_parser",
    "zh": "load_default_simplified_chinese_parser",
}


def segmenter_language(text: str) -> str | None:
    """The BudouX model for `text`: "ja" with any kana, "th" with Thai letters, "zh" with Han,
    None for text that has none of them (it breaks at spaces)."""
    han = False
    for c in text:
        code = ord(c)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9D:
            return "ja"
        if 0x0E00 <= code <= 0x0E7F:
            return "th"
        han = han or 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF
    return "zh" if han else None


@functools.cache
def _parser(language: str) -> Any:
    import budoux

    return getattr(budoux, _PARSERS[language])()


def break_offsets(text: str) -> set[int]:
    """Character offsets 0 < k < len(text) before which a line may break."""
    language = segmenter_language(text)
    if language is None:
        return set()
    offsets, at = set(), 0
    for segment in _parser(language).parse(text):
        at += len(segment)
        offsets.add(at)
    return {k for k in offsets if 0 < k < len(text) and breakable(text, k)}


def breakable(text: str, k: int) -> bool:
    """Whether a line may end before text[k] at all: not before a combining mark, not inside
    a run of Latin letters or digits."""
    before, after = text[k - 1], text[k]
    if unicodedata.category(after) in ("Mn", "Mc", "Me"):
        return False
    return not (_spaced_alnum(before) and _spaced_alnum(after))


def _spaced_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def cut_run(
    text: str, word_ends: Sequence[int], fits: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """`text` (a run of words written without spaces between them, each ending at one of
    `word_ends`) cut into units, as (first char, end char).

    A narrator that timed the run letter by letter (every word one letter, with its marks and
    punctuation: ElevenLabs) gets units that end where the segmenter allows a break; one that
    timed words or phrases (espeak-ng) keeps its words, which follow the text as written. A
    unit that does not `fit` a line is cut at every break the segmenter allows inside it, then,
    if still too wide, at any letter.
    """
    allowed = break_offsets(text)
    starts = [0, *word_ends[:-1]]
    by_letter = all(_letters(text[a:b]) <= 1 for a, b in zip(starts, word_ends, strict=True))
    ends = set(word_ends[:-1])
    cuts = [0, *sorted(allowed & ends if by_letter else ends), len(text)]
    pieces: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(cuts):
        if fits(text[a:b]):
            pieces.append((a, b))
            continue
        inner = sorted(k for k in allowed if a < k < b)
        for c, d in itertools.pairwise([a, *inner, b]):
            if fits(text[c:d]):
                pieces.append((c, d))
            else:
                letters = [k for k in range(c + 1, d) if breakable(text, k)]
                pieces += itertools.pairwise([c, *letters, d])
    return [(a, b) for a, b in pieces if b > a]


def _letters(text: str) -> int:
    """Letters and digits, not counting the marks that belong to them."""
    return sum(c.isalnum() and unicodedata.category(c) not in ("Mn", "Mc") for c in text)
