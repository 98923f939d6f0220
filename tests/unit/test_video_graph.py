"""The picture half of the graph: scene spans, the two lanes, Ken Burns pieces, transitions."""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from common.domain.assets import Motion
from common.media.graph.picture import HOLD_ZOOM_PER_S
from common.media.graph.whole import build_command
from common.media.spec.frames import frame_grid, scene_spans
from common.media.spec.motion import window_at
from common.media.spec.timeline import Timeline

OUT = Path("out/video.mp4")
W, H, FPS = 360, 640, 30


def still(i: int, **kw: object) -> dict:
    return {"id": f"s{i}", "visual": {"kind": "image", "path": f"img{i}.png"}, **kw}


def clip(i: int, **kw: object) -> dict:
    return {"id": f"c{i}", "visual": {"kind": "video", "path": f"clip{i}.mp4"}, **kw}


def timeline(*scenes: dict) -> Timeline:
    return Timeline.model_validate({"width": W, "height": H, "fps": FPS, "scenes": list(scenes)})


def graph(tl: Timeline, clips: dict[Path, float] | None = None) -> str:
    return build_command(tl, OUT, clip_durations=clips or {}).filter_complex


def option(graph_text: str, filter_name: str, key: str) -> str:
    """The value of `key` in the (first) `filter_name` filter, quotes removed."""
    start = graph_text.index(f"{filter_name}=") + len(filter_name) + 1
    options: dict[str, str] = {}
    name, value, quoted = "", None, False
    for ch in graph_text[start:] + ",":
        if ch == "'":
            quoted = not quoted
        elif quoted:
            value = (value or "") + ch
        elif ch in ":,[":
            options[name] = value or ""
            if ch != ":":
                break
            name, value = "", None
        elif ch == "=" and value is None:
            value = ""
        elif value is None:
            name += ch
        else:
            value += ch
    assert key in options, f"no {filter_name} {key} in graph"
    return options[key]


def lane(graph_text: str, label: str) -> str:
    return next(f for f in graph_text.split(";\n") if f.endswith(f"[{label}]"))


_FUNCTIONS: dict[str, Callable[..., float]] = {
    "lt": lambda a, b: float(a < b),
    "gte": lambda a, b: float(a >= b),
    "between": lambda v, lo, hi: float(lo <= v <= hi),
    "clip": lambda v, lo, hi: min(max(v, lo), hi),
    "floor": math.floor,
    "pow": pow,
    "cos": math.cos,
    "min": min,
    "max": max,
}
_TOKEN = re.compile(r"\s*(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+|[A-Za-z_]\w*|[-+*/(),;])")


def evaluate(expr: str, **names: float) -> float:
    """An ffmpeg expression evaluated the way libavutil/eval.c does, for the functions the
    graph uses: `a;b` runs both, `if` evaluates only the branch taken, st/ld use 10 registers."""
    tokens = _TOKEN.findall(expr)
    assert "".join(tokens) == expr.replace(" ", ""), f"cannot tokenise {expr!r}"
    registers = [0.0] * 10
    pos = 0

    def peek() -> str:
        return tokens[pos] if pos < len(tokens) else ""

    def take(expected: str | None = None) -> str:
        nonlocal pos
        token = tokens[pos]
        assert expected is None or token == expected, (token, expected, expr)
        pos += 1
        return token

    def skip_argument() -> None:  # an untaken if branch: parsed, not evaluated
        nonlocal pos
        depth = 0
        while depth or peek() not in (",", ")"):
            depth += {"(": 1, ")": -1}.get(take(), 0)

    def sequence() -> float:
        value = sum_()
        while peek() == ";":
            take()
            value = sum_()
        return value

    def sum_() -> float:
        value = product()
        while peek() in ("+", "-"):
            value = value + product() if take() == "+" else value - product()
        return value

    def product() -> float:
        value = unary()
        while peek() in ("*", "/"):
            value = value * unary() if take() == "*" else value / unary()
        return value

    def unary() -> float:
        if peek() == "-":
            take()
            return -unary()
        return atom()

    def atom() -> float:
        token = take()
        if token == "(":
            value = sequence()
            take(")")
            return value
        if token[0].isdigit() or token[0] == ".":
            return float(token)
        if peek() != "(":
            return math.pi if token == "PI" else float(names[token])
        take("(")
        if token == "if":
            condition = sequence()
            take(",")
            if condition:
                value = sequence()
                if peek() == ",":
                    take()
                    skip_argument()
            else:
                skip_argument()
                value = 0.0
                if peek() == ",":
                    take()
                    value = sequence()
            take(")")
            return value
        args = [sequence()]
        while peek() == ",":
            take()
            args.append(sequence())
        take(")")
        if token == "st":
            registers[int(args[0])] = args[1]
            return args[1]
        if token == "ld":
            return registers[int(args[0])]
        return float(_FUNCTIONS[token](*args))

    value = sequence()
    assert pos == len(tokens), f"trailing tokens in {expr!r}"
    return value


