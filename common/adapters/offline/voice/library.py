"""espeak-ng through its C API (ctypes): one fresh library session per narration.

PyPI `espeakng-loader` ships the library and its voice data. In synchronous mode a callback gets
16-bit mono PCM and events; a WORD event gives the word's place in the text (1-based, counted in
characters, i.e. code points, also for UTF-8 input) and its audio position in ms.

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
import functools
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from common.domain.errors import ProviderError
from common.domain.languages import ESPEAK_VOICES

log = logging.getLogger(__name__)

LOCK = threading.Lock()
PROVIDER = "espeak-ng"

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
RATE_MIN, RATE_MAX = 80, 450


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
class RawWord:
    """A WORD event: characters [start, end) of the text, heard from `ms`."""

    start: int
    end: int
    ms: int
    clause_end: bool = False


@dataclass
class Speech:
    pcm: Samples
    rate: int
    words: list[RawWord]


@contextmanager
def library() -> Iterator[tuple[Any, Path]]:
    """The library (and its data dir), loaded for one block and unloaded after. Hold LOCK."""
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


def _initialize(lib: Any, data_dir: Path) -> int:
    """Start a synchronous session (call espeak_Terminate after); its sample rate."""
    rate = int(
        lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data_dir.parent).encode(), _INITIALIZE_DONT_EXIT
        )
    )
    if rate <= 0:
        raise ProviderError(f"espeak-ng could not start (data in {data_dir})", provider=PROVIDER)
    return rate


def speak(text: str, language: str, voice: str, rate_wpm: int, seed: int) -> Speech:
    """Synthesise `text`: all PCM samples and the WORD events, in one fresh library session."""
    chunks: list[bytes] = []
    words: list[RawWord] = []

    def on_synth(wav: Any, count: int, events: Any) -> int:
        if count > 0 and wav:
            chunks.append(ctypes.string_at(wav, count * 2))
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            event = events[i]
            if event.type == _EVENT_WORD:
                start = event.text_position - 1  # espeak counts from 1
                words.append(RawWord(start, start + event.length, event.audio_position))
            elif event.type == _EVENT_END and words:
                words[-1].clause_end = True
            i += 1
        return 0

    callback = _SynthCallback(on_synth)
    with LOCK, library() as (lib, data_dir):
        sample_rate = _initialize(lib, data_dir)
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
                raise ProviderError(f"espeak-ng synthesis failed ({status})", provider=PROVIDER)
        finally:
            lib.espeak_Terminate()
    pcm = np.frombuffer(b"".join(chunks), dtype=np.int16)
    return Speech(pcm=pcm, rate=sample_rate, words=words)


def _select_voice(lib: Any, data_dir: Path, language: str, voice: str) -> None:
    """Set the voice asked for, or the language's voice when `voice` is "default"."""
    if voice != "default":
        if not _voice_exists(lib, data_dir, voice):
            message = f"unknown espeak-ng voice {voice!r}"
            raise ProviderError(message, provider=PROVIDER, retryable=False, code="invalid_voice")
        return
    tag = language.strip().lower().replace("_", "-")
    primary = tag.split("-")[0]
    candidates = [ESPEAK_VOICES.get(tag, tag), ESPEAK_VOICES.get(primary, primary)]
    for name in candidates:
        if name and _voice_exists(lib, data_dir, name):
            return
    # Never another language's voice: an English voice reading Hindi is not a narration.
    message = f"espeak-ng has no voice for language {language!r}"
    raise ProviderError(message, provider=PROVIDER, retryable=False, code="unsupported_language")


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


@dataclass(frozen=True)
class InstalledVoice:
    """One of espeak-ng's voices: its identifier ("gmw/en-US"), name and language tags."""

    identifier: str
    name: str
    languages: tuple[str, ...]  # "en-us", "en", ... most specific first

    @property
    def short(self) -> str:
        """What selects it by name ("en-us")."""
        return self.identifier.rsplit("/", 1)[-1].lower()


@functools.cache
def installed_voices() -> tuple[InstalledVoice, ...]:
    """Every voice espeak-ng has (read once: the data ships with the package)."""
    found = []
    with LOCK, library() as (lib, data_dir):
        _initialize(lib, data_dir)
        try:
            voices = lib.espeak_ListVoices(None)
            i = 0
            while voices[i]:
                voice = voices[i].contents
                found.append(
                    InstalledVoice(
                        identifier=(voice.id or b"").decode(errors="replace"),
                        name=(voice.name or b"").decode(errors="replace"),
                        languages=_languages(voice.languages),
                    )
                )
                i += 1
        finally:
            lib.espeak_Terminate()
    return tuple(found)


def _languages(packed: int | None) -> tuple[str, ...]:
    """espeak_VOICE.languages: (priority byte, NUL-terminated tag) pairs, ended by a 0 byte."""
    tags: list[str] = []
    at = packed
    while at and ctypes.string_at(at, 1) != b"\0":
        tag = ctypes.string_at(at + 1)
        tags.append(tag.decode(errors="replace").lower())
        at += len(tag) + 2
    return tuple(tags)


@functools.cache
def variant_names() -> frozenset[str]:
    """The voice variants espeak-ng ships ("f3", "m7", "klatt"...): "<voice>+<variant>"."""
    import espeakng_loader

    folder = Path(espeakng_loader.get_data_path()) / "voices" / "!v"
    return frozenset(p.name for p in folder.iterdir() if p.is_file())
