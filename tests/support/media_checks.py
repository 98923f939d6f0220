"""Generated inputs and measurements for the media quality tests.

Inputs: speech-like narration (syllable-modulated noise in a high band, bursts at known times),
a steady low chord as a music bed, flat stills. Measurements: band-limited levels in dB over
time windows, integrated loudness from ffmpeg's ebur128 scanner, single decoded frames, and
pixel masks for caption text. Voice and music live in separate frequency bands so a band filter
on the mixed output hears one without the other.
"""

from __future__ import annotations

import re
import subprocess
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from common.media.render.ffmpeg import ffmpeg_exe
from tests.support.probe import ffprobe, stream

VOICE_BAND_HZ = (800.0, 3000.0)
MUSIC_CHORD_HZ = (110.0, 165.0, 220.0)  # A2, E3, A3: whole cycles in any whole second
MUSIC_BAND_HZ = (90.0, 240.0)
HIGHLIGHT_RGB = (255, 214, 0)  # captions.HIGHLIGHT_COLOUR (&H0000D6FF&, ASS is BGR)

_RAMP_S = 0.02  # burst edges are ramped so they do not click into the music band
_INTEGRATED_RE = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf) LUFS")
_TRUE_PEAK_RE = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS")


@dataclass(frozen=True)
class Loudness:
    """ebur128's summary of a file's audio."""

    integrated_lufs: float
    true_peak_dbfs: float


def write_pcm_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write mono float samples in [-1, 1] as a 16-bit PCM WAV."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def band_limited_noise(n: int, rate: int, lo_hz: float, hi_hz: float, seed: int) -> np.ndarray:
    """White noise with everything outside [lo_hz, hi_hz] removed, scaled to peak 1."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.normal(size=n))
    freqs = np.fft.rfftfreq(n, 1 / rate)
    spectrum[(freqs < lo_hz) | (freqs > hi_hz)] = 0
    noise: np.ndarray = np.fft.irfft(spectrum, n)
    return noise / float(np.abs(noise).max())


def speech_like_wav(
    path: Path,
    duration_s: float,
    bursts: Sequence[tuple[float, float]],
    *,
    peak: float = 0.5,
    rate: int = 22_050,
    seed: int = 0,
) -> Path:
    """Narration stand-in: VOICE_BAND_HZ noise inside `bursts`, silence elsewhere.

    Inside a burst the level rises and falls ~5 times a second, like syllables, and never
    drops to nothing (voiced speech does not either).
    """
    n = round(duration_s * rate)
    t = np.arange(n) / rate
    noise = band_limited_noise(n, rate, *VOICE_BAND_HZ, seed=seed)
    syllables = 0.45 + 0.55 * np.abs(np.sin(np.pi * 5.0 * t))
    envelope = np.zeros(n)
    for lo, hi in bursts:
        ramp_in = np.clip((t - lo) / _RAMP_S, 0, 1)
        ramp_out = np.clip((hi - t) / _RAMP_S, 0, 1)
        envelope = np.maximum(envelope, np.minimum(ramp_in, ramp_out))
    return write_pcm_wav(path, peak * noise * syllables * envelope, rate)


def chord_wav(path: Path, duration_s: float, *, peak: float = 0.5, rate: int = 44_100) -> Path:
    """A steady MUSIC_CHORD_HZ chord; a whole number of seconds loops without a seam."""
    t = np.arange(round(duration_s * rate)) / rate
    chord = np.sum([np.sin(2 * np.pi * hz * t) for hz in MUSIC_CHORD_HZ], axis=0)
    return write_pcm_wav(path, peak * chord / len(MUSIC_CHORD_HZ), rate)


def flat_still(path: Path, size: tuple[int, int], rgb: tuple[int, int, int]) -> Path:
    """A single-colour PNG of `size` (width, height): uncaptioned frames are this colour."""
    Image.new("RGB", size, rgb).save(path)
    return path


def band_pass(samples: np.ndarray, rate: int, lo_hz: float, hi_hz: float) -> np.ndarray:
    """`samples` with every frequency outside [lo_hz, hi_hz] removed (FFT brick wall)."""
    spectrum = np.fft.rfft(samples.astype(np.float64))
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    spectrum[(freqs < lo_hz) | (freqs > hi_hz)] = 0
    filtered: np.ndarray = np.fft.irfft(spectrum, len(samples))
    return filtered


def level_db(samples: np.ndarray, rate: int, start_s: float, end_s: float) -> float:
    """RMS level of samples[start_s:end_s] in dB relative to full scale (floor -200 dB)."""
    part = samples[round(start_s * rate) : round(end_s * rate)]
    assert len(part), f"empty window {start_s}-{end_s} s"
    rms = float(np.sqrt(np.mean(np.square(part))))
    return 20 * float(np.log10(max(rms, 1e-10)))


def loudness(path: Path) -> Loudness:
    """Integrated loudness and true peak of `path`'s audio, from ffmpeg's ebur128 summary."""
    scan = ["-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"]
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), *scan],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = done.stderr[done.stderr.rfind("Summary:") :]
    integrated, peak = _INTEGRATED_RE.search(summary), _TRUE_PEAK_RE.search(summary)
    assert integrated and peak, f"no ebur128 summary in:\n{done.stderr[-2000:]}"
    return Loudness(float(integrated.group(1)), float(peak.group(1)))


def frames_at(path: Path, indices: Sequence[int]) -> dict[int, np.ndarray]:
    """The RGB frames (h, w, 3) of `path` with the given frame numbers, decoded exactly.

    Selected by frame number rather than seeking by time, so a frame is never off by one.
    """
    info = stream(ffprobe(path), "video")
    w, h = int(info["width"]), int(info["height"])
    wanted = sorted(set(indices))
    select = "select='" + "+".join(f"eq(n\\,{i})" for i in wanted) + "'"
    out = ["-vf", select, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), *out],
        capture_output=True,
        check=True,
    ).stdout
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, h, w, 3)
    assert len(frames) == len(wanted), f"asked for frames {wanted}, decoded {len(frames)}"
    return dict(zip(wanted, frames, strict=True))


def changed_mask(frame: np.ndarray, reference: np.ndarray, threshold: float = 40.0) -> np.ndarray:
    """(h, w) booleans: pixels whose largest channel difference exceeds `threshold`."""
    diff = np.abs(frame.astype(np.int16) - reference.astype(np.int16)).max(axis=2)
    changed: np.ndarray = diff > threshold
    return changed


def highlight_mask(frame: np.ndarray) -> np.ndarray:
    """(h, w) booleans: pixels near HIGHLIGHT_RGB (warm yellow), not white, grey or black."""
    r, g, b = (frame[..., k].astype(np.int16) for k in range(3))
    return (r > 200) & (g > 160) & (g < 245) & (b < 100) & (r - b > 130)
