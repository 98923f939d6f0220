"""Word timings from espeak-ng's word events and the sound itself.

Word texts are the request text as written, punctuation attached ("Hello," "world."); tokens
espeak does not speak ("...", "—") stay with the word before them. Where espeak gives one event
to several written words ("of the"), they share its time by letter count; where it gives several
events to one token ("1,234") or none to a character (the 起 of 一起), they make one word.

Timings follow the sound: a word starts at its event (moved past silence that opens it) and ends
where the next one starts or, before a pause, where its sound stops (10 ms RMS windows). Leading
silence is cut to at most 50 ms and trailing silence set to 150 ms: scene padding is the caller's.
"""

from __future__ import annotations

import itertools
import re

import numpy as np

from common.adapters.offline.voice.library import RawWord, Samples, Speech
from common.domain.assets import WordTiming

_WINDOW_S = 0.01
# espeak's pauses are digital zero and its quietest consonant tails sit well above -50 dBFS.
_SILENCE_RMS = 32768 * 10 ** (-50 / 20)
_LEAD_S = 0.05
_TAIL_S = 0.15
_PAUSE_S = 0.1
_WORDLIKE = re.compile(r"\w")


def word_spans(text: str, raw: list[RawWord]) -> list[tuple[int, int, RawWord]]:
    """Each spoken word as (first char, end char, its event); together they cover the text."""
    groups: list[RawWord] = []
    for event in raw:
        start = min(max(event.start, 0), len(text))
        end = min(max(event.end, start), len(text))
        spoken = not text[start:end].isspace() and start < end
        if groups and (start < groups[-1].end or not spoken or event.ms <= groups[-1].ms):
            # More of the word before: one token read as several words, or no time passed.
            groups[-1].end = max(groups[-1].end, end)
            groups[-1].clause_end = event.clause_end
        elif spoken:
            groups.append(RawWord(start, end, event.ms, event.clause_end))
    bounds = [0]
    for before, after in itertools.pairwise(groups):
        gap = text[before.end : after.start]
        cut = max((i for i, c in enumerate(gap) if c.isspace()), default=-1)
        # Between tokens, a word starts at its token; inside one (CJK), at its event.
        bounds.append(before.end + cut + 1 if cut >= 0 else after.start)
    bounds.append(len(text))
    return [(bounds[i], bounds[i + 1], group) for i, group in enumerate(groups)]


class Loudness:
    """Which 10 ms windows of the PCM hold sound, and where sound begins and ends in a range."""

    def __init__(self, pcm: Samples, rate: int) -> None:
        self.window = max(1, int(rate * _WINDOW_S))
        padded = np.zeros(-(-len(pcm) // self.window) * self.window, dtype=np.float64)
        padded[: len(pcm)] = pcm
        rms = np.sqrt(np.mean(padded.reshape(-1, self.window) ** 2, axis=1))
        self.loud = rms > _SILENCE_RMS

    def first(self, a: int = 0, b: int | None = None) -> int | None:
        """The first sample of sound in [a, b), at window precision."""
        w = self.window
        b = len(self.loud) * w if b is None else b
        hits = np.flatnonzero(self.loud[a // w : -(-b // w)] if a < b else self.loud[:0])
        return max(a, (a // w + int(hits[0])) * w) if hits.size else None

    def last(self, a: int = 0, b: int | None = None) -> int | None:
        """Where sound in [a, b) ends, at window precision.

        Only windows wholly before `b` count: the one across `b` holds the next word's onset.
        """
        w = self.window
        b = len(self.loud) * w if b is None else b
        hits = np.flatnonzero(self.loud[a // w : b // w] if a < b else self.loud[:0])
        return min(b, (a // w + int(hits[-1]) + 1) * w) if hits.size else None


def align(text: str, speech: Speech) -> tuple[Samples, list[WordTiming]]:
    """Trimmed audio and word timings in seconds into that audio."""
    pcm, rate = speech.pcm, speech.rate
    sound = Loudness(pcm, rate)
    spans = word_spans(text, speech.words)
    events = [min(group.ms * rate // 1000, len(pcm)) for _, _, group in spans]
    # A word is heard from its event, or later if its stretch opens with silence.
    starts = []
    for at, until in itertools.pairwise([*events, len(pcm)]):
        found = sound.first(at, until)
        starts.append(at if found is None else found)
    ends: list[int] = []
    for i, (_, _, group) in enumerate(spans):
        start = starts[i] = max(starts[i], ends[-1]) if ends else starts[i]
        last = i + 1 == len(spans)
        limit = len(pcm) if last else max(starts[i + 1], start)
        heard = sound.last(start, limit)
        if heard is None:  # no sound of its own: keep the span (a short one at the very end)
            end = min(limit, start + int(0.25 * rate)) if last else limit
        elif last or group.clause_end or limit - heard >= _PAUSE_S * rate:
            end = heard  # before a pause: where the voice stops
        else:
            end = limit
        ends.append(max(end, start + 1))

    voice_from, voice_to = sound.first(), sound.last()
    lead = max(0, voice_from - int(_LEAD_S * rate)) if voice_from is not None else 0
    lead = min([lead, *starts])
    stop = max([voice_to or 0, *ends]) + int(_TAIL_S * rate)
    audio = np.zeros(stop - lead, dtype=np.int16)
    kept = pcm[lead:stop]
    audio[: len(kept)] = kept
    words = [
        WordTiming(text=text[a:b], start_s=(s - lead) / rate, end_s=(e - lead) / rate)
        for (start, end, (span_from, span_to, _)) in zip(starts, ends, spans, strict=True)
        for a, b, s, e in split_words(text, span_from, span_to, start, end)
    ]
    return audio, words


def split_words(text: str, a: int, b: int, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """text[a:b], heard over samples [start, end), as (from, to, start, end) per written word.

    espeak reads some word pairs as one ("of the", "did not") with a single event: their time is
    shared by letter count. Tokens without a letter or digit (a lone dash, "...") are not words
    and stay with the word before them (after them at the start).
    """
    tokens: list[list[int]] = []
    loose: int | None = None  # where leading unspoken tokens begin
    for match in re.finditer(r"\S+", text[a:b]):
        t_from, t_to = a + match.start(), a + match.end()
        if not _WORDLIKE.search(match.group()):
            if tokens:
                tokens[-1][1] = t_to
            elif loose is None:
                loose = t_from
        else:
            tokens.append([t_from if loose is None else loose, t_to])
            loose = None
    span = text[a:b]
    first = a + len(span) - len(span.lstrip())
    whole = [(first, first + len(span.strip()), start, end)]
    if len(tokens) < 2:
        return whole
    weights = [len(_WORDLIKE.findall(text[f:t])) for f, t in tokens]
    total, done, cuts = sum(weights), 0, [start]
    for weight in weights:
        done += weight
        cuts.append(start + (end - start) * done // total)
    if any(x >= y for x, y in itertools.pairwise(cuts)):
        return whole  # too short to share
    return [(f, t, cuts[i], cuts[i + 1]) for i, (f, t) in enumerate(tokens)]
