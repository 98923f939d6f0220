"""Generated media for integration tests: stills, tone-burst narration, music and a clip.

Everything is made here from fixed seeds (Pillow, numpy, ffmpeg's lavfi test source), once per
session, so the tests need no sample files and every burst is at a known time.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from common.media.render.ffmpeg import run_ffmpeg

VOICE_HZ = 1000.0
MUSIC_HZ = 110.0


@dataclass(frozen=True)
class GeneratedMedia:
    stills: list[Path]  # 600x900 textured colour images
    blob: Path  # 360x640 grey field with one bright gaussian spot in the middle
    flat: Path  # 360x640 plain mid-grey
    narrations: list[Path]  # 0.8 s mono WAVs, one VOICE_HZ burst each (see BURSTS)
    music: Path  # 0.7 s MUSIC_HZ tone, shorter than any video so it must loop
    clip: Path  # 0.6 s 320x240 25 fps testsrc clip (other size, rate and aspect)


# Where each narration WAV's burst is, in seconds from the WAV's start.
BURSTS = [(0.1, 0.5), (0.2, 0.6)]


def write_wav(path: Path, duration_s: float, spans: list[tuple[float, float]], hz: float) -> Path:
    """A 22.05 kHz mono WAV: a sine of `hz` inside `spans`, silence elsewhere."""
    rate = 22_050
    t = np.arange(round(duration_s * rate)) / rate
    signal = np.zeros_like(t)
    for lo, hi in spans:
        inside = (t >= lo) & (t < hi)
        signal[inside] = 0.3 * np.sin(2 * np.pi * hz * t[inside])
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((signal * 32767).astype("<i2").tobytes())
    return path


def write_still(path: Path, colour: tuple[int, int, int], seed: int) -> Path:
    """A bright image with stripes and noise, so motion and fades are measurable."""
    rng = np.random.default_rng(seed)
    base = np.empty((900, 600, 3))
    base[:] = colour
    base += rng.normal(0, 12, base.shape)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for x in range(0, 600, 60):
        draw.line([(x, 0), (x, 900)], fill=(255, 255, 255), width=5)
    image.save(path)
    return path


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> GeneratedMedia:
    """Every generated input, made once per test session."""
    root = tmp_path_factory.mktemp("media")
    colours = [(200, 70, 60), (70, 180, 90), (80, 90, 200)]
    stills = [write_still(root / f"still{i}.png", c, seed=i) for i, c in enumerate(colours)]

    yy, xx = np.mgrid[0:640, 0:360]
    spot = 40 + 200 * np.exp(-(((xx - 180) / 12.0) ** 2 + ((yy - 320) / 12.0) ** 2))
    blob = root / "blob.png"
    Image.fromarray(spot.astype(np.uint8)).convert("RGB").save(blob)
    flat = root / "flat.png"
    Image.new("RGB", (360, 640), (110, 110, 110)).save(flat)

    narrations = [
        write_wav(root / f"narration{i}.wav", 0.8, [span], VOICE_HZ)
        for i, span in enumerate(BURSTS)
    ]
    music = write_wav(root / "music.wav", 0.7, [(0.0, 0.7)], MUSIC_HZ)
    clip = root / "clip.mp4"
    source = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=0.6"]
    run_ffmpeg(
        [*source, "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", str(clip)]
    )
    return GeneratedMedia(stills, blob, flat, narrations, music, clip)
