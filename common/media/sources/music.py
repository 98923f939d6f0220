"""The offline music bed: a soft ambient pad synthesised the same way every time.

Four chords (Am, F, C, G: vi-IV-I-V in C major) of four notes each, 8 s a chord, crossfaded over
2 s with complementary sin^2/cos^2 ramps so the level never dips. Each note is two voices
detuned by a fraction of a hertz (a slow shimmer), one leaning left and one right, each a
triangle-like tone (fundamental, a soft 2nd and 3rd harmonic: nothing above ~1 kHz, so the pad
stays under the voice's band), and the whole bed swells gently every 16 s.

Every frequency is a whole number of cycles in the 32 s loop, so the file loops without a seam
(the graph loops it with -stream_loop, like a user's track, and fades and ducks it the same
way). Every tone is then one bin of the loop's spectrum, so the 32 s are a few inverse FFTs
(a fraction of a second), made once per process and written where asked: cheaper than the same
sines evaluated sample by sample inside the ffmpeg graph (aevalsrc).
"""

from __future__ import annotations

import functools
import io
import math
import wave
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

LOOP_S = 32
RATE = 24_000  # the pad holds nothing above ~1.1 kHz; the graph resamples to 48 kHz
PEAK = 0.5
CHORD_S = 8.0
FADE_S = 2.0  # each chord change is a crossfade this long
DETUNE_HZ = 0.125  # +/- per voice: the two voices beat every 4 s
HARMONICS = ((1, 1.0), (2, 0.18), (3, 0.06))
# Notes of each chord, low to high (Hz): Am, F, C, G.
CHORDS = (
    (110.00, 164.81, 220.00, 261.63),
    (87.31, 130.81, 174.61, 220.00),
    (130.81, 196.00, 261.63, 329.63),
    (98.00, 146.83, 196.00, 246.94),
)


def ambient_bed(path: Path) -> Path:
    """Write the ambient bed (a 32 s seamless loop, 16-bit stereo WAV) to `path`."""
    path.write_bytes(ambient_bed_wav())
    return path


@functools.lru_cache(maxsize=1)
def ambient_bed_wav() -> bytes:
    """The ambient bed as the bytes of a WAV file (made once per process)."""
    import numpy as np  # lazy: only where a bed is made

    n = LOOP_S * RATE
    t = np.arange(n) / RATE
    left, right = np.zeros(n), np.zeros(n)
    # The envelopes are slow: computed at a control rate and interpolated.
    control = np.arange(0, LOOP_S + 0.01, 0.01)
    for c, chord in enumerate(CHORDS):
        envelope = np.interp(t, control, _chord_envelope(control, c))
        for side, sign in ((left, -1.0), (right, 1.0)):
            # Every frequency is a whole number of cycles per loop, i.e. one FFT bin of the
            # loop: the chord's tones are one inverse FFT instead of a sine per tone.
            spectrum = np.zeros(n // 2 + 1, dtype=complex)
            for k, note in enumerate(chord):
                level = 1.0 / (1.0 + 0.35 * k)  # lower notes louder, like a pad's voicing
                for harmonic, weight in HARMONICS:
                    cycles = round(harmonic * (note + sign * DETUNE_HZ) * LOOP_S)
                    spectrum[cycles] += level * weight * n / 2 * np.exp(1j * (k + harmonic))
            side += envelope * np.fft.irfft(spectrum, n)
    swell = 0.85 + 0.15 * np.sin(2 * np.pi * t / (LOOP_S / 2))
    # Each side hears its own voices fully and the other side's at half.
    stereo = np.stack([left + 0.5 * right, right + 0.5 * left], axis=1) * swell[:, None]
    stereo *= PEAK / float(np.abs(stereo).max())
    pcm = (stereo * 32767).round().astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm.tobytes())
    return out.getvalue()


def _chord_envelope(t: np.ndarray, index: int) -> np.ndarray:
    """Chord `index`'s level over time: 1 in its slot, sin^2 ramps over FADE_S at each edge,
    periodic over the loop; the chords' envelopes sum to 1 everywhere."""
    import numpy as np

    # u: seconds since the chord's slot began, wrapped to [-LOOP_S/2, LOOP_S/2).
    u = (t - index * CHORD_S + LOOP_S / 2) % LOOP_S - LOOP_S / 2
    half = FADE_S / 2
    rise = np.clip((u + half) / FADE_S, 0.0, 1.0)
    fall = np.clip((CHORD_S + half - u) / FADE_S, 0.0, 1.0)
    envelope: np.ndarray = np.sin(math.pi / 2 * np.minimum(rise, fall)) ** 2
    return envelope
