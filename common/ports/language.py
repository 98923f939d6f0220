"""The language detector port: which language a prompt is written in."""

from __future__ import annotations

from typing import Protocol


class LanguageDetector(Protocol):
    """Tells the language of a text, offline."""

    def detect(self, text: str) -> str:
        """The ISO 639-1 code of the language `text` is written in; "en" when the text is too
        short or too mixed to tell."""
        ...
