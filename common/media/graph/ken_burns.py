"""Ken Burns on a lane: one `perspective` filter moves every still (and pushes slides) piece by
piece, resampling only the frames that move.

The window's corners, in source pixels, are mapped to the frame corners and re-evaluated every
frame, so the move has no whole-pixel steps (zoompan rounds its crop to whole pixels and
visibly jitters).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from common.domain.assets import Motion

# Ken Burns resampling. Bilinear takes half the time of bicubic (16 vs 32 ms a 1080x1920 frame
# here), which keeps the render close to the encoder's own time. Its softening is made up for
# once per still by a mild separable sharpen (-a, 1+2a, -a), a = 3/40. Measured on a detailed
# still zooming 1.25 -> 1.04, after x264 crf 20, against an ideal Lanczos resample: 36.5 dB
# (bicubic 37.4, plain bilinear 33.4), and less shimmer from frame to frame than bilinear.
#
# Where an assembly's time goes beyond the encoder's (profiled with -benchmark on a 10 s,
# two-scene 1080x1920 timeline, x264 medium, 2 cores): x264 25.5 CPU-s; the graph without the
# encoder 6.3 CPU-s, of which this perspective 5.5 (17 ms a frame: ~12 resampling, ~5.5
# rebuilding its per-pixel coordinate table, which eval=frame does every frame on one thread);
# captions, overlay, fades, stills and audio the rest (audio 0.7, loudnorm 0.25 of it). So
# the engine needs ~1.3x the encoder's CPU time (bench: 122 vs 92 CPU-s on the 36 s bench).
# No cheaper sub-pixel mover exists among ffmpeg's filters: zoompan and crop step in whole
# (even) pixels, rotate and shear cannot zoom, and v360 rebuilds its tables on every change.
INTERPOLATION = "linear"
SHARPEN = "9 -138 9 -138 2116 -138 9 -138 9"  # (-3, 46, -3) x (-3, 46, -3) / 1600
SHARPEN_DIV = 1600

STILL = Motion(start=(0.5, 0.5, 1.0), end=(0.5, 0.5, 1.0), easing="linear")


@dataclass(frozen=True)
class Move:
    """How a lane's perspective moves one scene: `motion` over frames [first, first + frames),
    plus the push of an outgoing slide over frames [push_from, push_from + push_frames)."""

    motion: Motion = field(default_factory=lambda: STILL)
    first: int = 0
    frames: int = 1
    push_from: int = 0
    push_frames: int = 0  # 0: no push


def is_static(motion: Motion) -> bool:
    """Whether `motion` shows the whole frame throughout (nothing to resample)."""
    return max(motion.start[2], 1.0) == 1.0 and max(motion.end[2], 1.0) == 1.0


def push(width: int, start: int | str, frames: int | str, frame: str) -> str:
    """How far a slide has come at output frame `frame` (expressions allowed): an even number
    of pixels, so that it matches where yuv420p overlay can draw."""
    return f"2*floor({width}*({frame}-{start})/(2*{frames})+0.5)"


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


def perspective(pieces: list[tuple[int, Move]], moving: list[tuple[int, int]], width: int) -> str:
    """One `perspective` moving every piece (end frame, move) of a lane; only the frames in
    `moving` (half-open ranges) are resampled, the others pass untouched."""
    shift = _PUSH.format(push=push(width, "ld(8)", "ld(9)", "in-1"))
    points = []
    for n, (x_side, y_side) in enumerate((("-", "-"), ("+", "-"), ("-", "+"), ("+", "+"))):
        x = f"{_select(pieces, 'x')};{_PROGRESS};W*({_CENTRE}{x_side}0.5/ld(1))+{shift}"
        y = f"{_select(pieces, 'y')};{_PROGRESS};H*({_CENTRE}{y_side}0.5/ld(1))"
        points.append(f"x{n}='{x}':y{n}='{y}'")
    enable = "+".join(f"between(n,{lo},{hi - 1})" for lo, hi in merge(moving))
    return (
        f"perspective={':'.join(points)}:interpolation={INTERPOLATION}"
        f":sense=source:eval=frame:enable='{enable}'"
    )


def _select(pieces: list[tuple[int, Move]], axis: str) -> str:
    """Nested ifs storing the numbers of the piece that frame `in` belongs to."""
    expr = ""
    for end, move in reversed(pieces):
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


def merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open frame ranges merged where they touch or overlap, in order."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(r for r in ranges if r[1] > r[0]):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged
