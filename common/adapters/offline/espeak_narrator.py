"""Offline narrator: espeak-ng through its C API (ctypes), word timings from its word events.

PyPI `espeakng-loader` ships the library and its voice data. In synchronous mode a callback gets
16-bit mono PCM and events; a WORD event gives the word's place in the text (1-based, counted in
characters, i.e. code points, also for UTF-8 input) and its audio position in ms.

Word texts are the request text as written, punctuation attached ("Hello," "world."); tokens
espeak does not speak ("...", "—") stay with the word before them. Where espeak gives one event
to several written words ("of the"), they share its time by letter count; where it gives several
events to one token ("1,234") or none to a character (the 起 of 一起), they make one word.

Timings follow the sound: a word starts at its event (moved past silence that opens it) and ends
where the next one starts or, before a pause, where its sound stops (10 ms RMS windows). Leading
silence is cut to at most 50 ms and trailing silence set to 150 ms: scene padding is the caller's.

espeak keeps synthesis state in C statics (wavegen.c's flutter index, among others) that carry
over from one message to the next and that no API resets, so the same text spoken twice in one
process differs. For "same request, same bytes" every narration loads the library afresh and
unloads it after (about 10 ms), under one module lock as the library is process-global. The
price: espeak's Terminate does not free everything, so a few KB stay allocated per narration
(about 180 KB when a second dictionary is loaded, e.g. for Latin words in Chinese text).
"""

from __future__ import annotations

import _ctypes
import ctypes
import itertools
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from common.domain.assets import Narration, NarrationRequest, WordTiming
from common.domain.errors import InvalidInputError, ProviderError
from common.media.wav import mono16_wav

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_PROVIDER = "espeak-ng"

# From speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # without it a missing data dir ends the process
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EE_OK = 0
_PARAM_RATE = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_END = 5
_RATE_MIN, _RATE_MAX = 80, 450

_LANGUAGE_VOICES = {"en": "en-us", "zh": "cmn", "ar": "ar"}
_FALLBACK_VOICE = "en-us"

_WINDOW_S = 0.01
# espeak's pauses are digital zero and its quietest consonant tails sit well above -50 dBFS.
_SILENCE_RMS = 32768 * 10 ** (-50 / 20)
_LEAD_S = 0.05
_TAIL_S = 0.15
_PAUSE_S = 0.1
_WORDLIKE = re.compile(r"\w")

Samples = npt.NDArray[np.int16]


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


class _Voice(ctypes.Structure):
    # The leading fields of espeak_VOICE: only read, through pointers espeak owns.
    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_void_p), ("id", ctypes.c_char_p)]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass
class _RawWord:
    """A WORD event: characters [start, end) of the text, heard from `ms`."""

    start: int
    end: int
    ms: int
    clause_end: bool = False


@dataclass
class _Speech:
    pcm: Samples
    rate: int
    words: list[_RawWord]


class EspeakNarrator:
    """Narrator speaking with espeak-ng: offline, deterministic, with real word timings.

    `request.language` picks the voice when `request.voice` is "default" ("en" -> en-us, "zh" ->
    cmn, "ar" -> ar, other codes by espeak's voice of that name, else English with a warning);
    any other `voice` is an espeak voice name, with an optional "+variant" ("en-us+f3").
    """

    uses_context = False  # neighbouring text does not change espeak's speech

    def __init__(self, rate_wpm: int = 165) -> None:
        if not _RATE_MIN <= rate_wpm <= _RATE_MAX:
            raise InvalidInputError(
                f"rate_wpm must be within {_RATE_MIN}..{_RATE_MAX}, got {rate_wpm}",
                fields={"rate_wpm": f"must be within {_RATE_MIN}..{_RATE_MAX}"},
            )
        self.rate_wpm = rate_wpm
        with _LOCK, _library() as (lib, _):
            version = lib.espeak_Info(None).decode()
        self.id = f"{_PROVIDER}/{version}"

    def narrate(self, request: NarrationRequest) -> Narration:
        """Speak request.text; a WAV (mono, 16-bit) with a timing for every spoken word."""
        # NUL would end the C string early; a space keeps every later character position.
        text = request.text.replace("\0", " ")
        speech = _speak(text, request.language, request.voice, self.rate_wpm, request.seed)
        audio, words = _align(text, speech)
        return Narration(
            audio=mono16_wav(audio.astype("<i2").tobytes(), speech.rate),
            mime="audio/wav",
            duration_s=len(audio) / speech.rate,
            words=words,
        )


# ---- the library ---------------------------------------------------------------------------


@contextmanager
def _library() -> Iterator[tuple[Any, Path]]:
    """The library (and its data dir), loaded for one block and unloaded after. Hold _LOCK."""
    import espeakng_loader  # a shared object and its data: found only when first needed

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip
    try:
        yield lib, Path(espeakng_loader.get_data_path())
    finally:
        # Unloading drops espeak's static synthesis state: the next load starts clean.
        _ctypes.dlclose(lib._handle)