def corners(graph_text: str, label: str, frame: int) -> list[float]:
    """x0, y0, ... y3 of lane `label`'s perspective at output frame `frame`."""
    chain = lane(graph_text, label)
    values = []
    for n in range(4):
        for axis in "xy":
            expr = option(chain, "perspective", f"{axis}{n}")
            values.append(evaluate(expr, **{"in": frame + 1, "W": W, "H": H}))
    return values


def expected_corners(motion: Motion, progress: float, push: float = 0.0) -> list[float]:
    cx, cy, zoom = window_at(motion, progress)
    left, right = W * (cx - 0.5 / zoom) + push / zoom, W * (cx + 0.5 / zoom) + push / zoom
    top, bottom = H * (cy - 0.5 / zoom), H * (cy + 0.5 / zoom)
    return [left, top, right, top, left, bottom, right, bottom]


def enabled(expr: str, variable: str, frames: range) -> list[int]:
    scale = 1 / FPS if variable == "t" else 1
    return [f for f in frames if evaluate(expr, **{variable: f * scale})]


MOTIONS = [
    Motion(start=(0.45, 0.5, 1.04), end=(0.55, 0.48, 1.2)),
    Motion(start=(0.5, 0.55, 1.25), end=(0.48, 0.5, 1.05), easing="linear"),
    Motion(start=(0.3, 0.6, 1.05), end=(0.95, 0.4, 1.3)),  # leaves the image: clamped
]


def three_stills(first: str = "crossfade", second: str = "slide") -> Timeline:
    """Stills moving by MOTIONS; transitions of 0.5 s (15 frames) then 0.4 s (12 frames)."""
    settings = [(2.0, first, 0.5), (3.0, second, 0.4), (2.0, "cut", 0.0)]
    return timeline(
        *(
            {"id": f"s{i}", "duration_s": d, "transition": kind, "transition_s": overlap}
            | {"visual": {"kind": "image", "path": f"img{i}.png", "motion": m.model_dump()}}
            for i, ((d, kind, overlap), m) in enumerate(zip(settings, MOTIONS, strict=True))
        )
    )


def test_spans_tile_the_video_and_transitions_never_overlap() -> None:
    rng = random.Random(7)
    for _ in range(50):
        scenes = [
            still(i, duration_s=rng.uniform(0.3, 3.0), transition_s=rng.uniform(0.0, 0.29))
            | {"transition": rng.choice(["crossfade", "dip", "slide", "cut"])}
            for i in range(rng.randint(1, 12))
        ]
        tl = timeline(*scenes)
        spans = scene_spans(tl)
        first, frames = frame_grid(tl)[-1]
        # Lane A: each scene from the end of its head to its end, back to back.
        assert sum(s.shown - s.head for s in spans) == first + frames
        for prev, nxt in itertools.pairwise(spans):
            assert prev.end == nxt.first + nxt.head and prev.tail == nxt.head
        # Each scene keeps a frame of its own: transitions on lane B never overlap.
        assert all(s.shown > s.head + s.tail - 1 for s in spans)
        assert all(s.first + s.head <= n.first for s, n in itertools.pairwise(spans))


def test_a_transition_longer_than_the_room_it_has_is_shortened() -> None:
    # Scene 1 lasts 0.6 s but both its transitions take 0.5 s: its own frames would vanish.
    tl = timeline(
        still(0, duration_s=1.0, transition_s=0.5),
        still(1, duration_s=0.6, transition_s=0.5),
        still(2, duration_s=1.0),
    )
    spans = scene_spans(tl)
    assert [s.tail for s in spans] == [2, 15, 0]
    assert spans[1].first + spans[1].head < spans[2].first


def test_each_piece_of_lane_a_follows_its_scenes_ken_burns_window() -> None:
    tl = three_stills(second="crossfade")
    text = graph(tl)
    spans = scene_spans(tl)
    for span, motion in zip(spans, MOTIONS, strict=True):
        for local in (span.head, span.head + 7, span.shown - 1):
            got = corners(text, "lane_a", span.first + local)
            want = expected_corners(motion, local / (span.shown - 1))
            assert got == pytest.approx(want, abs=1e-6)


