"""The one-pass render as one ffmpeg command: one process, one encode. And what every render
shares: the picture's last steps (fades, yuv420p, burned-in captions, square pixels) and the
encoder settings, written once.

The picture comes from common.media.graph.picture (scenes on the frame grid, Ken Burns, clip
fitting, transitions); captions are burned in with libass, and narration, music and silence
are mixed into one loudness-normalised track (common.media.graph.sound). Nothing here runs
ffmpeg: tests read the command it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from common.media.graph.command import FfmpegCommand, filter_value
from common.media.graph.picture import fade_filter, video_filters
from common.media.graph.sound import AUDIO_BITRATE, DRAFT_AAC, SAMPLE_RATE, audio_filters
from common.media.spec.frames import total_frames
from common.media.spec.timeline import Timeline


def video_codec_args(timeline: Timeline) -> list[str]:
    """The x264 settings of every render (segments share them, so the concat demuxer copies
    them as one stream)."""
    return [
        "-c:v", "libx264", "-preset", timeline.video_preset, "-crf", str(timeline.crf),
        "-pix_fmt", "yuv420p", "-r", str(timeline.fps),
    ]  # fmt: skip


def audio_codec_args(timeline: Timeline) -> list[str]:
    """The AAC settings of every soundtrack (a draft's encoded fast and small)."""
    quality = DRAFT_AAC if timeline.draft_sound else ("-b:a", AUDIO_BITRATE)
    return ["-c:a", "aac", *quality, "-ar", str(SAMPLE_RATE), "-ac", "2"]


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
    (stills of one kind then share an input; see common.media.graph.stills), `levels` the
    integrated loudness of narration and music files (common.media.render.levels; without it the
    voice/music balance follows the files' own levels). `captions_ass` is burned in when given.
    Raises ValueError for a timeline whose cards were not made scenes (common.media.render.cards).
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
    frames = total_frames(timeline)
    audio_filters(cmd, timeline, frames / timeline.fps, levels=levels)
    cmd.output = [
        "-map", "[vout]", "-map", "[aout]",
        *video_codec_args(timeline), *audio_codec_args(timeline),
        "-movflags", "+faststart", "-frames:v", str(frames), str(out_path),
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
    fades = _fades(timeline, total_frames(timeline))
    cmd.filters.append(finish_picture(f"[{video}]", fades, captions_ass, fonts_dir) + "[vout]")
    return "vout"


def finish_picture(
    source: str, fades: list[str], captions_ass: Path | None, fonts_dir: Path | None
) -> str:
    """`source` (a label, or a chain of filters) faded, in yuv420p, its captions burned in, with
    square pixels: how every render's picture ends."""
    steps = [*fades, "format=yuv420p"]
    if captions_ass is not None:
        ass = f"ass=filename={filter_value(str(captions_ass))}"
        if fonts_dir is not None:
            ass += f":fontsdir={filter_value(str(fonts_dir))}"
        steps.append(ass)
    steps.append("setsar=1")
    return source + ("" if source.endswith("]") else ",") + ",".join(steps)


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
