"""Pure functions that turn a Timeline into one ffmpeg command: one process, one encode.

The picture comes from common.media.video_graph (scenes on the frame grid, Ken Burns, clip
fitting, transitions); captions are burned in with libass, and narration, music and silence
are mixed into one loudness-normalised track. Nothing here runs ffmpeg: tests read the command
it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from common.media.audio_graph import AUDIO_BITRATE, SAMPLE_RATE, TARGET_LUFS, audio_filters
from common.media.ffmpeg import FfmpegCommand
from common.media.timeline import Timeline
from common.media.video_graph import (
    MAX_SLOWDOWN,
    fade_filter,
    frame_grid,
    scene_spans,
    transition_frames,
    video_filters,
)

__all__ = [
    "AUDIO_BITRATE",
    "MAX_SLOWDOWN",
    "SAMPLE_RATE",
    "TARGET_LUFS",
    "FfmpegCommand",
    "audio_filters",
    "build_command",
    "filter_value",
    "frame_grid",
    "picture_filters",
    "scene_spans",
    "transition_frames",
]


def build_command(
    timeline: Timeline,
    out_path: Path,
    *,
    clip_durations: Mapping[Path, float],
    captions_ass: Path | None = None,
    fonts_dir: Path | None = None,
    still_sizes: Mapping[Path, tuple[int, int]] | None = None,
    levels: Mapping[Path, float] | None = None,
) -> FfmpegCommand:
    """The whole assembly as one ffmpeg command writing `out_path`.

    Measured by the caller, so that building stays pure: `clip_durations` gives the length in
    seconds of every VideoVisual file, `still_sizes` the (width, height) of ImageVisual files
    (stills of one kind then share an input; see common.media.still_inputs), `levels` the
    integrated loudness of narration and music files (common.media.levels; without it the
    voice/music balance follows the files' own levels). `captions_ass` is burned in when given.
    Raises ValueError for a timeline whose cards were not made scenes (common.media.cards).
    """
    if timeline.intro is not None or timeline.outro is not None:
        raise ValueError("turn the timeline's cards into scenes first (cards.with_cards)")
    cmd = FfmpegCommand()
    picture_filters(
        cmd,
        timeline,
        clip_durations=clip_durations,
        captions_ass=captions_ass,
        fonts_dir=fonts_dir,
        still_sizes=still_sizes,
    )
    first, frames = frame_grid(timeline)[-1]
    total_frames = first + frames
    audio_filters(cmd, timeline, total_frames / timeline.fps, levels=levels)
    cmd.output = [
        "-map", "[vout]", "-map", "[aout]",
        "-c:v", "libx264", "-preset", timeline.video_preset, "-crf", str(timeline.crf),
        "-pix_fmt", "yuv420p", "-r", str(timeline.fps),
        "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(SAMPLE_RATE), "-ac", "2",
        "-movflags", "+faststart",
        "-frames:v", str(total_frames),
        str(out_path),
    ]  # fmt: skip
    return cmd


def picture_filters(
    cmd: FfmpegCommand,
    timeline: Timeline,
    *,
    clip_durations: Mapping[Path, float],
    captions_ass: Path | None = None,
    fonts_dir: Path | None = None,
    still_sizes: Mapping[Path, tuple[int, int]] | None = None,
) -> str:
    """Append the whole picture to `cmd` (scenes, fades, captions, square yuv420p pixels) and
    return its label, `vout`; the arguments are build_command's."""
    video = video_filters(cmd, timeline, clip_durations, still_sizes)
    first, frames = frame_grid(timeline)[-1]
    tail = f"[{video}]" + "".join(f"{fade}," for fade in _fades(timeline, first + frames))
    tail += "format=yuv420p"
    if captions_ass is not None:
        tail += f",ass=filename={filter_value(str(captions_ass))}"
        if fonts_dir is not None:
            tail += f":fontsdir={filter_value(str(fonts_dir))}"
    cmd.filters.append(f"{tail},setsar=1[vout]")
    return "vout"


def _fades(timeline: Timeline, total_frames: int) -> list[str]:
    """The picture rising from black at the start and sinking to black at the end."""
    fps, fades = timeline.fps, []
    fade_in = min(round(timeline.fade_in_s * fps), total_frames)
    if fade_in:
        fades.append(fade_filter("in", 0, fade_in, fps))
    fade_out = min(round(timeline.fade_out_s * fps), total_frames)
    if fade_out:
        fades.append(fade_filter("out", total_frames - fade_out, fade_out, fps))
    return fades


def filter_value(value: str) -> str:
    """`value` escaped for use as an option value inside -filter_complex.

    Two levels of unescaping apply: the filter's option parser (quotes keep \\ : and spaces
    literal) and, first, the graph parser (\\ ' [ ] , ; are backslash-escaped for it).
    """
    level1 = "'" + value.replace("'", "'\\''") + "'"
    out = ""
    for ch in level1:
        out += "\\" + ch if ch in "\\'[],;" else ch
    return out
