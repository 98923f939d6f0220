"""Pacing: how long words take to say, how scenes are padded and filmed, how many a video has.

One owner for the numbers the script writers, quotas, the editor, the pipeline and assembly must
agree on (STYLE 15). The first round had them in three places with three answers: 10-180 s here,
5-300 s in the offline writer, a 0.6-1.5x tolerance in the Gemini mapping; padding written twice;
a scene's length computed one way by the narration step (a transition added even before a cut,
no frame rounding) and another by assembly. Now a scene's length is computed once, by
`scene_length`, stored on the job by the narration step and read by assembly.

A scene on screen is: lead-in silence, its narration, a tail of silence, then (unless it is the
last scene or cuts) the transition into the next scene, which overlaps the next scene's start.
Lengths are whole frames, so a scene that only moved in time keeps its encoded segment.

Speech is estimated per narrator (`SpeakingRates`): the offline narrator (espeak-ng at 165 wpm)
measured on generated stories says English at 2.85 words/s, Chinese at 3.35 characters/s, Arabic
at 1.75 words/s; ElevenLabs voices read about 150 words a minute (2.5 words/s), Chinese about
4 and Japanese about 5 characters a second. Languages written without spaces are counted in
characters, every other one in words, whoever speaks them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ClipSeconds = Literal[4, 6, 8]
# The clip lengths the video model makes (Veo 3.1: 4, 6 or 8 s), shortest first.
CLIP_SECONDS: tuple[ClipSeconds, ...] = (4, 6, 8)

# The length a creator may ask for, and what an edited story may grow to.
MIN_VIDEO_S = 10
MAX_VIDEO_S = 180

# Silence around a scene's narration (assembly starts the voice LEAD_IN_S into the scene).
LEAD_IN_S = 0.3
TAIL_S = 0.5
PADDING_S = LEAD_IN_S + TAIL_S
# The most narration one scene carries: the longest clip less the padding.
MAX_NARRATION_S = CLIP_SECONDS[-1] - PADDING_S
# How long a transition (crossfade, dip, slide) overlaps the next scene; a cut overlaps nothing.
TRANSITION_S = 0.5
# A scene's clip is bought for the scene's own time (lead-in, narration, tail), never for more:
# it may run past it by CLIP_TRIM_S at most and is trimmed (so a 4 s scene buys at most 5% more
# than it shows). What the clip lacks of the scene on screen (the outgoing transition, a line
# between two clip lengths) its last frame holds, zooming gently, up to CLIP_HOLD_S; a clip
# short by more is also slowed (common/media/graph/picture.py: trim, don't stretch).
CLIP_TRIM_S = 0.2
CLIP_HOLD_S = 1.0
# Frames per second of every render: scene lengths are whole frames of it.
FPS = 30

# Scenes a writer plans: about one per SECONDS_PER_SCENE of video, within the planned bounds.
SECONDS_PER_SCENE = 6
MIN_SCENES = 2
MAX_PLANNED_SCENES = 30
# The most scenes a story may have (a model's answer, the editor).
MAX_SCENES = 60
# Characters of narration a second of video can hold at most, whatever the language (speech
# runs at about 15): bounds the narration cost of a story not written yet.
MAX_CHARS_PER_S = 20
# How far a written story's spoken length may stray from the requested duration before the
# writer asks again (the Gemini writer; the offline writer lands within about 15%).
LENGTH_TOLERANCE = (0.6, 1.5)

# Scripts written without spaces between words: counted in characters (Han, kana, Thai, Lao,
# Khmer, Myanmar); a language is counted in characters when its text is in one of them.
_CHAR_SCRIPT = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff"
    r"\u1000-\u109f]"
)
CHARACTER_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "yue"})
# A word is letters and digits with the marks between them: Devanagari, Bengali, Tamil and
# Telugu write most vowels as combining signs ("किताब"), which \w does not match, and a word
# cut at each of them counted twice or three times over.
_MARKS = r"\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0900-\u0dff"
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_MARKS}])*(?:['’][^\W_]+)*")


def base_language(language: str) -> str:
    """The primary subtag of a language tag, lower case: 'zh-CN' -> 'zh'."""
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


def speech_units(text: str, language: str) -> int:
    """What a speaking rate counts: characters (plus any words among them) for languages written
    without spaces, words for every other one."""
    if base_language(language) in CHARACTER_LANGUAGES:
        chars = len(_CHAR_SCRIPT.findall(text))
        return chars + len(_WORD.findall(_CHAR_SCRIPT.sub(" ", text)))
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class SpeakingRates:
    """How fast one narrator speaks: speech units (see `speech_units`) per second by language,
    with a default for languages counted in words and one for those counted in characters."""

    name: str
    per_language: Mapping[str, float] = field(default_factory=dict)
    words_per_s: float = 2.5
    chars_per_s: float = 4.0

    def rate(self, language: str) -> float:
        """Units a second for `language` (its primary subtag)."""
        base = base_language(language)
        if base in self.per_language:
            return self.per_language[base]
        return self.chars_per_s if base in CHARACTER_LANGUAGES else self.words_per_s

    def seconds(self, text: str, language: str) -> float:
        """Seconds this narrator needs to say `text`."""
        return speech_units(text, language) / self.rate(language)

    def units_in(self, seconds: float, language: str) -> int:
        """About how many units this narrator says in `seconds` (at least one)."""
        return max(1, int(seconds * self.rate(language)))


# The offline narrator (espeak-ng, 165 wpm), measured on generated stories.
# Spanish, Portuguese, French, German, Indonesian and Hindi measured the same way (two 60 s
# stories each, every scene narrated: speech units over seconds of voice; Hindi again once its
# words were no longer cut at vowel signs); Japanese (kana with phrase spaces, counted in
# characters) and Korean (words) over three 60 s stories each.
ESPEAK_RATES = SpeakingRates(
    "espeak-ng",
    {"en": 2.85, "zh": 3.35, "ar": 1.75, "es": 2.8, "pt": 2.7, "fr": 3.25, "de": 2.75,
     "id": 2.0, "hi": 2.75, "ja": 6.4, "ko": 1.53},
    words_per_s=2.85,
    chars_per_s=3.35,
)  # fmt: skip
# ElevenLabs voices (multilingual v2, about 150 words a minute). Thai is counted in letters, vowel
# and tone marks included: about 5 syllables a second of 2 to 3 letters each (an estimate, not
# measured here; at the 4 letters a second of the default a 10 s video could hold one clause).
ELEVENLABS_RATES = SpeakingRates("elevenlabs", {"zh": 4.0, "ja": 5.0, "th": 11.0}, 2.5, 4.0)


def clip_for(narration_s: float) -> ClipSeconds:
    """The clip bought for a scene narrated `narration_s`: the longest that the scene's own time
    (padding included) covers, give or take CLIP_TRIM_S; the shortest for a shorter scene.

    So a video is billed about the seconds it shows (issue 18: the shortest clip that held the
    line billed 36 s of Veo for a 30 s video): a scene between two lengths holds its clip's last
    frame for the rest rather than buying the longer clip and cutting it.
    """
    own = narration_s + PADDING_S
    covered = [clip for clip in CLIP_SECONDS if clip <= own + CLIP_TRIM_S + 1e-9]
    return covered[-1] if covered else CLIP_SECONDS[0]


def narration_for(clip: ClipSeconds) -> float:
    """The narration that fills a `clip`-second clip: its scene's own time is the clip's."""
    return clip - PADDING_S


def held_s(narration_s: float) -> float:
    """How long a scene narrated `narration_s` shows more than its clip (before its transition):
    what its clip's last frame holds (negative: the clip is trimmed that much)."""
    return narration_s + PADDING_S - clip_for(narration_s)


