"""Pure functions that turn a Timeline into one ffmpeg command: one process, one encode.

Every scene becomes a video stream of exactly its frames on the timeline's frame grid (stills
get sub-pixel Ken Burns motion, clips are fitted), consecutive streams are joined by xfade or
concat, captions are burned in with libass, and narration, music and silence are mixed into one
loudness-normalised track. Nothing here runs ffmpeg: tests read the command it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from common.domain.assets import Motion
from common.media.timeline import ImageVisual, Timeline, TimelineScene, TransitionKind

XFADE: dict[TransitionKind, str | None] = {
    "crossfade": "fade",
    "dip": "fadeblack",
    "slide": "slideleft",
    "cut": None,
}
MAX_SLOWDOWN = 1.5
SAMPLE_RATE = 48_000
AUDIO_BITRATE = "160k"
TARGET_LUFS = -14.0
MUSIC_GAIN = 0.3  # music sits ~10 dB under the voice before ducking
MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S = 1.0, 1.5
_AFORMAT = f"aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE}:channel_layouts=stereo"


@dataclass
class FfmpegCommand:
    """ffmpeg arguments (without the binary): inputs, one filter graph, the output."""

    inputs: list[list[str]] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)

    @property
    def filter_complex(self) -> str:
        return ";\n".join(self.filters)

    def add_input(self, *args: str) -> int:
        """Append an input (its options then `-i path`) and return its index."""
        self.inputs.append(list(args))
        return len(self.inputs) - 1

    def args(self, graph_file: Path | None = None) -> list[str]:
        """The argument list; with `graph_file`, the graph is passed as that file's path.

        A long timeline's graph can outgrow the kernel's 128 KiB limit on one argument, so
        callers that run it write the graph to a file (ffmpeg reads `-/option` from a file).
        """
        flat = [arg for group in self.inputs for arg in group]
        if graph_file is None:
            return [*flat, "-filter_complex", self.filter_complex, *self.output]
        return [*flat, "-/filter_complex", str(graph_file), *self.output]


def frame_grid(timeline: Timeline) -> list[tuple[int, int]]:
    """(first frame, frame count) of every scene on the output's frame grid.

    Scene boundaries are rounded to whole frames once, from Timeline.starts(), so many scenes
    never drift from the spec; a scene's count includes the frames its transition overlaps.
    """
    fps = timeline.fps
    starts = timeline.starts()
    grid = []
    for start, scene in zip(starts, timeline.scenes, strict=True):
        first = round(start * fps)
        grid.append((first, max(1, round((start + scene.duration_s) * fps) - first)))
    return grid


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
    grid = frame_grid(timeline)
    overlaps = transition_frames(timeline, grid)
    labels = []
    for i, (scene, (first, frames)) in enumerate(zip(timeline.scenes, grid, strict=True)):
        # A cut shows the scene only until the next starts: no frame is shared.
        shown = grid[i + 1][0] - first + overlaps[i] if i + 1 < len(grid) else frames
        labels.append(_scene_stream(cmd, timeline, i, scene, shown, clip_durations))
    video = _join_scenes(cmd, timeline, grid, overlaps, labels)
    tail = f"[{video}]format=yuv420p"
    if captions_ass is not None:
        tail += f",ass=filename={filter_value(str(captions_ass))}"
        if fonts_dir is not None:
            tail += f":fontsdir={filter_value(str(fonts_dir))}"
    cmd.filters.append(f"{tail},setsar=1[vout]")

    total_frames = grid[-1][0] + grid[-1][1]
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


def transition_frames(timeline: Timeline, grid: list[tuple[int, int]]) -> list[int]:
    """Frames each scene shares with the next through its transition (0 for cuts and the last)."""
    overlaps = []
    for i, scene in enumerate(timeline.scenes):
        if i + 1 == len(grid) or XFADE[scene.transition] is None:
            overlaps.append(0)
        else:
            overlaps.append(max(0, grid[i][0] + grid[i][1] - grid[i + 1][0]))
    return overlaps


def _scene_stream(
    cmd: FfmpegCommand,
    timeline: Timeline,
    index: int,
    scene: TimelineScene,
    frames: int,
    clip_durations: Mapping[Path, float],
) -> str:
    """Add the scene's input and filter chain; return the label of its fitted stream."""
    w, h, fps = timeline.width, timeline.height, timeline.fps
    cover = (
        f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos,"
        f"crop={w}:{h},setsar=1,format=yuv420p"
    )
    label = f"v{index}"
    if isinstance(scene.visual, ImageVisual):
        # The still is decoded and scaled once; `loop` repeats that one frame.
        k = cmd.add_input("-framerate", str(fps), "-i", str(scene.visual.path))
        chain = (
            f"[{k}:v]{cover},loop=loop={frames - 1}:size=1:start=0,setpts=N/({fps}*TB),"
            f"{kenburns_filter(scene.visual.motion, frames)}"
        )
    else:
        k = cmd.add_input("-i", str(scene.visual.path))
        chain = f"[{k}:v]setpts=PTS-STARTPTS"
        clip_s = clip_durations[scene.visual.path]
        wanted_s = frames / fps
        if clip_s < wanted_s:
            slowdown = min(MAX_SLOWDOWN, wanted_s / clip_s)
            # Slow down by at most 1.5x, then hold the last frame for whatever is left.
            chain += f",setpts={slowdown:.6f}*PTS,fps={fps},{cover}"
            chain += f",tpad=stop_mode=clone:stop_duration={wanted_s:.6f}"
        else:
            chain += f",fps={fps},{cover}"
    cmd.filters.append(f"{chain},fps={fps},trim=end_frame={frames},setpts=PTS-STARTPTS[{label}]")
    return label


