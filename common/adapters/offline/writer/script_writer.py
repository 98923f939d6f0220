"""OfflineScriptWriter: a story from a prompt with templates and rules, no network and no model.

The same (prompt, seed, duration, language) always gives the same Story. The prompt is read into
a Premise (who, what happens, where), a cast is named and given fixed looks, and the story's arc
(hook, development, turn, resolution) is told in lines sized to the requested duration: each
scene's narration is estimated at the narrator's speaking rate, fits a 4, 6 or 8 s clip with
0.8 s of padding, and the scenes add up to the requested duration within about 15%.

Languages: "auto" reads the prompt's script (Han -> zh, Arabic -> ar, otherwise en); "en", "zh"
and "ar" (and tags such as "zh-CN") are honoured; any other language is written with the English
templates and the Story says "en", because that is the language the narration is in.
"""

from __future__ import annotations

import re

from common.adapters.offline.writer.draft import Draft
from common.adapters.offline.writer.premise import Premise, clean_prompt, detect_language
from common.adapters.offline.writer.read_en import analyse_en
from common.adapters.offline.writer.read_intl import analyse_ar, analyse_zh
from common.adapters.offline.writer.topics import new_episode
from common.domain.assets import ScriptRequest
from common.domain.errors import InvalidInputError
from common.domain.pacing import ESPEAK_RATES, MAX_VIDEO_S, MIN_VIDEO_S, SpeakingRates
from common.domain.story import Story

_SUPPORTED = ("en", "zh", "ar")


def story_language(requested: str, text: str) -> str:
    """The language the story is told in: detected for "auto", English for unsupported ones."""
    tag = (requested or "auto").strip().lower()
    if tag in ("", "auto"):
        return detect_language(text)
    primary = re.split(r"[-_]", tag)[0]
    return primary if primary in _SUPPORTED else "en"


def analyse(text: str) -> Premise:
    """Read a cleaned prompt in whichever language it is written."""
    readers = {"zh": analyse_zh, "ar": analyse_ar}
    return readers.get(detect_language(text), analyse_en)(text)


class OfflineScriptWriter:
    """A ScriptWriter that needs nothing but this process: deterministic, offline, instant."""

    id = "offline-writer/1"

    def __init__(self, rates: SpeakingRates = ESPEAK_RATES) -> None:
        # The narrator that will speak the story: scenes are sized at its speaking rates.
        self.rates = rates

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
            return new_episode(
                request, lambda r: self.write(r.model_copy(update={"avoid_topics": []}))
            )
        language = story_language(request.language, text)
        return Draft(analyse(text), language, request, self.rates).story()
