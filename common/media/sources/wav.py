"""WAV files around raw PCM: what narrators hand the assembly when they produce samples."""

from __future__ import annotations

import io
import wave


def mono16_wav(pcm: bytes, rate: int) -> bytes:
    """A complete WAV file around 16-bit little-endian mono PCM sampled at `rate` Hz."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()