def scene_count(duration_s: float) -> int:
    """Scenes a writer plans for a video of `duration_s`: about one per six seconds (halves
    round up), at least MIN_SCENES, at most MAX_PLANNED_SCENES."""
    planned = math.floor(duration_s / SECONDS_PER_SCENE + 0.5)
    return min(MAX_PLANNED_SCENES, max(MIN_SCENES, planned))


def on_frames(seconds: float, fps: int = FPS) -> float:
    """`seconds` rounded to whole frames."""
    return round(seconds * fps) / fps


def spoken_length(narration_s: float, fps: int = FPS) -> float:
    """A scene's own time on screen, in whole frames: lead-in, narration, tail."""
    return on_frames(LEAD_IN_S + narration_s + TAIL_S, fps)


def transition_overlap(transition: str, *, last: bool, fps: int = FPS) -> float:
    """How long a scene overlaps the next one: nothing after the last scene or before a cut."""
    return 0.0 if last or transition == "cut" else on_frames(TRANSITION_S, fps)


def scene_length(narration_s: float, transition: str, *, last: bool, fps: int = FPS) -> float:
    """How long a scene's picture lasts, in whole frames: its spoken length plus the transition
    that overlaps the next scene."""
    return spoken_length(narration_s, fps) + transition_overlap(transition, last=last, fps=fps)


def video_length(narration_s: list[float], fps: int = FPS) -> float:
    """The finished video's length for scenes narrated this long (overlaps counted once)."""
    return sum(spoken_length(n, fps) for n in narration_s)


def planned_length(narrations: list[str], language: str, rates: SpeakingRates) -> float:
    """The video's length as planned from its scenes' words: what estimates and limits count
    before anything is spoken."""
    return video_length([rates.seconds(text, language) for text in narrations])
