"""Probing untrusted media: which streams a file has, how long it lasts, how large a still is,
and a poster frame of a clip.

Everything runs bounded: ffmpeg in a child process with a timeout (killed when it runs over,
so a hostile file cannot hold a worker), no shell, stdin closed; stills are read by Pillow with
a pixel limit. Errors are MediaError; callers turn them into answers naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from common.domain.errors import MediaError
from common.media.render.ffmpeg import ffmpeg_exe, last_time, reported_duration, run_bounded

PROBE_TIMEOUT_S = 30.0
DECODE_TIMEOUT_S = 120.0
MAX_STILL_PIXELS = 50_000_000
POSTER_LONG_SIDE = 1920

_STREAM_RE = re.compile(r"^\s*Stream #\d+:\d+.*?: (Video|Audio): (.*)$", re.MULTILINE)
_SIZE_RE = re.compile(r"(?:^|[ ,])(\d{2,5})x(\d{2,5})(?:[ ,]|$)")


@dataclass(frozen=True)
class MediaInfo:
    """What a video or audio file holds."""

    duration_s: float
    width: int | None  # of the first video stream (cover art is not one)
    height: int | None
    has_audio: bool

    @property
    def has_video(self) -> bool:
        return self.width is not None


@dataclass(frozen=True)
class StillInfo:
    width: int
    height: int


def probe_media(path: Path, *, timeout_s: float = PROBE_TIMEOUT_S) -> MediaInfo:
    """The streams and duration of `path`. MediaError when ffmpeg cannot read it, it has no
    stream, or it runs past `timeout_s`."""
    info = _run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)], timeout_s)
    if "Invalid data found" in info or "Stream #" not in info:
        raise MediaError(f"not a readable media file: {path.name}", info[-2000:])
    width = height = None
    has_audio = False
    for kind, rest in _STREAM_RE.findall(info):
        if kind == "Audio":
            has_audio = True
        elif width is None and "(attached pic)" not in rest:
            size = _SIZE_RE.search(rest)
            if size:
                width, height = int(size.group(1)), int(size.group(2))
    duration = reported_duration(info)
    if duration is None:
        duration = _decoded_duration(path)
    return MediaInfo(duration_s=duration, width=width, height=height, has_audio=has_audio)


def probe_still(path: Path) -> StillInfo:
    """The size of a still, after Pillow has checked the file decodes. MediaError when it does
    not, or when it has more than MAX_STILL_PIXELS pixels (a decompression bomb)."""
    from PIL import Image  # lazy: only upload handling needs it here

    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_STILL_PIXELS:
                raise MediaError(f"the image is {width}x{height}: more than 50 megapixels")
            image.verify()
        with Image.open(path) as image:
            image.load()  # verify() checks the structure; load() decodes the pixels too
    except MediaError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise MediaError(f"the image does not decode: {exc}") from exc
    return StillInfo(width=width, height=height)


def poster_frame(clip: Path, out_path: Path, *, timeout_s: float = PROBE_TIMEOUT_S) -> Path:
    """The clip's first frame as a PNG, its long side at most POSTER_LONG_SIDE pixels."""
    side = POSTER_LONG_SIDE
    fit = f"scale='min({side},iw)':'min({side},ih)':force_original_aspect_ratio=decrease"
    _run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-v", "error", "-i", str(clip),
         "-frames:v", "1", "-vf", f"{fit},setsar=1", "-update", "1", str(out_path)],
        timeout_s,
        check=True,
    )  # fmt: skip
    if not out_path.is_file():
        raise MediaError(f"no frame could be read from {clip.name}")
    return out_path


def _decoded_duration(path: Path) -> float:
    """The duration found by decoding every stream to nowhere (containers without one)."""
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0", "-f", "null"]
    stderr = _run([*args, "-"], DECODE_TIMEOUT_S, check=True)
    decoded = last_time(stderr)
    if decoded is None:
        raise MediaError(f"cannot tell the duration of {path.name}", stderr[-2000:])
    return decoded


def _run(args: list[str], timeout_s: float, *, check: bool = False) -> str:
    """Run ffmpeg; its stderr. Killed (MediaError) when it runs past `timeout_s`."""
    done = run_bounded(args, timeout_s)
    if check and done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise MediaError(f"ffmpeg could not read the file: {tail[0]}", done.stderr[-2000:])
    return done.stderr
