"""The language gate: a story's language is checked before anything is paid for.

A project's explicit language is checked when the project is written (400 naming
`settings.language`); "auto" is detected from the prompt and checked again when the script step
starts, before the script writer is called, so a language the providers or fonts can't handle
fails the job at the script stage, never at assembly after every image, clip and voice was paid.
"""

from __future__ import annotations

from common.domain.errors import InvalidInputError
from common.domain.languages import LANGUAGES, LanguageSupport
from common.ports import LanguageDetector

FIELD = "settings.language"


class LanguageGate:
    """What the configured providers speak, and the detector that reads a prompt's language."""

    def __init__(self, support: LanguageSupport, detector: LanguageDetector) -> None:
        self.support = support
        self._detector = detector

    def check_setting(self, language: str) -> None:
        """At project write: an explicit language the chain can't handle is a 400 naming
        `settings.language` ("auto" is checked when the script is written)."""
        if language != "auto":
            self.support.check(language, FIELD)

    def resolve(self, language: str, prompt: str) -> str:
        """The language the story will be told in: `language`, or the prompt's when "auto".

        Raises InvalidInputError naming `settings.language` when it can't be told end to end;
        for a detected language the message says it was detected and how to choose another.
        """
        if language != "auto":
            self.support.check(language, FIELD)
            return language
        detected = self._detector.detect(prompt)
        problem = self.support.problem(detected)
        if problem is not None:
            name = LANGUAGES[detected].name if detected in LANGUAGES else detected
            message = (
                f"the prompt looks {name} ({detected}): {problem}; "
                f"set {FIELD} to the language you want"
            )
            raise InvalidInputError(message, fields={FIELD: message})
        return detected
