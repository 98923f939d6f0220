"""Small generated media files for upload tests: stills, clips and tracks of every accepted kind."""

from __future__ import annotations

import io
import math
import struct
import subprocess
from pathlib import Path

from common.media.render.ffmpeg import ffmpeg_exe
from common.media.sources.wav import mono16_wav


def png(width: int = 64, height: int = 48, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    return _still("PNG", width, height, colour)


def jpeg(width: int = 64, height: int = 48, colour: tuple[int, int, int] = (40, 200, 40)) -> bytes:
    return _still("JPEG", width, height, colour)


def webp(width: int = 64, height: int = 48, colour: tuple[int, int, int] = (40, 40, 200)) -> bytes:
    return _still("WEBP", width, height, colour)


def _still(fmt: str, width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, fmt)
    return out.getvalue()


def wav(seconds: float = 1.0, hz: float = 440.0, rate: int = 22_050) -> bytes:
    """A sine tone as 16-bit mono PCM WAV."""
    frames = b"".join(
        struct.pack("<h", round(12_000 * math.sin(2 * math.pi * hz * n / rate)))
        for n in range(int(seconds * rate))
    )
    return mono16_wav(frames, rate)


def encoded(tmp: Path, name: str, *args: str) -> bytes:
    """The bytes of a file ffmpeg writes to tmp/name from lavfi sources and `args`."""
    path = tmp / name
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", *args, str(path)], check=True, capture_output=True
    )
    return path.read_bytes()


def clip(tmp: Path, seconds: float = 1.0, size: str = "320x240", colour: str = "") -> bytes:
    """An H.264 MP4: a test pattern, or a plain colour when `colour` is given."""
    source = f"color=c={colour}:s={size}:r=24" if colour else f"testsrc=size={size}:rate=24"
    return encoded(
        tmp, f"clip-{seconds}-{size}-{colour}.mp4", "-f", "lavfi", "-i",
        f"{source}:duration={seconds}", "-c:v", "libx264", "-pix_fmt", "yuv420p",
    )  # fmt: skip


def webm_clip(tmp: Path, seconds: float = 1.0) -> bytes:
    return encoded(
        tmp, "clip.webm", "-f", "lavfi", "-i", f"testsrc=size=160x120:rate=24:duration={seconds}",
        "-c:v", "libvpx", "-b:v", "200k",
    )  # fmt: skip


def mp3(tmp: Path, seconds: float = 1.0) -> bytes:
    return encoded(
        tmp, "track.mp3", "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
        "-c:a", "libmp3lame", "-b:a", "64k",
    )  # fmt: skip


def m4a(tmp: Path, seconds: float = 1.0) -> bytes:
    return encoded(
        tmp, "track.m4a", "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
        "-c:a", "aac", "-b:a", "64k",
    )  # fmt: skip


def ogg(tmp: Path, seconds: float = 1.0) -> bytes:
    return encoded(
        tmp, "track.ogg", "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
        "-c:a", "libvorbis",
    )  # fmt: skip
