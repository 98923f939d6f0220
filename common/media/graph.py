"""Pure functions that turn a Timeline into one ffmpeg command: one process, one encode.

The picture comes from common.media.video_graph (scenes on the frame grid, Ken Burns, clip
fitting, transitions); captions are burned in with libass, and narration, music and silence
are mixed into one loudness-normalised track. Nothing here runs ffmpeg: tests read the command
it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from common.media.ffmpeg import FfmpegCommand
from common.media.timeline import Timeline
from common.media.video_graph import (
    MAX_SLOWDOWN,
    frame_grid,
    scene_spans,
    transition_frames,
    video_filters,
)

__all__ = [
    "MAX_SLOWDOWN",
    "FfmpegCommand",
    "audio_filters",
    "build_command",
    "filter_value",
    "frame_grid",
    "scene_spans",
    "transition_frames",
]

SAMPLE_RATE = 48_000
AUDIO_BITRATE = "160k"
TARGET_LUFS = -14.0
MUSIC_GAIN = 0.3  # music sits ~10 dB under the voice before ducking
MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S = 1.0, 1.5
_AFORMAT = f"aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE}:channel_layouts=stereo"


def build_command(
    timeline: Timeline,
    out_path: Path,
    *,
    clip_durations: Mapping[Path, float],
    captions_ass: Path | None = None,
    fonts_dir: Path | None = None,
) -> FfmpegCommand:
    """The whole assembly as one ffmpeg command writing `out_path`.

    `clip_durations` gives the length in seconds of every VideoVisual file (measured by the
    caller, so building stays pure). `captions_ass` is burned in when given.
    """
    cmd = FfmpegCommand()
    video = video_filters(cmd, timeline, clip_durations)
    tail = f"[{video}]format=yuv420p"
    if captions_ass is not None:
        tail += f",ass=filename={filter_value(str(captions_ass))}"
        if fonts_dir is not None:
            tail += f":fontsdir={filter_value(str(fonts_dir))}"
    cmd.filters.append(f"{tail},setsar=1[vout]")

    first, frames = frame_grid(timeline)[-1]
    total_frames = first + frames
    audio_filters(cmd, timeline, total_frames / timeline.fps)
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


def audio_filters(cmd: FfmpegCommand, timeline: Timeline, total_s: float) -> None:
    """Narration placed per scene, music looped and ducked under it, loudness-normalised.

    Adds its inputs and filters to `cmd`; the result is labelled [aout] and lasts `total_s`.
    """
    voices = []
    for i, (start, scene) in enumerate(zip(timeline.starts(), timeline.scenes, strict=True)):
        if scene.narration_path is None:
            continue
        k = cmd.add_input("-i", str(scene.narration_path))
        delay_ms = round((start + scene.narration_offset_s) * 1000)
        cmd.filters.append(f"[{k}:a]{_AFORMAT},adelay=delays={delay_ms}:all=1[n{i}]")
        voices.append(f"[n{i}]")
    pad = f"apad=whole_dur={total_s:.6f},atrim=duration={total_s:.6f}"
    if len(voices) > 1:
        # normalize=0: amix would otherwise divide every voice by the number of inputs.
        mix = f"amix=inputs={len(voices)}:normalize=0:duration=longest:dropout_transition=0"
        cmd.filters.append(f"{''.join(voices)}{mix},{pad}[voice]")
    elif voices:
        cmd.filters.append(f"{voices[0]}{pad}[voice]")
    else:
        cmd.filters.append(
            f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=duration={total_s:.6f}[voice]"
        )

    if timeline.music_path is None:
        if not voices:
            cmd.filters.append("[voice]anull[aout]")  # silence needs no normalising
            return
        mixed = "voice"
    else:
        k = cmd.add_input("-stream_loop", "-1", "-i", str(timeline.music_path))
        fade_out_at = max(total_s - MUSIC_FADE_OUT_S, 0.0)
        cmd.filters.append(
            f"[{k}:a]{_AFORMAT},atrim=duration={total_s:.6f},volume={MUSIC_GAIN}[music]"
        )
        fades = (
            f"afade=t=in:st=0:d={MUSIC_FADE_IN_S}"
            f",afade=t=out:st={fade_out_at:.6f}:d={MUSIC_FADE_OUT_S}"
        )
        if voices:
            cmd.filters.append("[voice]asplit=2[voice_mix][voice_key]")
            # The narration is the key: the music drops ~10 dB while someone speaks.
            duck = "sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400:makeup=1"
            cmd.filters.append(f"[music][voice_key]{duck},{fades}[music_ducked]")
            cmd.filters.append(
                "[voice_mix][music_ducked]amix=inputs=2:normalize=0:duration=first[mixed]"
            )
        else:
            cmd.filters.append(f"[music]{fades}[mixed]")
        mixed = "mixed"
    cmd.filters.append(
        f"[{mixed}]loudnorm=I={TARGET_LUFS}:TP=-1.5:LRA=11,aresample={SAMPLE_RATE},"
        f"atrim=duration={total_s:.6f},asetpts=PTS-STARTPTS[aout]"
    )


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