def test_lane_b_shows_the_incoming_scenes_first_frames_in_their_window() -> None:
    tl = three_stills()
    text = graph(tl)
    for span, motion in list(zip(scene_spans(tl), MOTIONS, strict=True))[1:]:
        for local in range(span.head):
            got = corners(text, "lane_b", span.first + local)
            assert got == pytest.approx(expected_corners(motion, local / (span.shown - 1)))


def test_perspective_resamples_only_moving_frames() -> None:
    tl = timeline(
        still(0, duration_s=1.0, transition="cut"),
        clip(1, duration_s=1.0, transition="crossfade", transition_s=0.2),
        still(2, duration_s=1.0),
    )
    text = graph(tl, {Path("clip1.mp4"): 5.0})
    spans = scene_spans(tl)
    on = option(lane(text, "lane_a"), "perspective", "enable")
    assert enabled(on, "n", range(spans[-1].end)) == [
        *range(0, spans[0].end),
        *range(spans[2].first + spans[2].head, spans[2].end),
    ]
    on_b = option(lane(text, "lane_b"), "perspective", "enable")
    assert enabled(on_b, "n", range(spans[-1].end)) == list(
        range(spans[2].first, spans[2].first + 6)
    )


@pytest.mark.parametrize(
    ("kind", "lane_a_alone"),
    [("crossfade", 0), ("slide", 0), ("dip", 7)],  # a dip shows lane A alone for half
)
def test_lane_b_is_drawn_only_on_the_frames_its_transition_shares(
    kind: str, lane_a_alone: int
) -> None:
    tl = three_stills(first=kind)
    one, two = scene_spans(tl)[1:]
    on = option(lane(graph(tl), "joined"), "overlay", "enable")
    assert enabled(on, "t", range(250)) == [
        *range(one.first + lane_a_alone, one.first + one.head),
        *range(two.first, two.first + two.head),
    ]


def test_a_crossfade_ramps_lane_bs_alpha_and_a_dip_fades_both_lanes_through_black() -> None:
    cross = graph(three_stills(first="crossfade"))
    start = scene_spans(three_stills())[1].first
    assert f"fade=t=in:alpha=1:st={start / FPS:.6f}:d={15 / FPS:.6f}" in lane(cross, "lane_b")
    dip = graph(three_stills(first="dip"))
    assert f"fade=t=out:st={start / FPS:.6f}:d={7 / FPS:.6f}" in lane(dip, "lane_a")
    assert f"fade=t=in:st={(start + 7) / FPS:.6f}:d={8 / FPS:.6f}" in lane(dip, "lane_b")


def test_a_slide_pushes_lane_a_out_by_exactly_the_width_lane_b_came_in_by() -> None:
    tl = three_stills(second="slide")
    text = graph(tl)
    spans = scene_spans(tl)
    start, frames = spans[2].first, spans[2].head
    x = option(lane(text, "joined"), "overlay", "x")
    pushes = []
    for j in range(frames):
        b_at = evaluate(x, t=(start + j) / FPS, W=W)
        got = corners(text, "lane_a", start + j)
        want = expected_corners(MOTIONS[1], (start + j - spans[1].first) / (spans[1].shown - 1))
        zoom = W / (got[2] - got[0])
        push = (got[0] - want[0]) * zoom
        assert push == pytest.approx(W - b_at, abs=1e-6)
        assert b_at % 2 == 0  # yuv420p overlays land on even columns
        pushes.append(push)
    assert pushes[0] == pytest.approx(0.0, abs=1e-6) and pushes[-1] > W * 0.8
    assert all(b >= a for a, b in itertools.pairwise(pushes))


def test_a_clip_too_short_even_when_slowed_holds_its_last_frame_with_a_gentle_zoom() -> None:
    tl = timeline(clip(0, duration_s=2.0))
    text = graph(tl, {Path("clip0.mp4"): 0.5})
    assert "setpts=1.500000*PTS" in text and "tpad=stop_mode=clone" in text
    moving = round(0.5 * 1.5 * FPS)
    on = option(lane(text, "joined"), "perspective", "enable")
    assert enabled(on, "n", range(60)) == list(range(moving, 60))
    zooms = [W / (c[2] - c[0]) for c in (corners(text, "joined", f) for f in (moving, 45, 59))]
    assert zooms[0] == pytest.approx(1.0)
    assert (
        zooms[0] < zooms[1] < zooms[2] == pytest.approx(1 + HOLD_ZOOM_PER_S * (60 - moving) / FPS)
    )
