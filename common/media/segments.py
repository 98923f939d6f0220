"""Segment-cached assembly, the pure half: where each segment lies on the frame grid, what its
pixels depend on (its key), and the ffmpeg command that renders a scene's segments. Nothing
here runs ffmpeg (common/media/segmented.py does, and adds the soundtrack and the join).

Every scene gives up to two segments, which tile the video in order:
- its body, from the end of its incoming transition to the start of its outgoing one: scene i
  alone (visual, motion, its frame counts), its captions, the output format;
- its outgoing transition, when it has one: scene i's tail and scene i+1's head, the kind of
  transition, the captions shown meanwhile.
A new line for scene k changes its length (its Ken Burns move spans all its frames) and its
captions: body k and the transitions on both sides of it are encoded again; every other body,
however far it moved in time, keeps its key.

One ffmpeg process renders one scene: a sub-timeline of a black stub that gives scene i its
incoming transition (so its Ken Burns move and clip fitting start where they do in the whole
timeline), scene i and scene i+1, each with its frame counts from the whole timeline. The usual
picture graph (common/media/video_graph.py) renders it once; the window of the missing segments
is trimmed out and split, and each segment gets its own x264 output (frames after the window are
never rendered, frames before it only filtered). Relative frame numbers are all the graph uses,
so the pixels are those of the same frames in a one-pass render.

Captions are burned per segment with the segment's own ASS (events shifted to start at the
segment's first frame, so a scene that merely moved in time keeps its keys). Every segment is a
closed GOP starting with an IDR frame, encoded with identical x264 settings, so the concat
demuxer joins them with `-c copy` into one valid stream; the soundtrack (narration, music,
ducking, loudness) is rendered once over the whole timeline and muxed in by stream copy.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from common.domain.assets import Motion, content_hash
from common.media.captions import CaptionLayout, Cue, format_ass
from common.media.ffmpeg import FfmpegCommand
from common.media.graph import filter_value, picture_filters
from common.media.timeline import ImageVisual, Timeline, TimelineScene
from common.media.video_graph import (
    SceneSpan,
    fade_filter,
    frame_grid,
    scene_spans,
    video_filters,
)

# Bump when the meaning of a key changes in a way the hashed sources cannot see. The sources
# of common/media are hashed into every key: a release that changes any of them (whatever it
# changes) renders its segments afresh rather than risk reusing pixels the new code would not
# make.
SEGMENT_FORMAT = 1
_STILL = Motion(start=(0.5, 0.5, 1.0), end=(0.5, 0.5, 1.0), easing="linear")
_DIALOGUE = re.compile(r"^Dialogue: [^,]*,(\d+):(\d\d):(\d\d)\.(\d\d),(\d+):(\d\d):(\d\d)\.(\d\d),")
# Audio-only or thumbnail-only timeline fields: they never change a segment's pixels.
_NOT_PIXELS = {"scenes", "music_path", "title", "language"}
# Scene fields that never change a segment's own pixels (a transition segment adds its kind).
_SCENE_NOT_PIXELS = {
    "id", "narration_path", "narration_offset_s", "words", "text", "duration_s",
    "transition", "transition_s",
}  # fmt: skip


@dataclass(frozen=True)
class Segment:
    """Output frames [first, first + frames): scene `scene`'s body, or its outgoing transition
    into the next scene (`into` names it)."""

    index: int  # position in the video
    scene: int  # the scene it belongs to (whose process renders it)
    scene_id: str
    first: int
    frames: int
    into: str | None = None  # the next scene's id, for a transition

    @property
    def name(self) -> str:
        """`s02` for a body, `s02>s03` for the transition from s02 into s03."""
        return self.scene_id if self.into is None else f"{self.scene_id}>{self.into}"

    def start_s(self, fps: int) -> float:
        return self.first / fps


def plan_segments(timeline: Timeline) -> list[Segment]:
    """Every segment, in order; together they cover every frame once."""
    segments: list[Segment] = []
    scenes = timeline.scenes
    for i, span in enumerate(scene_spans(timeline)):
        body = span.first + span.head
        parts: list[tuple[int, int, str | None]] = [
            (body, span.shown - span.head - span.tail, None)
        ]
        if span.tail:
            parts.append((span.end - span.tail, span.tail, scenes[i + 1].id))
        for first, frames, into in parts:
            segments.append(Segment(len(segments), i, scenes[i].id, first, frames, into))
    return segments


def total_frames(timeline: Timeline) -> int:
    first, frames = frame_grid(timeline)[-1]
    return first + frames


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


# -- the sub-timeline a segment is rendered from ---------------------------------------------


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


# -- captions of one segment ------------------------------------------------------------------


def segment_ass(
    cues: Sequence[Cue],
    segment: Segment,
    fps: int,
    *,
    layout: CaptionLayout,
    font_family: str,
    style: str,
    clean: Callable[[str], str] | None = None,
) -> str | None:
    """The ASS script of the caption events visible in `segment`, timed from its first frame;
    None when no caption shows in it."""
    shift = segment.start_s(fps)
    shifted = [
        replace(
            cue,
            words=tuple(
                replace(w, start_s=w.start_s - shift, end_s=w.end_s - shift) for w in cue.words
            ),
            start_s=cue.start_s - shift,
            end_s=cue.end_s - shift,
        )
        for cue in cues
    ]
    text = format_ass(
        shifted,
        layout=layout,
        font_family=font_family,
        style=style,
        clean=clean or (lambda word: word),
    )
    end_cs = segment.frames * 100 / fps
    kept, any_event = [], False
    for line in text.splitlines():
        match = _DIALOGUE.match(line)
        if match is None:
            kept.append(line)
            continue
        h0, m0, s0, c0, h1, m1, s1, c1 = (int(g) for g in match.groups())
        start = ((h0 * 60 + m0) * 60 + s0) * 100 + c0
        end = ((h1 * 60 + m1) * 60 + s1) * 100 + c1
        if end > start and end > 0 and start < end_cs:
            kept.append(line)
            any_event = True
    return "\n".join(kept) + "\n" if any_event else None


# -- keys -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the media sources that decide a segment's pixels."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(str(SEGMENT_FORMAT).encode())
    for source in sorted(here.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def segment_key(
    timeline: Timeline,
    segment: Segment,
    *,
    ass: str | None,
    digests: Mapping[Path, str],
    engine: str,
) -> str:
    """The content hash of `segment`: everything its pixels depend on.

    `digests` maps every file the timeline names to a hash of its content (paths are
    per-render temp files); `engine` names the encoder build. A segment that only moved in time
    keeps its key: nothing absolute enters it.
    """
    spans = scene_spans(timeline)
    i = segment.scene
    parts: list[Any] = [
        "segment",
        code_fingerprint(),
        engine,
        _without_paths(timeline.model_dump(mode="python", exclude=_NOT_PIXELS), digests),
        _scene_part(timeline.scenes[i], spans[i], digests),
        ass,
        _fades_of(timeline, segment),
    ]
    if segment.into is not None:  # a transition: the next scene's head and how it comes in
        parts += [
            timeline.scenes[i].transition,
            _scene_part(timeline.scenes[i + 1], spans[i + 1], digests),
        ]
    return content_hash(*parts)


def _fades_of(timeline: Timeline, segment: Segment) -> list[str]:
    fades = segment_fades(timeline, segment)
    if fades is None:
        raise ValueError(f"segment {segment.name} has a fade from before it: not segmentable")
    return fades


def _scene_part(scene: TimelineScene, span: SceneSpan, digests: Mapping[Path, str]) -> Any:
    """A scene as its pixels see it: every field but sound, words (captions are keyed by their
    own ASS) and absolute timing (its frame counts stand for that)."""
    fields = scene.model_dump(mode="python", exclude=_SCENE_NOT_PIXELS)
    return {**_without_paths(fields, digests), "span": [span.shown, span.head, span.tail]}


def _without_paths(value: Any, digests: Mapping[Path, str]) -> Any:
    """`value` with every Path replaced by its content digest."""
    if isinstance(value, Path):
        return {"file": digests[value]}
    if isinstance(value, dict):
        return {k: _without_paths(v, digests) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_paths(v, digests) for v in value]
    return value


def timeline_files(timeline: Timeline) -> list[Path]:
    """Every file a timeline's pixels read (visuals, and any path among its other fields)."""
    found: list[Path] = []

    def walk(value: Any) -> None:
        if isinstance(value, Path):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(timeline.model_dump(mode="python", exclude=_NOT_PIXELS))
    for scene in timeline.scenes:
        found.append(scene.visual.path)
    return list(dict.fromkeys(found))


# -- commands ---------------------------------------------------------------------------------


def video_codec_args(timeline: Timeline) -> list[str]:
    """x264 settings every segment shares (the concat demuxer copies them as one stream)."""
    return [
        "-c:v", "libx264", "-preset", timeline.video_preset, "-crf", str(timeline.crf),
        "-pix_fmt", "yuv420p", "-r", str(timeline.fps),
    ]  # fmt: skip


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

    Each segment's chain after the lanes is build_command's (fades, yuv420p, captions, square
    pixels) and it gets its own x264 output. Raises ValueError for a segment that is not
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
        tail = source + "".join(f",{fade}" for fade in _fades_of(timeline, seg))
        tail += ",format=yuv420p"
        if ass is not None:
            tail += f",ass=filename={filter_value(str(ass))}"
            if fonts_dir is not None:
                tail += f":fontsdir={filter_value(str(fonts_dir))}"
        cmd.filters.append(f"{tail},setsar=1[v{k}]")
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
