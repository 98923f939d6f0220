"""The picture half of the assembly graph: scenes on the frame grid, Ken Burns, transitions.

Every scene becomes exactly its frames on the timeline's frame grid: stills get sub-pixel Ken
Burns motion, clips are fitted (trimmed, or slowed then held with a gentle zoom). The scenes
are laid on two lanes whose filters do not multiply with the number of scenes: an ffmpeg
filter keeps its frame buffers until the whole graph ends, so one Ken Burns filter per scene
and one xfade per transition cost ~20 MiB each at 1080x1920 and pushed a 3-minute video past
2 GiB.

- Lane A plays the scenes back to back, each from the end of its incoming transition on.
- Lane B holds the incoming scene's first frames during each transition; between transitions
  it repeats a frame by reference, which nothing draws.

One `perspective` per lane moves the stills (piecewise, scene by scene, resampling only the
frames that move), and one `overlay` lays lane B over lane A during transitions: crossfades
ramp lane B's alpha, dips fade lane A to black and lane B in from black, slides push lane A
out while lane B comes in. Everything stays yuv420p (xfade would convert every frame to 4:4:4
and back).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from common.domain.assets import Motion
from common.media.ffmpeg import FfmpegCommand
from common.media.timeline import ImageVisual, Timeline, TransitionKind

MAX_SLOWDOWN = 1.5
# A clip still too short once slowed holds its last frame, zooming in this much per second of
# hold (the calm rate of common.media.motion), up to HOLD_MAX_ZOOM.
HOLD_ZOOM_PER_S = 0.02
HOLD_MAX_ZOOM = 1.08
# Ken Burns resampling. Bilinear takes half the time of bicubic (16 vs 32 ms a 1080x1920 frame
# here), which keeps the render close to the encoder's own time. Its softening is made up for
# once per still by a mild separable sharpen (-a, 1+2a, -a), a = 3/40. Measured on a detailed
# still zooming 1.25 -> 1.04, after x264 crf 20, against an ideal Lanczos resample: 36.5 dB
# (bicubic 37.4, plain bilinear 33.4), and less shimmer from frame to frame than bilinear.
INTERPOLATION = "linear"
_SHARPEN = "9 -138 9 -138 2116 -138 9 -138 9"  # (-3, 46, -3) x (-3, 46, -3) / 1600
_SHARPEN_DIV = 1600


@dataclass(frozen=True)
class SceneSpan:
    """Where a scene sits on the output's frame grid, in frames."""

    first: int  # the scene's first frame (its incoming transition starts there)
    shown: int  # frames on screen, both transitions included
    head: int  # frames shared with the previous scene (drawn from lane B)
    tail: int  # frames shared with the next scene

    @property
    def end(self) -> int:
        return self.first + self.shown


_STILL = Motion(start=(0.5, 0.5, 1.0), end=(0.5, 0.5, 1.0), easing="linear")


@dataclass(frozen=True)
class Move:
    """How a lane's perspective moves one scene: `motion` over frames [first, first + frames),
    plus the push of an outgoing slide over frames [push_from, push_from + push_frames)."""

    motion: Motion = field(default_factory=lambda: _STILL)
    first: int = 0
    frames: int = 1
    push_from: int = 0
    push_frames: int = 0  # 0: no push


@dataclass
class _Lane:
    """A lane being built: its segments, and what its perspective and fades must do."""

    segments: list[str] = field(default_factory=list)
    pieces: list[tuple[int, Move]] = field(default_factory=list)  # (end frame, move)
    moving: list[tuple[int, int]] = field(default_factory=list)  # frame ranges to resample
    fades: list[str] = field(default_factory=list)


def frame_grid(timeline: Timeline) -> list[tuple[int, int]]:
    """(first frame, frame count) of every scene on the output's frame grid.

    Scene boundaries are rounded to whole frames once, from Timeline.starts(), so many scenes
    never drift from the spec; a scene's count includes the frames its transition overlaps.
    """
    fps = timeline.fps
    grid = []
    for start, scene in zip(timeline.starts(), timeline.scenes, strict=True):
        first = round(start * fps)
        grid.append((first, max(1, round((start + scene.duration_s) * fps) - first)))
    return grid


