"""Text from people and models, made safe to store, show and render: one place, two types.

Every user string in a command (and every text field of a story, which a model writes) is
validated as `UserText` (one line) or `UserMultiline` (lines kept), before length limits apply:

- Unicode is NFC-normalised (a composed "é", not "e" + combining accent: one hash, one width);
- control characters (C0/C1), surrogates, private-use and unassigned code points are dropped, and
  so are the bidi embeddings and overrides U+202A-U+202E (text that displays in another order
  than it reads: "Trojan Source"); marks, isolates, ZWJ/ZWNJ and emoji stay;
- whitespace runs become one space; `UserText` turns line breaks into spaces, `UserMultiline`
  keeps them as "\\n" (at most one blank line in a row) and trims each line.

Text rendered into media is escaped again where it is used (common/media/text/captions.py).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BeforeValidator

_DROPPED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
_BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than a newline


def _kept(text: str) -> str:
    """`text` NFC-normalised, line breaks as "\\n", tabs as spaces, unsafe characters dropped."""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    out = []
    for ch in text:
        if ch == "\n" or ch == "\t":
            out.append(" " if ch == "\t" else ch)
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES and ch not in _BIDI_OVERRIDES:
            out.append(ch)
    return "".join(out)


def clean_text(value: str) -> str:
    """One line: NFC, unsafe characters dropped, every whitespace run (newlines too) one space."""
    return " ".join(_kept(value).split())


def clean_multiline(value: str) -> str:
    """Lines kept: NFC, unsafe characters dropped, spaces collapsed and trimmed on each line,
    at most one blank line in a row, none at either end."""
    lines = [_SPACES.sub(" ", line).strip() for line in _kept(value).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _line(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _lines(value: object) -> object:
    return clean_multiline(value) if isinstance(value, str) else value


# Length limits go after the type, as Field(max_length=...): they apply to the cleaned text.
UserText = Annotated[str, BeforeValidator(_line)]
UserMultiline = Annotated[str, BeforeValidator(_lines)]
