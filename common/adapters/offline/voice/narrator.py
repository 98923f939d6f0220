"""Offline narrator: espeak-ng speaking through its C API, with word timings from its word
events (voice/library.py speaks, voice/timing.py times the words)."""

from __future__ import annotations

from common.adapters.offline.voice.library import LOCK, PROVIDER, RATE_MAX, RATE_MIN, library, speak
from common.adapters.offline.voice.timing import align
from common.domain.assets import Narration, NarrationRequest
from common.domain.errors import InvalidInputError
from common.media.sources.wav import mono16_wav


class EspeakNarrator:
    """Narrator speaking with espeak-ng: offline, deterministic, with real word timings.

    `request.language` picks the voice when `request.voice` is "default" ("en" -> en-us, "zh" ->
    cmn, "ar" -> ar, other codes by espeak's voice of that name, else English with a warning);
    any other `voice` is an espeak voice name, with an optional "+variant" ("en-us+f3").
    """

    uses_context = False  # neighbouring text does not change espeak's speech

    def __init__(self, rate_wpm: int = 165) -> None:
        if not RATE_MIN <= rate_wpm <= RATE_MAX:
            raise InvalidInputError(
                f"rate_wpm must be within {RATE_MIN}..{RATE_MAX}, got {rate_wpm}",
                fields={"rate_wpm": f"must be within {RATE_MIN}..{RATE_MAX}"},
            )
        self.rate_wpm = rate_wpm
        with LOCK, library() as (lib, _):
            version = lib.espeak_Info(None).decode()
        self.id = f"{PROVIDER}/{version}"

    def narrate(self, request: NarrationRequest) -> Narration:
        """Speak request.text; a WAV (mono, 16-bit) with a timing for every spoken word."""
        # NUL would end the C string early; a space keeps every later character position.
        text = request.text.replace("\0", " ")
        speech = speak(text, request.language, request.voice, self.rate_wpm, request.seed)
        audio, words = align(text, speech)
        return Narration(
            audio=mono16_wav(audio.astype("<i2").tobytes(), speech.rate),
            mime="audio/wav",
            duration_s=len(audio) / speech.rate,
            words=words,
        )