def transition_frames(timeline: Timeline, grid: list[tuple[int, int]]) -> list[int]:
    """Frames each scene shares with the next through its transition (0 for cuts and the last).

    A transition is shortened, if it must be, so that it ends before the next one starts and
    leaves the incoming scene at least one frame of its own.
    """
    overlaps = []
    for i, scene in enumerate(timeline.scenes):
        if i + 1 == len(grid) or scene.transition == "cut":
            overlaps.append(0)
            continue
        wanted = grid[i][0] + grid[i][1] - grid[i + 1][0]
        after = grid[i + 2][0] if i + 2 < len(grid) else grid[i + 1][0] + grid[i + 1][1]
        overlaps.append(max(0, min(wanted, after - grid[i + 1][0] - 1)))
    return overlaps


def scene_spans(timeline: Timeline) -> list[SceneSpan]:
    """Every scene's span; a cut shows a scene only until the next one starts."""
    grid = frame_grid(timeline)
    overlaps = transition_frames(timeline, grid)
    spans = []
    for i, (first, frames) in enumerate(grid):
        shown = grid[i + 1][0] - first + overlaps[i] if i + 1 < len(grid) else frames
        spans.append(SceneSpan(first, shown, overlaps[i - 1] if i else 0, overlaps[i]))
    return spans


def video_filters(
    cmd: FfmpegCommand, timeline: Timeline, clip_durations: Mapping[Path, float]
) -> str:
    """Add every scene's input and both lanes to `cmd`; return the label of the joined video.

    `clip_durations` gives the length in seconds of every VideoVisual file.
    """
    spans = scene_spans(timeline)
    lane_a, lane_b = _Lane(), _Lane()
    window_end = 0  # where lane B's previous transition ended
    for i, (scene, span) in enumerate(zip(timeline.scenes, spans, strict=True)):
        filler = span.first - window_end  # lane B frames before this scene's head
        if isinstance(scene.visual, ImageVisual):
            k = cmd.add_input(
                "-threads", "1", "-framerate", str(timeline.fps), "-i", str(scene.visual.path)
            )
            move = _still(cmd, timeline, i, k, span, filler, scene.visual.motion)
            lane_a.moving.append((span.first + span.head, span.end))
            if span.head:
                lane_b.moving.append((span.first, span.first + span.head))
        else:
            k = cmd.add_input("-i", str(scene.visual.path))
            clip_s = clip_durations[scene.visual.path]
            move, held = _clip(cmd, timeline, i, k, span, filler, clip_s)
            if held:
                lane_a.moving.append((max(span.end - held, span.first + span.head), span.end))
        lane_a.segments.append(f"[a{i}]")
        lane_a.pieces.append((span.end, move))
        if span.head:
            lane_b.segments.append(f"[b{i}]")
            lane_b.pieces.append((span.first + span.head, move))
            window_end = span.first + span.head
        if span.tail:
            _transition(timeline, scene.transition, span.end - span.tail, span.tail, lane_a, lane_b)

    lane = _lane_chain(lane_a, timeline.fps, timeline.width)
    if not lane_b.segments:
        cmd.filters.append(f"{lane}[joined]")
        return "joined"
    cmd.filters.append(f"{lane}[lane_a]")
    cmd.filters.append(f"{_lane_chain(lane_b, timeline.fps, timeline.width)}[lane_b]")
    cmd.filters.append(f"[lane_a][lane_b]{_overlay(timeline, spans)}[joined]")
    return "joined"


def _cover(timeline: Timeline) -> str:
    w, h = timeline.width, timeline.height
    return (
        f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos,"
        f"crop={w}:{h},setsar=1,format=yuv420p"
    )


def _still(
    cmd: FfmpegCommand,
    timeline: Timeline,
    i: int,
    k: int,
    span: SceneSpan,
    filler: int,
    motion: Motion,
) -> Move:
    """A still's lane segments [a{i}] (and [b{i}] with a head); returns its Ken Burns move.

    The still is decoded, fitted and sharpened once; `loop` repeats that one frame by reference.
    """
    sharpen = ":".join(f"{p}m='{_SHARPEN}':{p}rdiv=1/{_SHARPEN_DIV}" for p in range(3))
    source = f"[{k}:v]{_cover(timeline)},convolution={sharpen}"
    own = _repeat(span.shown - span.head, timeline.fps)
    if span.head:
        cmd.filters.append(f"{source},split=2[a{i}s][b{i}s]")
        cmd.filters.append(f"[a{i}s]{own}[a{i}]")
        head = _repeat(filler + span.head, timeline.fps)
        cmd.filters.append(f"[b{i}s]format=yuva420p,{head}[b{i}]")
    else:
        cmd.filters.append(f"{source},{own}[a{i}]")
    return Move(motion, span.first, span.shown)


