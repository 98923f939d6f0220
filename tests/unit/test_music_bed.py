"""The offline ambient bed: deterministic, seamless when looped, soft, below the voice band."""

from __future__ import annotations

import io
import wave

import numpy as np

from common.media.sources.music import LOOP_S, PEAK, RATE, ambient_bed_wav


def samples() -> np.ndarray:
    with wave.open(io.BytesIO(ambient_bed_wav())) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, RATE)
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return pcm.reshape(-1, 2).astype(float) / 32767


def test_the_bed_is_a_32_second_stereo_loop_peaking_at_half_scale() -> None:
    bed = samples()
    assert len(bed) == LOOP_S * RATE
    assert np.abs(bed).max() == np.float64(round(PEAK * 32767) / 32767)
    # Not silent anywhere: the chords crossfade, the level never dips to nothing.
    second = RATE
    rms = [float(np.sqrt(np.mean(bed[i : i + second] ** 2))) for i in range(0, len(bed), second)]
    assert min(rms) > 0.25 * max(rms)


def test_looping_the_bed_leaves_no_seam() -> None:
    bed = samples()
    looped = np.concatenate([bed[-RATE // 10 :], bed[: RATE // 10]])
    # A seam would be a jump far larger than the biggest step inside the bed.
    steps = np.abs(np.diff(bed, axis=0)).max()
    assert np.abs(np.diff(looped, axis=0)).max() <= steps


def test_the_bed_lives_below_the_voice_band() -> None:
    mono = samples().mean(axis=1)
    spectrum = np.abs(np.fft.rfft(mono)) ** 2
    freqs = np.fft.rfftfreq(len(mono), 1 / RATE)
    assert spectrum[(freqs >= 80) & (freqs <= 700)].sum() > 0.97 * spectrum.sum()
    assert spectrum[freqs > 1200].sum() < 1e-6 * spectrum.sum()


def test_the_bed_is_the_same_every_time() -> None:
    first = ambient_bed_wav()
    ambient_bed_wav.cache_clear()
    assert ambient_bed_wav() == first
