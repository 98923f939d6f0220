"""How long each stream of a rendered video really is, and the check that refuses a video whose
picture or sound stops short of its timeline (issue 16: a soundtrack cut to 1.7 s of 4.1 s was
published; a container's duration is its longest stream's, so it hid the short one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from common.domain.errors import MediaError
from common.media.render.ffmpeg import ffmpeg_exe, run_bounded

LENGTHS_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class StreamLengths:
    """Where the first video and the first audio stream of a file end, in seconds (None: no
    such stream), and how many pictures the video stream holds."""

    video_s: float | None
    audio_s: float | None
    frames: int


def stream_lengths(path: Path, *, timeout_s: float = LENGTHS_TIMEOUT_S) -> StreamLengths:
    """The end of the first video and audio streams of `path`, packet by packet.

    A container's duration is its longest stream's, so a short soundtrack hides behind it. Here
    the video's packets are copied (nothing decoded) and the audio decoded, so its end is what a
    player plays (encoder priming dropped), then ffmpeg's framecrc lists every packet: each
    stream ends at its largest pts + duration.
    """
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path),
            "-map", "0:v:0?", "-map", "0:a:0?", "-c:v", "copy", "-c:a", "pcm_s16le",
            "-f", "framecrc", "-"]  # fmt: skip
    done = run_bounded(args, timeout_s)
    if done.returncode != 0:
        raise MediaError(f"ffmpeg could not read {path.name}", done.stderr[-2000:])
    return parse_framecrc(done.stdout)


def parse_framecrc(listing: str) -> StreamLengths:
    """StreamLengths from ffmpeg's framecrc output (`#tb i: num/den`, `#media_type i: kind`,
    then `stream, dts, pts, duration, size, crc` per packet)."""
    bases: dict[int, tuple[int, int]] = {}
    kinds: dict[int, str] = {}
    ends: dict[int, int] = {}
    packets: dict[int, int] = {}
    for line in listing.splitlines():
        if line.startswith("#tb "):
            index, _, base = line[4:].partition(": ")
            num, _, den = base.partition("/")
            bases[int(index)] = (int(num), int(den))
        elif line.startswith("#media_type "):
            index, _, kind = line[12:].partition(": ")
            kinds[int(index)] = kind.strip()
        elif line and not line.startswith("#"):
            stream, _dts, pts, duration = (int(field) for field in line.split(",")[:4])
            ends[stream] = max(ends.get(stream, pts + duration), pts + duration)
            packets[stream] = packets.get(stream, 0) + 1

    def end_of(kind: str) -> float | None:
        index = next((i for i, k in sorted(kinds.items()) if k == kind), None)
        if index is None or index not in ends:
            return None
        num, den = bases[index]
        return ends[index] * num / den

    video = next((i for i, k in sorted(kinds.items()) if k == "video"), None)
    frames = packets.get(video, 0) if video is not None else 0
    return StreamLengths(video_s=end_of("video"), audio_s=end_of("audio"), frames=frames)


def check_lengths(video: Path, total_s: float, fps: int) -> StreamLengths:
    """`video`'s stream lengths; MediaError unless its picture and sound both last `total_s`,
    within a frame.

    A video whose soundtrack stops early (or whose picture lost frames) is lost work for its
    creator: it is refused here, so the job fails naming the assembly, rather than published.
    """
    found = stream_lengths(video)
    picture, sound = found.video_s or 0.0, found.audio_s or 0.0
    frame = 1.0 / fps + 1e-6
    if abs(picture - total_s) > frame or abs(sound - total_s) > frame:
        raise MediaError(
            f"the rendered picture lasts {picture:.3f} s and its soundtrack {sound:.3f} s, "
            f"not the timeline's {total_s:.3f} s: the video was not published"
        )
    return found
