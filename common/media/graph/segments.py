"""The commands of a segment-cached render: a scene's segments on their own, the whole picture
cut into segments in one pass, the soundtrack over the whole timeline, and the stream-copy join.
Nothing here runs ffmpeg (common.media.render.segmented does).

One ffmpeg process renders one scene: a sub-timeline of a black stub that gives scene i its
incoming transition (so its Ken Burns move and clip fitting start where they do in the whole
timeline), scene i and scene i+1, each with its frame counts from the whole timeline. The usual
picture graph (common.media.graph.picture) renders it once; the window of the missing segments
is trimmed out and split, and each segment gets its own x264 output (frames after the window are
never rendered, frames before it only filtered). Relative frame numbers are all the graph uses,
so the pixels are those of the same frames in a one-pass render.

Captions are burned per segment with the segment's own ASS (common.media.text.segment_captions).
Every segment is a closed GOP starting with an IDR frame, encoded with identical x264 settings,
so the concat demuxer joins them with `-c copy` into one valid stream; the soundtrack
(narration, music, ducking, loudness) is rendered once over the whole timeline and muxed in by
stream copy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from common.domain.assets import Motion
from common.media.graph.command import FfmpegCommand
from common.media.graph.picture import fade_filter, video_filters
from common.media.graph.sound import audio_filters
from common.media.graph.whole import (
    audio_codec_args,
    finish_picture,
    picture_filters,
    video_codec_args,
)
from common.media.spec.frames import scene_spans, total_frames
from common.media.spec.segments import Segment, plan_segments
from common.media.spec.timeline import ImageVisual, Timeline, TimelineScene

_STILL = Motion(start=(0.5, 0.5, 1.0), end=(0.5, 0.5, 1.0), easing="linear")


def segment_fades(timeline: Timeline, segment: Segment) -> list[str] | None:
    """The picture's fade from and to black (graph.build_command's) in `segment`'s own frames;
    None when a fade reaches into a segment from the one before (it cannot start before a
    segment's first frame: then the timeline is rendered in one pass)."""
    fps, total = timeline.fps, total_frames(timeline)
    lo, hi = segment.first, segment.first + segment.frames
    fades = []
    fade_in = min(round(timeline.fade_in_s * fps), total)
    if fade_in > lo:
        if lo:
            return None
        fades.append(fade_filter("in", 0, fade_in, fps))
    fade_out = min(round(timeline.fade_out_s * fps), total)
    if fade_out and total - fade_out < hi:
        if total - fade_out < lo:
            return None
        fades.append(fade_filter("out", total - fade_out - lo, fade_out, fps))
    return fades


def segmentable(timeline: Timeline) -> bool:
    """Whether every segment can be rendered on its own (see segment_fades)."""
    return all(segment_fades(timeline, s) is not None for s in plan_segments(timeline))


def fades_of(timeline: Timeline, segment: Segment) -> list[str]:
    """segment_fades() of a segment that must have them (ValueError otherwise)."""
    fades = segment_fades(timeline, segment)
    if fades is None:
        raise ValueError(f"segment {segment.name} has a fade from before it: not segmentable")
    return fades


def segment_timeline(timeline: Timeline, scene: int, stub: Path) -> tuple[Timeline, int]:
    """The sub-timeline that renders scene `scene`'s segments, and the shift from the video's
    frame numbers to its own (sub frame = frame + shift).

    `stub` is any still (a black frame): the scene before, whose frames are trimmed away.
    Durations are whole frames, so the sub-timeline's grid reproduces the spans exactly.
    """
    fps = timeline.fps
    spans = scene_spans(timeline)
    span = spans[scene]
    scenes: list[TimelineScene] = []
    if span.head:
        scenes.append(
            TimelineScene(
                id="_stub",
                visual=ImageVisual(path=stub, motion=_STILL),
                duration_s=(span.head + 1) / fps,  # its own frame, then the shared ones
                transition="crossfade",
                transition_s=span.head / fps,
            )
        )
    scenes.append(_framed(timeline.scenes[scene], span.shown, span.tail, fps))
    if span.tail:
        nxt = spans[scene + 1]
        scenes.append(_framed(timeline.scenes[scene + 1], nxt.shown, 0, fps))
    sub = timeline.model_copy(update={"scenes": scenes, "music_path": None})
    # Frame 0 is the stub's own: scene i starts at frame 1.
    return sub, (1 if span.head else 0) - span.first


def _framed(scene: TimelineScene, shown: int, tail: int, fps: int) -> TimelineScene:
    """`scene` lasting exactly `shown` frames, overlapping the next by `tail` (no narration)."""
    return scene.model_copy(
        update={
            "duration_s": shown / fps,
            "transition_s": tail / fps,
            "transition": scene.transition if tail else "cut",
            "narration_path": None,
            "words": [],
            "text": "",
        }
    )


def scene_command(
    timeline: Timeline,
    outputs: Sequence[tuple[Segment, Path, Path | None]],
    *,
    stub: Path,
    clip_durations: Mapping[Path, float],
    fonts_dir: Path | None = None,
    still_sizes: Mapping[Path, tuple[int, int]] | None = None,
) -> FfmpegCommand:
    """One ffmpeg command rendering one scene's picture once and encoding `outputs`: some of
    that scene's segments, each (segment, video file, its ASS or None), in order.

    Each segment's picture ends as every render's does (whole.finish_picture) and gets its own
    x264 output. Raises ValueError for a segment that is not
    segmentable (see segment_fades).
    """
    scene = outputs[0][0].scene
    sub, shift = segment_timeline(timeline, scene, stub)
    cmd = FfmpegCommand()
    video = video_filters(cmd, sub, clip_durations, still_sizes)
    lo = outputs[0][0].first + shift
    hi = outputs[-1][0].first + outputs[-1][0].frames + shift
    window = f"[{video}]trim=start_frame={lo}:end_frame={hi},setpts=PTS-STARTPTS"
    if len(outputs) == 1:
        sources = [window]
    else:
        labels = [f"w{k}" for k in range(len(outputs))]
        cmd.filters.append(f"{window},split={len(outputs)}" + "".join(f"[{x}]" for x in labels))
        sources = [
            f"[{label}]trim=start_frame={seg.first + shift - lo}"
            f":end_frame={seg.first + seg.frames + shift - lo},setpts=PTS-STARTPTS"
            for label, (seg, _, _) in zip(labels, outputs, strict=True)
        ]
    for k, (source, (seg, out_path, ass)) in enumerate(zip(sources, outputs, strict=True)):
        assert seg.scene == scene, "one command renders one scene's segments"
        picture = finish_picture(source, fades_of(timeline, seg), ass, fonts_dir)
        cmd.filters.append(f"{picture}[v{k}]")
        cmd.output += [
            "-map", f"[v{k}]", *video_codec_args(timeline), "-an",
            "-frames:v", str(seg.frames), str(out_path),
        ]  # fmt: skip
    return cmd


def whole_command(
    timeline: Timeline,
    pattern: Path,
    *,
    clip_durations: Mapping[Path, float],
    captions_ass: Path | None = None,
    fonts_dir: Path | None = None,
    still_sizes: Mapping[Path, tuple[int, int]] | None = None,
) -> FfmpegCommand:
    """One ffmpeg command rendering the whole picture once, by one x264 encoder, and cutting
    it into every segment: `pattern` (say `segment_%03d.mp4`) numbered like plan_segments.

    For a render with nothing cached, this costs what a one-pass render costs (one encoder,
    each still decoded once), where a process per scene pays per segment for a process, the
    stills and an encoder filling and draining its frame threads. Each segment starts with a
    forced IDR frame (closed GOP), so the segments are those scene_command would make: joined
    by stream copy, and fit to be joined with segments encoded later on their own. Captions
    come from the whole timeline's ASS, whose centisecond times are rounded from the video's
    start rather than the segment's: a word can light up a frame apart from an isolated
    render's, never more.
    """
    fps = timeline.fps
    starts = [s.first for s in plan_segments(timeline)[1:]]
    cmd = FfmpegCommand()
    picture = picture_filters(
        cmd,
        timeline,
        clip_durations=clip_durations,
        captions_ass=captions_ass,
        fonts_dir=fonts_dir,
        still_sizes=still_sizes,
    )
    # A key frame is forced on the first frame at or after each time: half a frame early, so
    # that rounding cannot push it onto the next frame.
    times = ",".join(f"{(first - 0.5) / fps:.6f}" for first in starts)
    cmd.output = [
        "-map", f"[{picture}]", *video_codec_args(timeline), "-forced-idr", "1", "-an",
        *(["-force_key_frames", times] if starts else []),
        "-frames:v", str(total_frames(timeline)),
        "-f", "segment", "-segment_format", "mp4", "-reset_timestamps", "1",
        *(["-segment_frames", ",".join(map(str, starts))] if starts else []),
        str(pattern),
    ]  # fmt: skip
    return cmd


def audio_command(
    timeline: Timeline, out_path: Path, *, levels: Mapping[Path, float] | None = None
) -> FfmpegCommand:
    """The soundtrack over the whole timeline (narration, music, ducking, loudness) as AAC;
    `levels` as for graph.build_command."""
    cmd = FfmpegCommand()
    audio_filters(cmd, timeline, total_frames(timeline) / timeline.fps, levels=levels)
    cmd.output = ["-map", "[aout]", *audio_codec_args(timeline), "-vn", str(out_path)]
    return cmd


def concat_list(paths: Sequence[Path]) -> str:
    """The concat demuxer's list of `paths`, quoted for it."""
    return "".join("file '" + str(p).replace("'", "'\\''") + "'\n" for p in paths)


def mux_args(list_file: Path, audio: Path, out_path: Path) -> list[str]:
    """Join the segments listed in `list_file` and add `audio`, both by stream copy."""
    return [
        "-f", "concat", "-safe", "0", "-i", str(list_file), "-i", str(audio),
        "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-movflags", "+faststart",
        str(out_path),
    ]  # fmt: skip