def _clip(
    cmd: FfmpegCommand,
    timeline: Timeline,
    i: int,
    k: int,
    span: SceneSpan,
    filler: int,
    clip_s: float,
) -> tuple[Move, int]:
    """A clip's lane segments [a{i}] (and [b{i}] with a head); returns its move and the number
    of held frames.

    A clip longer than the scene is trimmed; a shorter one is slowed by at most MAX_SLOWDOWN,
    then its last frame is held, zooming in gently, for whatever is left.
    """
    fps, frames = timeline.fps, span.shown
    chain = f"[{k}:v]setpts=PTS-STARTPTS"
    wanted_s = frames / fps
    move, held = Move(), 0
    if clip_s < wanted_s:
        slowdown = min(MAX_SLOWDOWN, wanted_s / clip_s)
        chain += f",setpts={slowdown:.6f}*PTS,fps={fps},{_cover(timeline)}"
        chain += f",tpad=stop_mode=clone:stop_duration={wanted_s:.6f}"
        held = max(0, frames - round(clip_s * slowdown * fps))
        if held:
            zoom = min(1.0 + HOLD_ZOOM_PER_S * held / fps, HOLD_MAX_ZOOM)
            hold = Motion(start=(0.5, 0.5, 1.0), end=(0.5, 0.5, zoom))
            move = Move(hold, span.end - held, held)
    else:
        chain += f",fps={fps},{_cover(timeline)}"
    chain += f",fps={fps},trim=end_frame={frames},setpts=PTS-STARTPTS"
    if span.head:
        cmd.filters.append(f"{chain},split=2[a{i}s][b{i}s]")
        cmd.filters.append(f"[a{i}s]trim=start_frame={span.head},setpts=PTS-STARTPTS[a{i}]")
        pad = f",tpad=start={filler}:start_mode=clone" if filler else ""
        cmd.filters.append(
            f"[b{i}s]trim=end_frame={span.head},setpts=PTS-STARTPTS,format=yuva420p{pad}[b{i}]"
        )
    else:
        cmd.filters.append(f"{chain}[a{i}]")
    return move, held


def _repeat(frames: int, fps: int) -> str:
    return f"loop=loop={frames - 1}:size=1:start=0,setpts=N/({fps}*TB)"


def _transition(
    timeline: Timeline, kind: TransitionKind, start: int, frames: int, lane_a: _Lane, lane_b: _Lane
) -> None:
    """The fades or push a transition needs on the lanes (_overlay draws lane B)."""
    fps = timeline.fps
    if kind == "crossfade":
        # Lane B's alpha ramps up from 0 on the first shared frame, as xfade's fade does.
        lane_b.fades.append(_fade("in", start, frames, fps, alpha=True))
    elif kind == "dip":
        # Lane A fades to black over the first half, lane B in from black over the rest.
        half = frames // 2
        if half:
            lane_a.fades.append(_fade("out", start, half, fps))
        lane_b.fades.append(_fade("in", start + half, frames - half, fps))
    elif kind == "slide":
        # Lane A is pushed left by exactly the (even) width lane B has come in by.
        end, move = lane_a.pieces[-1]
        lane_a.pieces[-1] = (end, replace(move, push_from=start, push_frames=frames))
        lane_a.moving.append((start, start + frames))


def _fade(kind: str, start: int, frames: int, fps: int, *, alpha: bool = False) -> str:
    """A fade over frames [start, start + frames) that touches no frame outside them."""
    on = f"between(t,{(start - 0.5) / fps:.6f},{(start + frames - 0.5) / fps:.6f})"
    what = ":alpha=1" if alpha else ""
    return f"fade=t={kind}{what}:st={start / fps:.6f}:d={frames / fps:.6f}:enable='{on}'"


def _push(width: int, start: int | str, frames: int | str, frame: str) -> str:
    """How far a slide has come at output frame `frame` (expressions allowed): an even number
    of pixels, so that it matches where yuv420p overlay can draw."""
    return f"2*floor({width}*({frame}-{start})/(2*{frames})+0.5)"


