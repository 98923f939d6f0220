"""Ken Burns motion planning: where the visible window of a still starts, where it ends, and how
it gets there. Pure functions, no I/O.

A window is (cx, cy, zoom) in the image's own coordinates (see `common.domain.assets.Motion`):
with zoom z the window covers 1/z of each side, so it stays inside the image exactly when
cx and cy lie in [1/(2z), 1 - 1/(2z)].

Used by the offline video provider, by the pipeline's fallback when a Veo clip fails, and by the
ffmpeg graph builder that renders the motion.
"""

from __future__ import annotations

import hashlib
import math

from common.domain.assets import Motion
from common.domain.errors import InvalidInputError

Window = tuple[float, float, float]

# Zoom change per second of scene, by mood: calm moods drift, tense ones push in a little faster.
_ZOOM_RATE: dict[str, float] = {
    "calm": 0.014,
    "melancholy": 0.014,
    "mysterious": 0.018,
    "hopeful": 0.020,
    "joyful": 0.022,
    "triumphant": 0.024,
    "tense": 0.034,
}
_DEFAULT_RATE = 0.018
_MIN_CHANGE, _MAX_CHANGE = 1.05, 1.25
# The wide end is zoomed in a little so that it leaves room to pan: at zoom 1 the window is the
# whole image and cannot move at all.
_BASE_ZOOM = 1.04
# Total pan, as a fraction of the image side, before clamping to the room the zoom leaves.
_PAN = 0.03
# Pan directions (dx, dy), chosen by seed; diagonals are scaled so every pan has the same length.
_D = 1 / math.sqrt(2)
_DIRECTIONS: tuple[tuple[float, float], ...] = (
    (1.0, 0.0),
    (-1.0, 0.0),
    (_D, -_D),
    (-_D, _D),
    (0.0, -1.0),
    (-_D, -_D),
    (0.0, 1.0),
    (_D, _D),
)


def plan_motion(seed: int, mood: str, duration_s: float) -> Motion:
    """A slow, gentle Ken Burns move for one scene, the same for the same arguments.

    Even seeds zoom in, odd seeds zoom out, so consecutive scenes alternate; the pan direction
    turns with seed // 2. The zoom changes by 1.05-1.25x over the scene (slower for calm moods,
    faster for tense ones; unknown moods get a middle rate) and the pan is a few percent of the
    frame. Both windows lie inside the image.
    """
    if not math.isfinite(duration_s) or duration_s <= 0:
        raise InvalidInputError(
            "motion needs a positive duration", {"duration_s": f"must be > 0, got {duration_s}"}
        )
    jitter = _unit_hash(seed, mood)  # in [0, 1): varies the amount, never the direction
    rate = _ZOOM_RATE.get(mood, _DEFAULT_RATE) * (0.9 + 0.2 * jitter)
    change = min(max(1.0 + rate * duration_s, _MIN_CHANGE), _MAX_CHANGE)
    wide = _BASE_ZOOM
    close = round(wide * change, 4)

    dx, dy = _DIRECTIONS[(seed // 2) % len(_DIRECTIONS)]
    pan = _PAN * (0.8 + 0.4 * _unit_hash(seed, mood, "pan"))
    # Keep the subject area near the middle: the pan is centred on the image centre.
    first = _window(0.5 - dx * pan / 2, 0.5 - dy * pan / 2, wide)
    last = _window(0.5 + dx * pan / 2, 0.5 + dy * pan / 2, close)
    if seed % 2:
        first, last = (
            _window(first[0], first[1], close),
            _window(last[0], last[1], wide),
        )
    return Motion(start=first, end=last, easing="ease_in_out")


def ease(t: float, easing: str = "ease_in_out") -> float:
    """Progress along the move at time fraction t (clamped to [0, 1]); 0 at t=0, 1 at t=1."""
    t = min(max(t, 0.0), 1.0)
    if easing == "linear":
        return t
    return (1.0 - math.cos(math.pi * t)) / 2.0


def window_at(motion: Motion, t: float) -> Window:
    """The window (cx, cy, zoom) at time fraction t in [0, 1], eased and kept inside the image.

    Zoom is interpolated geometrically so the apparent speed of the zoom is even.
    """
    p = ease(t, motion.easing)
    (x0, y0, z0), (x1, y1, z1) = motion.start, motion.end
    z0, z1 = max(z0, 1.0), max(z1, 1.0)
    zoom = z0 * (z1 / z0) ** p
    return clamp_window(x0 + (x1 - x0) * p, y0 + (y1 - y0) * p, zoom)


def clamp_window(cx: float, cy: float, zoom: float) -> Window:
    """The nearest window to (cx, cy, zoom) that lies inside the image, zoom at least 1."""
    zoom = max(zoom, 1.0)
    lo = 0.5 / zoom
    hi = 1.0 - lo
    return (min(max(cx, lo), hi), min(max(cy, lo), hi), zoom)


def _window(cx: float, cy: float, zoom: float) -> Window:
    """A clamped window with centres rounded to 4 decimals (short, exact operation names)."""
    x, y, z = clamp_window(cx, cy, zoom)
    return (_round_inside(x, z), _round_inside(y, z), z)


def _round_inside(value: float, zoom: float) -> float:
    rounded = round(value, 4)
    lo = 0.5 / zoom
    # Rounding may step over the edge by a hair; the unrounded value is inside, keep it then.
    return rounded if lo <= rounded <= 1.0 - lo else value


def _unit_hash(*parts: object) -> float:
    digest = hashlib.sha256(repr(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64
