"""The language gate: a story's language and voice are checked before anything is paid for.

A project's explicit language is checked when the project is written (400 naming
`settings.language`); "auto" is detected from the prompt and checked again when the script step
starts, before the script writer is called, so a language the providers or fonts can't handle
fails the job at the script stage, never at assembly after every image, clip and voice was paid.
The voice (`settings.voice`) must be one the narrator has, speaking that language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from common.domain import voices
from common.domain.errors import InvalidInputError, ProviderError
from common.domain.languages import LANGUAGES, LanguageSupport, names
from common.domain.pacing import base_language
from common.domain.voices import LanguageEntry, LanguageList
from common.ports import LanguageDetector, VoiceCatalogue

log = logging.getLogger(__name__)

FIELD = "settings.language"


class LanguageGate:
    """What the configured providers speak, and the detector that reads a prompt's language."""

    def __init__(
        self,
        support: LanguageSupport,
        detector: LanguageDetector,
        voices: Callable[[], VoiceCatalogue] | None = None,
    ) -> None:
        self.support = support
        self._detector = detector
        self._voices = voices

    def listed(self) -> LanguageList:
        """Every language a story can be told in end to end here (writer, narrator, fonts)."""
        return LanguageList(
            languages=[
                LanguageEntry(code=code, name=lang.name, script=lang.script, rtl=lang.rtl)
                for code, lang in LANGUAGES.items()
                if self.support.problem(code) is None
            ]
        )

    def check_setting(self, language: str, voice: str = voices.DEFAULT) -> None:
        """At project write: an explicit language the chain can't handle is a 400 naming
        `settings.language` ("auto" is checked when the script is written), a voice the
        narrator lacks or that speaks another language one naming `settings.voice`."""
        if language != "auto":
            self.support.check(language, FIELD)
        self.check_voice(language, voice)

    def check_voice(self, language: str, voice: str) -> None:
        """InvalidInputError naming `settings.voice` when the narrator has no voice `voice`, or
        it does not speak `language` (unless "auto"). When the provider can't be asked now, the
        voice is let through: the narration step names it if it is wrong."""
        if voice == voices.DEFAULT or self._voices is None:
            return
        try:
            found = self._voices().find(voice)
        except ProviderError as exc:
            log.warning("voice %r not checked: %s", voice, exc.message)
            return
        if found is None:
            problem = (
                f"the {self.support.narrator} narrator has no voice {voice!r}; "
                "GET /v1/voices?language=xx lists its voices, or use 'default'"
            )
        elif language != "auto" and base_language(language) not in found.languages:
            code = base_language(language)
            wanted = LANGUAGES[code].name if code in LANGUAGES else repr(language)
            problem = f"voice {voice!r} speaks {names(set(found.languages))}, not {wanted}"
        else:
            return
        raise InvalidInputError(problem, fields={voices.FIELD: problem})

    def resolve(self, language: str, prompt: str, voice: str = voices.DEFAULT) -> str:
        """The language the story will be told in: `language`, or the prompt's when "auto".

        Raises InvalidInputError naming `settings.language` when it can't be told end to end;
        for a detected language the message says it was detected and how to choose another.
        """
        if language != "auto":
            self.support.check(language, FIELD)
            self.check_voice(language, voice)
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
        self.check_voice(detected, voice)
        return detected