def _overlay(timeline: Timeline, spans: list[SceneSpan]) -> str:
    """The overlay of lane B on lane A, drawn only on transition frames."""
    fps = timeline.fps
    on, x = [], []
    for scene, nxt in zip(timeline.scenes, spans[1:], strict=False):
        if not nxt.head:
            continue
        start, frames = nxt.first, nxt.head
        # A dip shows lane A alone (fading to black) for the first half.
        lo = start + frames // 2 if scene.transition == "dip" else start
        on.append(f"between(t,{(lo - 0.5) / fps:.6f},{(start + frames - 0.5) / fps:.6f})")
        if scene.transition == "slide":
            frame = f"floor(t*{fps}+0.5)"
            inside = f"between({frame},{start},{start + frames - 1})"
            x.append(f"if({inside},W-{_push(timeline.width, start, frames, frame)},0)")
    position = f"x='{'+'.join(x)}':eval=frame" if x else "x=0:eval=init"
    enable = "+".join(on)
    return f"overlay={position}:y=0:format=yuv420:eof_action=pass:enable='{enable}'"


def _lane_chain(lane: _Lane, fps: int, width: int) -> str:
    """A lane's segments joined, moved by one perspective, then faded."""
    joined = f"{''.join(lane.segments)}concat=n={len(lane.segments)}:v=1:a=0"
    chain = [f"{joined},setpts=N/({fps}*TB)"]
    if lane.moving:
        chain.append(_perspective(lane, width))
    return ",".join(chain + lane.fades)


# Per frame, ffmpeg's perspective parses its eight corner expressions again, so their length
# costs time on every frame. Each corner therefore only selects its scene's numbers into
# registers (st/ld, unset ones read 0), and one shared formula follows:
# 1 first frame, then zoom | 2 frames - 1 | 3 linear easing | 4 start centre | 5 centre change
# 6 start zoom | 7 end zoom / start zoom | 8 push start | 9 push frames; 0 progress, eased.
_PROGRESS = (
    "st(0,min(max(in-1-ld(1),0)/ld(2),1));"
    "st(0,ld(3)*ld(0)+(1-ld(3))*(1-cos(PI*ld(0)))/2);"
    "st(1,ld(6)*pow(ld(7),ld(0)))"
)
_CENTRE = "clip(ld(4)+ld(5)*ld(0),0.5/ld(1),1-0.5/ld(1))"
# Source pixels per output pixel are 1/zoom, so a push of p output pixels is p/zoom.
_PUSH = "if(ld(9)*gte(in-1,ld(8)),{push},0)/ld(1)"


def _perspective(lane: _Lane, width: int) -> str:
    """One `perspective` moving every piece of a lane; frames outside `moving` pass untouched.

    The window's corners, in source pixels, are mapped to the frame corners and re-evaluated
    every frame, so the move has no whole-pixel steps (zoompan rounds its crop to whole pixels
    and visibly jitters).
    """
    push = _PUSH.format(push=_push(width, "ld(8)", "ld(9)", "in-1"))
    points = []
    for n, (x_side, y_side) in enumerate((("-", "-"), ("+", "-"), ("-", "+"), ("+", "+"))):
        x = f"{_select(lane, 'x')};{_PROGRESS};W*({_CENTRE}{x_side}0.5/ld(1))+{push}"
        y = f"{_select(lane, 'y')};{_PROGRESS};H*({_CENTRE}{y_side}0.5/ld(1))"
        points.append(f"x{n}='{x}':y{n}='{y}'")
    enable = "+".join(f"between(n,{lo},{hi - 1})" for lo, hi in _merge(lane.moving))
    return (
        f"perspective={':'.join(points)}:interpolation={INTERPOLATION}"
        f":sense=source:eval=frame:enable='{enable}'"
    )


def _select(lane: _Lane, axis: str) -> str:
    """Nested ifs storing the numbers of the piece that frame `in` belongs to."""
    expr = ""
    for end, move in reversed(lane.pieces):
        (x0, y0, z0), (x1, y1, z1) = move.motion.start, move.motion.end
        z0, z1 = max(z0, 1.0), max(z1, 1.0)
        c0, c1 = (x0, x1) if axis == "x" else (y0, y1)
        linear = 1 if move.motion.easing == "linear" else 0
        values = [move.first, max(move.frames - 1, 1), linear, c0, c1 - c0, z0, z1 / z0]
        if axis == "x":
            values += [move.push_from, move.push_frames]
        stores = "+".join(f"st({r},{v:.9g})" for r, v in enumerate(values, 1) if v)
        # `in` counts from 1: the piece covers frames before `end`, in < end + 1.
        expr = f"if(lt(in,{end + 1}),{stores},{expr})" if expr else stores
    return expr


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open frame ranges merged where they touch or overlap, in order."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(r for r in ranges if r[1] > r[0]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged
