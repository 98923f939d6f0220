"""The picture half of the assembly graph: scenes on the frame grid, Ken Burns, transitions.

Every scene becomes exactly its frames on the timeline's frame grid: stills get sub-pixel Ken
Burns motion, clips are fitted (trimmed, or slowed then held with a gentle zoom). The scenes
are laid on two lanes whose filters do not multiply with the number of scenes: an ffmpeg
filter keeps its frame buffers until the whole graph ends, so one Ken Burns filter per scene
and one xfade per transition cost ~20 MiB each at 1080x1920 and pushed a 3-minute video past
2 GiB; so did one input and fitting chain per still (see common.media.graph.stills: the stills
of one kind share one input, decoded as the lanes reach them).

- Lane A plays the scenes back to back, each from the end of its incoming transition on.
- Lane B holds the incoming scene's first frames during each transition; between transitions
  it repeats a frame by reference, which nothing draws.

One `perspective` per lane moves the stills (piecewise, scene by scene, resampling only the
frames that move; common.media.graph.ken_burns), and one `overlay` lays lane B over lane A
during transitions: crossfades ramp lane B's alpha, dips fade lane A to black and lane B in
from black, slides push lane A out while lane B comes in. Everything stays yuv420p (xfade
would convert every frame to 4:4:4 and back). A brand logo, if any, is overlaid last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from common.domain.assets import Motion
from common.domain.pacing import CLIP_HOLD_S
from common.media.graph.command import FfmpegCommand
from common.media.graph.ken_burns import SHARPEN, SHARPEN_DIV, Move, is_static, perspective, push
from common.media.graph.stills import concat_input, deal, group_key, repeat
from common.media.spec.frames import SceneSpan, scene_spans
from common.media.spec.timeline import ImageVisual, Timeline, TransitionKind

MAX_SLOWDOWN = 1.5
# A clip short of its scene by up to CLIP_HOLD_S (clips are bought for the scene's own time,
# common/domain/pacing.py) is not slowed: its last frame holds into and through the outgoing
# transition. Shorter still, it is slowed (by MAX_SLOWDOWN at most) just enough to leave that
# hold. A held frame zooms in this much per second of hold (the calm rate of
# common.media.spec.motion), up to HOLD_MAX_ZOOM.
HOLD_ZOOM_PER_S = 0.02
HOLD_MAX_ZOOM = 1.08
# Where a logo sits: margins as fractions of the frame. Portrait apps (TikTok, Reels, Shorts)
# put their tabs over the top ~7%, a column of buttons over the right ~15% from mid-height
# down, and the caption and description over the bottom ~22%; our captions sit above 15%.
PORTRAIT_LOGO_MARGINS = {"top": 0.08, "bottom": 0.25, "left": 0.05, "right": 0.05}
PORTRAIT_BOTTOM_RIGHT_X = 0.17  # clear of the button column
LANDSCAPE_LOGO_MARGINS = {"top": 0.05, "bottom": 0.05, "left": 0.04, "right": 0.04}


def clip_slowdown(wanted_s: float, clip_s: float) -> float:
    """How much a `clip_s` clip is slowed to fill `wanted_s` on screen: not at all when its last
    frame held for CLIP_HOLD_S covers the rest (trim, don't stretch), else just enough to leave
    that hold, by MAX_SLOWDOWN at most."""
    return min(MAX_SLOWDOWN, max(1.0, (wanted_s - CLIP_HOLD_S) / clip_s))


@dataclass
class _Lane:
    """A lane being built: its segments, and what its perspective and fades must do."""

    segments: list[str] = field(default_factory=list)
    pieces: list[tuple[int, Move]] = field(default_factory=list)  # (end frame, move)
    moving: list[tuple[int, int]] = field(default_factory=list)  # frame ranges to resample
    fades: list[str] = field(default_factory=list)


@dataclass
class _StillGroup:
    """The stills sharing one input, and the lane segments each entry becomes."""

    index: int
    paths: list[Path] = field(default_factory=list)
    on_a: list[tuple[str, int]] = field(default_factory=list)  # (segment label, frames)
    on_b: list[tuple[int, str, int]] = field(default_factory=list)  # (entry, label, frames)


def video_filters(
    cmd: FfmpegCommand,
    timeline: Timeline,
    clip_durations: Mapping[Path, float],
    still_sizes: Mapping[Path, tuple[int, int]] | None = None,
) -> str:
    """Add every scene's input and both lanes to `cmd`; return the label of the joined video.

    `clip_durations` gives the length in seconds of every VideoVisual file; `still_sizes` the
    (width, height) of ImageVisual files, which lets stills of one kind share an input.
    """
    spans = scene_spans(timeline)
    lane_a, lane_b = _Lane(), _Lane()
    groups: dict[tuple[str, ...], _StillGroup] = {}
    window_end = 0  # where lane B's previous transition ended
    for i, (scene, span) in enumerate(zip(timeline.scenes, spans, strict=True)):
        filler = span.first - window_end  # lane B frames before this scene's head
        if isinstance(scene.visual, ImageVisual):
            group = groups.setdefault(
                group_key(scene.visual.path, still_sizes), _StillGroup(len(groups))
            )
            group.paths.append(scene.visual.path)
            group.on_a.append((f"a{i}", span.shown - span.head))
            if span.head:
                group.on_b.append((len(group.paths) - 1, f"b{i}", filler + span.head))
            move = Move(scene.visual.motion, span.first, span.shown)
            if not is_static(scene.visual.motion):
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
    for group in groups.values():
        _stills(cmd, timeline, group)

    lane = _lane_chain(lane_a, timeline.fps, timeline.width)
    if not lane_b.segments:
        cmd.filters.append(f"{lane}[joined]")
    else:
        cmd.filters.append(f"{lane}[lane_a]")
        cmd.filters.append(f"{_lane_chain(lane_b, timeline.fps, timeline.width)}[lane_b]")
        cmd.filters.append(f"[lane_a][lane_b]{_overlay(timeline, spans)}[joined]")
    if timeline.logo is None:
        return "joined"
    _logo(cmd, timeline, "joined", "branded")
    return "branded"


def _cover(timeline: Timeline) -> str:
    w, h = timeline.width, timeline.height
    return (
        f"scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos,"
        f"crop={w}:{h},setsar=1,format=yuv420p"
    )


def _stills(cmd: FfmpegCommand, timeline: Timeline, group: _StillGroup) -> None:
    """One input for `group`'s stills, each decoded, fitted and sharpened once, then handed to
    its scene's lane segments, where `loop` repeats it by reference for the frames it shows."""
    n = group.index
    k = cmd.add_input(*concat_input(group.paths))
    sharpen = ":".join(f"{p}m='{SHARPEN}':{p}rdiv=1/{SHARPEN_DIV}" for p in range(3))
    source = f"[{k}:v]{_cover(timeline)},convolution={sharpen}"
    if group.on_b:
        cmd.filters.append(f"{source},split=2[s{n}a][s{n}b]")
        cmd.filters.append(f"[s{n}b]format=yuva420p[s{n}b_]")
    else:
        cmd.filters.append(f"{source}[s{n}a]")
    entries = list(enumerate(group.on_a))
    on_a = [(e, label, frames) for e, (label, frames) in entries]
    _deal(cmd, f"[s{n}a]", on_a, len(group.paths), timeline)
    if group.on_b:
        _deal(cmd, f"[s{n}b_]", group.on_b, len(group.paths), timeline)


def _deal(
    cmd: FfmpegCommand,
    stream: str,
    segments: list[tuple[int, str, int]],
    count: int,
    timeline: Timeline,
) -> None:
    """Frame `entry` of `stream` (of `count` frames) becomes segment `label`, repeated to
    `frames` frames; frames no segment takes are dropped."""
    outs = [f"[{label}_]" for _, label, _ in segments]
    dealer = deal([e for e, _, _ in segments], count) or "null"
    cmd.filters.append(f"{stream}{dealer}{''.join(outs)}")
    for (_, label, frames), out in zip(segments, outs, strict=True):
        cmd.filters.append(f"{out}{repeat(frames, timeline.fps)}[{label}]")


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

    A clip longer than the scene is trimmed; a shorter one holds its last frame, zooming in
    gently, for whatever is left, after being slowed (clip_slowdown) only when it is short by
    more than CLIP_HOLD_S.
    """
    fps, frames = timeline.fps, span.shown
    chain = f"[{k}:v]setpts=PTS-STARTPTS"
    wanted_s = frames / fps
    move, held = Move(), 0
    if clip_s < wanted_s:
        slowdown = clip_slowdown(wanted_s, clip_s)
        slow = f",setpts={slowdown:.6f}*PTS" if slowdown > 1 else ""
        chain += f"{slow},fps={fps},{_cover(timeline)}"
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


def _transition(
    timeline: Timeline, kind: TransitionKind, start: int, frames: int, lane_a: _Lane, lane_b: _Lane
) -> None:
    """The fades or push a transition needs on the lanes (_overlay draws lane B)."""
    fps = timeline.fps
    if kind == "crossfade":
        # Lane B's alpha ramps up from 0 on the first shared frame, as xfade's fade does.
        lane_b.fades.append(fade_filter("in", start, frames, fps, alpha=True))
    elif kind == "dip":
        # Lane A fades to black over the first half, lane B in from black over the rest.
        half = frames // 2
        if half:
            lane_a.fades.append(fade_filter("out", start, half, fps))
        lane_b.fades.append(fade_filter("in", start + half, frames - half, fps))
    elif kind == "slide":
        # Lane A is pushed left by exactly the (even) width lane B has come in by.
        end, move = lane_a.pieces[-1]
        lane_a.pieces[-1] = (end, replace(move, push_from=start, push_frames=frames))
        lane_a.moving.append((start, start + frames))


def fade_filter(kind: str, start: int, frames: int, fps: int, *, alpha: bool = False) -> str:
    """A fade over frames [start, start + frames) that touches no frame outside them."""
    on = f"between(t,{(start - 0.5) / fps:.6f},{(start + frames - 0.5) / fps:.6f})"
    what = ":alpha=1" if alpha else ""
    return f"fade=t={kind}{what}:st={start / fps:.6f}:d={frames / fps:.6f}:enable='{on}'"


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
            x.append(f"if({inside},W-{push(timeline.width, start, frames, frame)},0)")
    position = f"x='{'+'.join(x)}':eval=frame" if x else "x=0:eval=init"
    enable = "+".join(on)
    return f"overlay={position}:y=0:format=yuv420:eof_action=pass:enable='{enable}'"


def _lane_chain(lane: _Lane, fps: int, width: int) -> str:
    """A lane's segments joined, moved by one perspective, then faded."""
    joined = f"{''.join(lane.segments)}concat=n={len(lane.segments)}:v=1:a=0"
    chain = [f"{joined},setpts=N/({fps}*TB)"]
    if lane.moving:
        chain.append(perspective(lane.pieces, lane.moving, width))
    return ",".join(chain + lane.fades)


def logo_margins(timeline: Timeline) -> tuple[int, int]:
    """(x, y) pixels between the logo and the frame edges next to it: clear of the portrait
    apps' tabs, buttons and captions. Even, so yuv420p overlays land on whole chroma."""
    assert timeline.logo is not None
    w, h = timeline.width, timeline.height
    vertical, horizontal = timeline.logo.position.split("-")
    margins = PORTRAIT_LOGO_MARGINS if h > w else LANDSCAPE_LOGO_MARGINS
    x_share = margins[horizontal]
    if h > w and timeline.logo.position == "bottom-right":
        x_share = PORTRAIT_BOTTOM_RIGHT_X
    return 2 * round(x_share * w / 2), 2 * round(margins[vertical] * h / 2)


def logo_width(timeline: Timeline) -> int:
    """The logo's width in pixels (even): its size share of the frame's short side."""
    assert timeline.logo is not None
    return max(2, 2 * round(timeline.logo.size * min(timeline.width, timeline.height) / 2))


def _logo(cmd: FfmpegCommand, timeline: Timeline, video: str, out: str) -> None:
    """The logo scaled to logo_width(), at its opacity, over every frame of [video]."""
    logo = timeline.logo
    assert logo is not None
    k = cmd.add_input("-i", str(logo.path))
    mx, my = logo_margins(timeline)
    vertical, horizontal = logo.position.split("-")
    x = f"W-w-{mx}" if horizontal == "right" else str(mx)
    y = f"H-h-{my}" if vertical == "bottom" else str(my)
    # Opacity scales the logo's own alpha (a transparent PNG keeps its shape).
    cmd.filters.append(
        f"[{k}:v]format=rgba,scale={logo_width(timeline)}:-2:flags=lanczos,"
        f"colorchannelmixer=aa={logo.opacity:.4f},format=yuva420p[logo]"
    )
    # A single frame: overlay repeats it over every frame of the video.
    cmd.filters.append(f"[{video}][logo]overlay=x={x}:y={y}:format=yuv420:eof_action=repeat[{out}]")