def _speak(text: str, language: str, voice: str, rate_wpm: int, seed: int) -> _Speech:
    """Synthesise `text`: all PCM samples and the WORD events, in one fresh library session."""
    chunks: list[bytes] = []
    words: list[_RawWord] = []

    def on_synth(wav: Any, count: int, events: Any) -> int:
        if count > 0 and wav:
            chunks.append(ctypes.string_at(wav, count * 2))
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            event = events[i]
            if event.type == _EVENT_WORD:
                start = event.text_position - 1  # espeak counts from 1
                words.append(_RawWord(start, start + event.length, event.audio_position))
            elif event.type == _EVENT_END and words:
                words[-1].clause_end = True
            i += 1
        return 0

    callback = _SynthCallback(on_synth)
    with _LOCK, _library() as (lib, data_dir):
        sample_rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data_dir.parent).encode(), _INITIALIZE_DONT_EXIT
        )
        if sample_rate <= 0:
            raise ProviderError(
                f"espeak-ng could not start (data in {data_dir})", provider=_PROVIDER
            )
        try:
            _select_voice(lib, data_dir, language, voice)
            lib.espeak_SetParameter(_PARAM_RATE, rate_wpm, 0)
            lib.espeak_ng_SetRandSeed(seed % 2**31)  # Initialize seeds it from the clock
            lib.espeak_SetSynthCallback(callback)
            data = text.encode()
            status = lib.espeak_Synth(
                data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            if status != _EE_OK:
                raise ProviderError(f"espeak-ng synthesis failed ({status})", provider=_PROVIDER)
        finally:
            lib.espeak_Terminate()
    pcm = np.frombuffer(b"".join(chunks), dtype=np.int16)
    return _Speech(pcm=pcm, rate=sample_rate, words=words)


def _select_voice(lib: Any, data_dir: Path, language: str, voice: str) -> None:
    """Set the voice asked for, or the language's voice when `voice` is "default"."""
    if voice != "default":
        if not _voice_exists(lib, data_dir, voice):
            message = f"unknown espeak-ng voice {voice!r}"
            raise ProviderError(message, provider=_PROVIDER, retryable=False, code="invalid_voice")
        return
    tag = language.strip().lower().replace("_", "-")
    primary = tag.split("-")[0]
    candidates = [_LANGUAGE_VOICES.get(tag, tag), _LANGUAGE_VOICES.get(primary, primary)]
    for name in candidates:
        if name and _voice_exists(lib, data_dir, name):
            return
    log.warning("no espeak-ng voice for language %r: speaking English", language)
    if lib.espeak_SetVoiceByName(_FALLBACK_VOICE.encode()) != _EE_OK:
        raise ProviderError("espeak-ng has no English voice", provider=_PROVIDER)


def _voice_exists(lib: Any, data_dir: Path, name: str) -> bool:
    """Select voice `name` ("en-us", "en-us+f3") if espeak has it, variant included."""
    base, plus, variant = name.partition("+")
    # espeak also "finds" variant files and paths as voices, then crashes speaking with them.
    if base.lower() not in _voice_names(lib):
        return False
    if plus:
        if variant.isdigit():  # espeak reads "+3" as m3, "+13" as f3
            variant = f"m{int(variant)}" if int(variant) < 10 else f"f{int(variant) - 10}"
        if "/" in variant or not (data_dir / "voices" / "!v" / variant).is_file():
            return False
    return bool(lib.espeak_SetVoiceByName(name.encode()) == _EE_OK)


def _voice_names(lib: Any) -> set[str]:
    """Lower-case names of espeak's voices: full names, identifiers and their last parts."""
    names: set[str] = set()
    voices = lib.espeak_ListVoices(None)
    i = 0
    while voices[i]:
        voice = voices[i].contents
        identifier = (voice.id or b"").decode(errors="replace").lower()
        name = (voice.name or b"").decode(errors="replace").lower()
        names |= {name, identifier, identifier.rsplit("/")[-1]}
        i += 1
    names.discard("")
    return names


# ---- from events and samples to timings ------------------------------------------------------


def _spans(text: str, raw: list[_RawWord]) -> list[tuple[int, int, _RawWord]]:
    """Each spoken word as (first char, end char, its event); together they cover the text."""
    groups: list[_RawWord] = []
    for event in raw:
        start = min(max(event.start, 0), len(text))
        end = min(max(event.end, start), len(text))
        spoken = not text[start:end].isspace() and start < end
        if groups and (start < groups[-1].end or not spoken or event.ms <= groups[-1].ms):
            # More of the word before: one token read as several words, or no time passed.
            groups[-1].end = max(groups[-1].end, end)
            groups[-1].clause_end = event.clause_end
        elif spoken:
            groups.append(_RawWord(start, end, event.ms, event.clause_end))
    bounds = [0]
    for before, after in itertools.pairwise(groups):
        gap = text[before.end : after.start]
        cut = max((i for i, c in enumerate(gap) if c.isspace()), default=-1)
        # Between tokens, a word starts at its token; inside one (CJK), at its event.
        bounds.append(before.end + cut + 1 if cut >= 0 else after.start)
    bounds.append(len(text))
    return [(bounds[i], bounds[i + 1], group) for i, group in enumerate(groups)]


class _Loudness:
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


def _align(text: str, speech: _Speech) -> tuple[Samples, list[WordTiming]]:
    """Trimmed audio and word timings in seconds into that audio."""
    pcm, rate = speech.pcm, speech.rate
    sound = _Loudness(pcm, rate)
    spans = _spans(text, speech.words)
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
        for a, b, s, e in _split(text, span_from, span_to, start, end)
    ]
    return audio, words


def _split(text: str, a: int, b: int, start: int, end: int) -> list[tuple[int, int, int, int]]:
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
