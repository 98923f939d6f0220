"""Sceneries with their own rules: the sea (reflections, a lighthouse), the city (lit windows),
the desert (shaded dunes) and space (planet, nebula, a rocky surface)."""

from __future__ import annotations

import numpy as np

from common.adapters.offline.painter.canvas import (
    Array,
    heights_from,
    noise2d,
    rgb,
    smoothstep,
    streaks,
)
from common.adapters.offline.painter.land import mist, paint_ground, ridged, row, sprinkle, wave
from common.adapters.offline.painter.props import LAMP, lamp_post, lighthouse, place
from common.adapters.offline.painter.sky import WHITE, paint_stars
from common.adapters.offline.painter.style import Frame, mix


def paint_sea(f: Frame) -> None:
    """Open water reflecting the sky, a glitter path under the sun or moon, a beach in front,
    and on one side a headland, often with a lighthouse."""
    c, u, w = f.colours, f.cv.unit, f.cv.width
    top, bottom = int(f.horizon), int(f.ground + u * 0.03)
    depth = np.arange(bottom - top, dtype=np.float32)
    # Mirror the painted sky, rippled: each row samples the sky as far above the horizon.
    src_rows = np.clip(top - 1 - depth * 0.8, 0, top - 1).astype(np.int64)
    shift = np.sin(depth * 0.35 + f.rng.uniform(0, 6)) * (2 + depth * 0.04)
    src_cols = np.clip(f.cv.xs[None, :] + shift[:, None], 0, w - 1).astype(np.int64)
    reflection = f.cv.px[src_rows[:, None], src_cols]
    t = smoothstep(0.0, float(bottom - top), depth)[:, None, None]
    water = mix(c.mid, c.sky[2], 0.25)
    deep = c.mid * 0.75
    colour = reflection * (0.55 - 0.3 * t) + (water + (deep - water) * t) * (0.45 + 0.3 * t)
    lines = streaks(f.rng, w, bottom - top, u * 0.08, u * 0.006)
    colour *= (1.0 + 0.12 * (lines - 0.5) * (0.3 + t[:, :, 0]))[:, :, None]
    f.cv.px[top:bottom] = colour
    if f.sky.body != "none":
        bx = f.body[0]
        spread = u * (0.02 + 0.12 * depth / max(1.0, bottom - top))
        path = np.exp(-(((f.cv.xs[None, :] - bx) / spread[:, None]) ** 2))
        glitter = smoothstep(0.55, 0.8, lines) * path
        f.cv.light(glitter * 0.8, mix(c.light, WHITE, 0.4), top)
    paint_headland(f)
    # Foam where the waves reach the beach, then the beach itself.
    sand = paint_ground(f, c.ground, c.ground * 0.82)
    foam = np.clip(
        1.0 - np.abs(f.cv.ys[top:bottom, None] - (sand[None, :] - u * 0.004)) / (u * 0.004), 0, 1
    )
    f.cv.blend(foam * 0.6, mix(WHITE, c.sky[2], 0.2), top)
    sprinkle(f, sand, [c.ground * 0.75, mix(c.ground, WHITE, 0.5)], 0.04)
    f.water = (f.horizon, float(np.min(sand)))


def paint_headland(f: Frame) -> None:
    """A cliff rising from the sea on one side; a lighthouse on it if the story has one."""
    c, u, w = f.colours, f.cv.unit, f.cv.width
    x = f.cv.xs / w
    x = 1.0 - x if f.flip else x
    edge = f.rng.uniform(0.22, 0.34)
    cliff = f.horizon - u * (0.05 + 0.015 * wave(f, 0.3, 3))
    slope = smoothstep(edge, edge + 0.06, x)  # the cliff face drops into the sea
    heights = (cliff + slope * (f.ground - cliff + u * 0.1)).astype(np.float32)
    grass = mix(c.near, rgb([0.42, 0.58, 0.33]) * rgb(f.sky.land), 0.45)
    f.cv.layer(heights, grass)
    rock = mix(c.near, c.far, 0.25) * 0.8
    f.cv.layer(heights + u * 0.018, rock, base=rock * 0.75, fade_px=u * 0.2)
    wants = any(word in f.text for word in ("lighthouse", "keeper", "harbo"))
    if not (wants or f.rng.uniform() < 0.4):
        return
    lx = edge * 0.6 * w
    lx = w - lx if f.flip else lx
    lit = f.sky.lit_windows
    tower = lighthouse(u * 0.22, lit)
    base = float(heights[int(lx)]) + u * 0.005
    place(f, tower, lx, base)
    if lit:
        beam(f, lx, base - u * 0.2, toward=-1.0 if f.flip else 1.0)


def beam(f: Frame, x: float, y: float, toward: float) -> None:
    """The lighthouse's beam sweeping out over the sea, with a glow at the lamp."""
    dx = (f.cv.xs[None, :] - x) * toward
    dy = f.cv.ys[: int(f.ground), None] - y
    angle = np.arctan2(dy, np.maximum(dx, 1e-3))
    dist = np.sqrt(dx * dx + dy * dy) / f.cv.unit
    cone = np.exp(-(((angle + 0.05) / 0.06) ** 2)) * (dx > 0)
    f.cv.light((0.45 * cone * np.exp(-dist / 0.9)).astype(np.float32), LAMP)
    f.cv.glow(x, y, f.cv.unit * 0.035, LAMP, 0.9)


def skyline(
    f: Frame, base: float, tallest: float, narrow: float, wide: float
) -> tuple[Array, Array]:
    """Rooftops of a row of buildings, and each column's building index."""
    w = f.cv.width
    heights = np.empty(w, dtype=np.float32)
    index = np.empty(w, dtype=np.int64)
    x, i = 0, 0
    while x < w:
        width = int(f.rng.uniform(narrow, wide))
        heights[x : x + width] = base - tallest * f.rng.uniform(0.3, 1.0) ** 0.7
        index[x : x + width] = i
        x, i = x + width, i + 1
    return heights, index


