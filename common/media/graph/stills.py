"""Stills enter the graph through as few inputs as there are kinds of still.

Every input ffmpeg opens decodes its first frame at once and keeps its decoder, and every filter
chain keeps its frame pools until the graph ends: one input and fitting chain per still grew a
1080x1920 render by ~30 MiB a scene (4 scenes 264 MiB, 16 scenes 633 MiB peak RSS, x264
ultrafast). Instead, the stills of one kind (same image codec and size, so one decoder and one
cover-fit serve them all) are listed in one concat demuxer input, decoded one after the other
as the lanes reach them, fitted and sharpened by one chain, then dealt to their scenes, where
`loop` repeats each by reference for the frames it shows: 190 MiB for 3 scenes, 230 MiB for
24 (1080x1920, crossfades, Ken Burns on every scene).

How the frames are repeated and dealt decides whether the stills are read as needed or all at
once, and each still read early is two decoded frames held (~7 MiB at 1080x1920):
- `fps` over retimed frames repeats them too, but pushes its copies downstream unasked: a lane
  then renders a whole scene of Ken Burns ahead (1.5 GiB for three 6-second scenes);
- `select` with an output per scene keeps reading to the end of the stream when a finished
  scene's `loop` asks for more (it only ends when its input does): every still was read when
  the first scene ended. `segment` closes each output as the next frame arrives: two or three
  stills are read ahead, whatever the count.

The list travels inside the command as a data: URI (ffconcat text, base64), so building the
command stays pure and writes no file. Sizes must be known to group stills (they come from the
caller, like clip durations): `crop` fixes its window on the first frame, so a stream mixing
sizes would be cropped wrongly; a still of unknown size or type gets an input of its own.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path

IMAGE_CODECS = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jfif": "jpeg",
    ".webp": "webp",
    ".bmp": "bmp",
    ".tif": "tiff",
    ".tiff": "tiff",
}


def group_key(path: Path, sizes: Mapping[Path, tuple[int, int]] | None) -> tuple[str, ...]:
    """Which input a still joins: its image codec and size, or the file itself if unknown."""
    size = (sizes or {}).get(path)
    codec = IMAGE_CODECS.get(path.suffix.lower())
    if size is None or codec is None:
        return ("file", str(path))
    return (codec, str(size[0]), str(size[1]))


def concat_input(paths: list[Path]) -> list[str]:
    """Input arguments reading `paths` (absolute or relative to the working directory), one
    frame each, in order, as one stream.

    One decoder thread: a still is decoded once, and threads would only hold more frames.
    `-reinit_filter 0`: stills of one size may still differ in pixel format (RGB, RGBA, grey),
    which `scale` absorbs; a filter graph reinitialised mid-stream would lose every lane's place.
    """
    listing = "ffconcat version 1.0\n" + "".join(
        f"file {_quoted('file:' + str(path.absolute()))}\nduration 1\n" for path in paths
    )
    uri = "data:text/plain;base64," + base64.b64encode(listing.encode()).decode("ascii")
    return ["-threads", "1", "-reinit_filter", "0", "-f", "concat", "-safe", "0", "-i", uri]


def deal(entries: list[int], count: int) -> str:
    """Filters sending frame entries[j] of a stream of `count` frames to output j ("" when
    that is the stream as it is: one output, all frames).

    `segment` closes each output as the next frame arrives, so a scene's chain ends when the
    next still is read, not when the whole stream is (a `select` with many outputs would keep
    reading, to the end, for an output no frame is left for).
    """
    kept = (
        "" if len(entries) == count else "select='" + "+".join(f"eq(n,{e})" for e in entries) + "'"
    )
    if len(entries) == 1:
        return kept
    cuts = "segment=frames=" + "|".join(str(j) for j in range(1, len(entries)))
    return f"{kept},{cuts}" if kept else cuts


def repeat(frames: int, fps: int) -> str:
    """A one-frame stream repeated (by reference) to exactly `frames` frames on the lane's
    clock."""
    return f"loop=loop={frames - 1}:size=1:start=0,trim=end_frame={frames},setpts=N/({fps}*TB)"


def _quoted(text: str) -> str:
    """`text` single-quoted for ffconcat (a quote inside closes, escapes and reopens)."""
    return "'" + text.replace("'", "'\\''") + "'"