def _join_scenes(
    cmd: FfmpegCommand,
    timeline: Timeline,
    grid: list[tuple[int, int]],
    overlaps: list[int],
    labels: list[str],
) -> str:
    """Chain xfade (or concat for cuts) over the scene streams; return the joined label."""
    fps = timeline.fps
    current = labels[0]
    for i in range(1, len(labels)):
        joined = f"j{i}"
        transition = XFADE[timeline.scenes[i - 1].transition]
        if transition is None or overlaps[i - 1] == 0:
            cmd.filters.append(f"[{current}][{labels[i]}]concat=n=2:v=1:a=0[{joined}]")
        else:
            # Offsets are absolute: the joined stream so far starts at 0.
            cmd.filters.append(
                f"[{current}][{labels[i]}]xfade=transition={transition}"
                f":duration={overlaps[i - 1] / fps:.6f}:offset={grid[i][0] / fps:.6f}[{joined}]"
            )
        current = joined
    return current


def window_exprs(motion: Motion, frames: int, frame_var: str = "in") -> tuple[str, str, str]:
    """ffmpeg expressions (cx, cy, zoom) of the Ken Burns window at frame `frame_var`.

    They compute what common.media.motion.window_at does: progress n/(frames-1) eased (cosine
    for ease_in_out), zoom interpolated geometrically, centre kept inside the image.
    """
    # perspective counts frames from 1 (`in` is 1 on the first frame).
    p = f"min(max({frame_var}-1,0)/{max(frames - 1, 1)},1)"
    e = p if motion.easing == "linear" else f"(1-cos(PI*{p}))/2"
    (x0, y0, z0), (x1, y1, z1) = motion.start, motion.end
    z0, z1 = max(z0, 1.0), max(z1, 1.0)
    zoom = f"({z0:.6f}*pow({z1 / z0:.9f},{e}))"
    cx = f"clip({x0:.6f}+{x1 - x0:.6f}*{e},0.5/{zoom},1-0.5/{zoom})"
    cy = f"clip({y0:.6f}+{y1 - y0:.6f}*{e},0.5/{zoom},1-0.5/{zoom})"
    return cx, cy, zoom


def kenburns_filter(motion: Motion, frames: int) -> str:
    """A `perspective` filter moving the window over the (cover-fitted) still, sub-pixel.

    The window's corners, in source pixels, are mapped to the frame corners with bicubic
    interpolation and re-evaluated every frame, so the move has no whole-pixel steps (zoompan
    rounds its crop to whole pixels and visibly jitters).
    """
    cx, cy, zoom = window_exprs(motion, frames)
    left, right = f"W*({cx}-0.5/{zoom})", f"W*({cx}+0.5/{zoom})"
    top, bottom = f"H*({cy}-0.5/{zoom})", f"H*({cy}+0.5/{zoom})"
    corners = {
        "x0": left, "y0": top, "x1": right, "y1": top,
        "x2": left, "y2": bottom, "x3": right, "y3": bottom,
    }  # fmt: skip
    points = ":".join(f"{k}='{v}'" for k, v in corners.items())
    return f"perspective={points}:interpolation=cubic:sense=source:eval=frame"


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