def paint_city(f: Frame) -> None:
    """A pale far skyline, a nearer one with windows (lit after dark), a street with lamps."""
    c, u = f.colours, f.cv.unit
    far, _ = skyline(f, row(f, 0.1), u * 0.35, u * 0.05, u * 0.12)
    f.cv.layer(far, c.far, base=mix(c.far, c.haze, 0.4), fade_px=u * 0.3)
    mist(f, row(f, 0.12), u * 0.03, 0.3)
    near, index = skyline(f, row(f, 0.55), u * 0.45, u * 0.08, u * 0.16)
    mask, top = f.cv.ridge(near)
    # Each facade takes a little of one palette colour: a storybook street, not a grey block.
    tints = np.stack([mix(c.mid, p * rgb(f.sky.land), 0.35) for p in c.palette])
    picks = f.rng.integers(0, len(c.palette), int(index.max()) + 1)
    facades = tints[picks[index]] * f.rng.uniform(0.9, 1.08, int(index.max()) + 1)[index][:, None]
    f.cv.blend(mask, facades[None, :, :], top)
    cell_w, cell_h = u * 0.026, u * 0.034
    starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    left = np.repeat(starts, np.diff(np.r_[starts, f.cv.width]))
    local_x = (f.cv.xs - left)[None, :]
    local_y = f.cv.ys[top:, None] - near[None, :] - u * 0.02
    windows = ((local_x % cell_w) > cell_w * 0.4) & ((local_y % cell_h) < cell_h * 0.55)
    windows &= (local_y > 0) & (local_x > cell_w * 0.3)
    hashed = (
        index[None, :] * 7919
        + (local_y // cell_h).astype(np.int64) * 104729
        + (local_x // cell_w).astype(np.int64) * 613
    ) % 1000
    chance = 0.45 if f.sky.lit_windows else 0.0
    lit = windows & (hashed < chance * 1000)
    f.cv.blend((windows & ~lit) * mask * 0.5, mix(c.mid, c.sky[2], 0.5), top)
    f.cv.blend(lit * mask * 0.95, LAMP, top)
    street = paint_ground(f, c.ground, c.ground * 0.7)
    for side in (0.08, 0.92):
        x = side * f.cv.width
        base = float(street[int(x)]) + u * 0.03
        place(f, lamp_post(u * 0.34, c.near, f.sky.lit_windows), x, base)
        if f.sky.lit_windows:
            f.cv.glow(x, base - u * 0.32, u * 0.06, LAMP, 0.6)


def paint_desert(f: Frame) -> None:
    """Flat-topped mesas far away, dunes lit on one flank and shaded on the other, sand."""
    c, u = f.colours, f.cv.unit
    mesas = heights_from(f.horizon, u * 0.14, np.clip((wave(f, 0.5, 3) - 0.1) * 4.0, 0.0, 1.0))
    f.cv.layer(mesas, c.far, base=mix(c.far, c.haze, 0.5), fade_px=u * 0.12)
    mist(f, f.horizon, u * 0.03, 0.3)
    toward_sun = 1.0 if f.body[0] < f.cv.width / 2 else -1.0
    layers = ((0.1, 0.1, mix(c.far, c.mid, 0.5)), (0.45, 0.14, c.mid), (0.8, 0.1, c.near))
    for t, amp, colour in layers:
        heights = heights_from(row(f, t), u * amp, 0.5 + 0.5 * wave(f, 0.55, 2))
        slope = np.gradient(heights) * toward_sun
        shade = 1.0 + 0.3 * np.tanh(slope * 3.0)  # flanks facing the sun are lighter
        mask, top = f.cv.ridge(heights)
        below = f.cv.ys[top:, None] - heights[None, :]
        near_crest = smoothstep(u * 0.25, 0.0, below)
        factor = 1.0 + (shade[None, :] - 1.0) * near_crest - 0.12 * smoothstep(0.0, u * 0.3, below)
        f.cv.blend(mask, (colour[None, None, :] * factor[:, :, None]), top)
    sand = paint_ground(f, c.ground, c.ground * 0.85)
    sprinkle(f, sand, [c.ground * 0.75], 0.05)


def paint_space(f: Frame) -> None:
    """Deep sky with a nebula, a ringed planet and a moon over a cratered rocky surface."""
    c, u, w = f.colours, f.cv.unit, f.cv.width
    dark = mix(min(c.palette, key=lambda p: float(p.sum())), rgb([0.01, 0.01, 0.03]), 0.6)
    f.cv.vertical_gradient(
        [(0.0, dark), (f.horizon / f.cv.height, mix(dark, c.accent, 0.25)), (1.0, dark)]
    )
    h = int(f.horizon)
    cloud = noise2d(f.rng, w, h, u * 0.5, 4)
    band = smoothstep(0.45, 0.8, cloud)
    f.cv.light(band * 0.5, mix(c.accent, c.sky[1], 0.3))
    f.cv.light(smoothstep(0.6, 0.9, cloud) * 0.35, mix(c.palette[-1], WHITE, 0.3))
    paint_stars(f, count=int(w * h / 900))
    px, py = f.body
    r = u * 0.2
    reach = int(r * 1.9)  # the rings stick out well beyond the planet
    top, left = int(py) - reach, int(px) - reach
    ys = (np.arange(2 * reach, dtype=np.float32)[:, None] + top - py) / r
    xs = (np.arange(2 * reach, dtype=np.float32)[None, :] + left - px) / r
    planet = np.clip((1.0 - np.sqrt(xs * xs + ys * ys)) * r + 0.5, 0.0, 1.0)
    bands = 0.5 + 0.5 * np.sin(ys * 9.0 + np.sin(xs * 3.0) * 0.6)
    base = mix(c.palette[1 % len(c.palette)], c.light, 0.3)
    surface = base[None, None, :] * (0.75 + 0.35 * bands[:, :, None])
    lit = smoothstep(0.9, -0.4, xs * 0.8 + ys * 0.6)  # terminator: lit from the upper left
    f.cv.blend(planet, surface * (0.15 + 0.85 * lit[:, :, None]), top, left)
    tilt_y = (ys - xs * 0.25) * 3.2
    ring = np.clip(1.0 - np.abs(np.sqrt(xs * xs + tilt_y * tilt_y) - 1.5) / 0.2, 0, 1) ** 0.7
    front = (tilt_y > 0) | (planet < 0.5)  # the far half of the ring passes behind the planet
    f.cv.blend(ring * front * 0.8, mix(base, WHITE, 0.4), top, left)
    f.cv.glow(px, py, r * 1.2, c.light, 0.12)
    mx = w - px if abs(w - 2 * px) > u * 0.3 else px + u * 0.35
    moon, mt, ml = f.cv.disc(min(max(mx, u * 0.1), w - u * 0.1), py - r * 1.2, u * 0.04)
    f.cv.blend(moon, mix(c.far, WHITE, 0.5), mt, ml)
    far = heights_from(row(f, 0.1), u * 0.08, ridged(f, 0.6, 4))
    f.cv.layer(far, c.far, base=mix(c.far, dark, 0.5), fade_px=u * 0.1)
    ground = paint_ground(f, c.ground, c.ground * 0.6)
    for _ in range(int(f.rng.integers(5, 9))):  # craters: a shaded bowl with a lit rim
        cx = f.rng.uniform(0, w)
        cy = f.rng.uniform(ground.min() + u * 0.02, f.cv.height * 0.85)
        rx = u * f.rng.uniform(0.02, 0.06) * (0.5 + (cy - f.ground) / (f.cv.height - f.ground))
        rim, rt, rl = f.cv.disc(cx, cy, rx)
        rim_y = (np.arange(rim.shape[0], dtype=np.float32)[:, None] + rt - cy) * 3.0
        rim_x = np.arange(rim.shape[1], dtype=np.float32)[None, :] + rl - cx
        bowl = np.clip(rx - np.sqrt(rim_x * rim_x + rim_y * rim_y) + 0.5, 0, 1)
        f.cv.blend(bowl * 0.5, c.ground * 0.55, rt, rl)
        upper = np.clip(rx * 0.92 - np.sqrt(rim_x * rim_x + (rim_y + rx * 0.4) ** 2) + 0.5, 0, 1)
        f.cv.blend(np.clip(bowl - upper, 0, 1) * 0.4, mix(c.ground, WHITE, 0.3), rt, rl)
