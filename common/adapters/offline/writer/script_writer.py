"""OfflineScriptWriter: a story from a prompt with templates and rules, no network and no model.

The same (prompt, seed, duration, language) always gives the same Story, with each platform's
listing (writer/listing.py). The prompt is read into
a Premise (who, what happens, where), a cast is named and given fixed looks, and the story's arc
(hook, development, turn, resolution) is told in lines sized to the requested duration: each
scene's narration is estimated at the narrator's speaking rate, fits a 4, 6 or 8 s clip with
0.8 s of padding, and the scenes add up to the requested duration within about 15%.

Languages: those with a folder in data/ (WRITER_LANGUAGES). "auto" tells the story in the
prompt's language (a LanguageDetector reads it); a language the writer does not speak, asked for
or detected, is an InvalidInputError naming `language`, what the writer speaks and how to use
Gemini instead, never a story in another language.
"""

from __future__ import annotations

from common.adapters.langid.detector import LangidDetector
from common.adapters.offline.writer.draft import Draft
from common.adapters.offline.writer.listing import offline_listings
from common.adapters.offline.writer.premise import Premise, clean_prompt
from common.adapters.offline.writer.read_en import analyse_en
from common.adapters.offline.writer.read_intl import analyse_any, analyse_ar, analyse_zh
from common.adapters.offline.writer.tables import writer_languages
from common.adapters.offline.writer.topics import new_episode
from common.domain.assets import ScriptRequest
from common.domain.errors import InvalidInputError
from common.domain.languages import GEMINI_HINT, LANGUAGES, names
from common.domain.pacing import (
    ESPEAK_RATES,
    MAX_VIDEO_S,
    MIN_VIDEO_S,
    SpeakingRates,
    base_language,
)
from common.domain.story import Story
from common.ports import LanguageDetector


def analyse(text: str, language: str) -> Premise:
    """Read a cleaned prompt written in `language` (English rules for a language the writer
    has no reader for)."""
    readers = {"zh": analyse_zh, "ar": analyse_ar, "en": analyse_en}
    if language in readers:
        return readers[language](text)
    if language in writer_languages():
        return analyse_any(text, language)
    return analyse_en(text)


class OfflineScriptWriter:
    """A ScriptWriter that needs nothing but this process: deterministic, offline, instant."""

    id = "offline-writer/1"

    def __init__(
        self, rates: SpeakingRates = ESPEAK_RATES, detector: LanguageDetector | None = None
    ) -> None:
        # The narrator that will speak the story: scenes are sized at its speaking rates.
        self.rates = rates
        self._detector = detector or LangidDetector()

    def story_language(self, requested: str, text: str) -> str:
        """The language the story is told in: `requested`, or the prompt's for "auto".

        Raises InvalidInputError naming `language` when the writer does not speak it.
        """
        tag = (requested or "auto").strip()
        detected = tag.lower() == "auto"
        code = self._detector.detect(text) if detected else base_language(tag)
        if code not in writer_languages():
            name = LANGUAGES[code].name if code in LANGUAGES else repr(tag)
            said = "the prompt looks " + name if detected else name + " was asked for"
            message = (
                f"{said}, but the offline script writer tells stories in "
                f"{names(set(writer_languages()))}; {GEMINI_HINT}"
            )
            raise InvalidInputError(message, fields={"language": message})
        return code

    def write(self, request: ScriptRequest) -> Story:
        """A complete story for the prompt, sized to the requested duration.

        Raises InvalidInputError naming `prompt` (empty, or nothing left once emoji are removed)
        or `duration_s` (outside the video lengths common/domain/pacing.py allows).
        """
        text = clean_prompt(request.prompt)
        if not MIN_VIDEO_S <= request.duration_s <= MAX_VIDEO_S:
            raise InvalidInputError(
                f"duration_s must be between {MIN_VIDEO_S} and {MAX_VIDEO_S} seconds",
                fields={"duration_s": f"must be between {MIN_VIDEO_S} and {MAX_VIDEO_S}"},
            )
        if request.avoid_topics:  # a series' next episode: not a title told before
            story = new_episode(
                request, lambda r: self.write(r.model_copy(update={"avoid_topics": []}))
            )
        else:
            language = self.story_language(request.language, text)
            detected = language if request.language == "auto" else self._detector.detect(text)
            premise = analyse(text, detected)
            story = Draft(premise, language, request, self.rates).story()
        return story.model_copy(update={"listings": offline_listings(story)})
