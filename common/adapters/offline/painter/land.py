"""Landscapes of the offline painter: hills, forests, mountains and snowfields, far to near.

Each layer is a skyline filled downward; far layers are paler (closer to the haze colour) and
fade into mist at their feet, which is what makes flat shapes read as distance. Every scenery
ends with the calm foreground ground the characters stand on (`paint_ground`).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from common.adapters.offline.painter.canvas import (
    Array,
    Sprite,
    heights_from,
    noise1d,
    noise2d,
    rgb,
    smoothstep,
    streaks,
)
from common.adapters.offline.painter.props import conifer, house, place, round_tree
from common.adapters.offline.painter.style import Frame, luminance, mix

SNOW_WHITE = rgb([0.95, 0.97, 1.0])


def row(f: Frame, t: float) -> float:
    """The row at fraction t of the way from the horizon (0) down to the ground line (1)."""
    return f.horizon + (f.ground - f.horizon) * t


def wave(f: Frame, period: float, octaves: int = 3) -> Array:
    """Smooth noise across the frame width, period in units of the short side."""
    return noise1d(f.rng, f.cv.width, max(4.0, period * f.cv.unit), octaves)


def mist(f: Frame, at: float, thickness: float, strength: float) -> None:
    """A band of haze lying at row `at`, `thickness` px tall."""
    top = max(0, int(at - 2 * thickness))
    bottom = min(f.cv.height, int(at + 2 * thickness))
    rows = f.cv.ys[top:bottom]
    amount = strength * np.exp(-(((rows - at) / thickness) ** 2))
    mask = np.broadcast_to(amount[:, None], (bottom - top, f.cv.width))
    f.cv.blend(mask, f.colours.haze, top)


def paint_ground(f: Frame, top: Array, bottom: Array) -> Array:
    """The foreground: a gently rolling, softly textured field from the ground line down."""
    u = f.cv.unit
    heights = heights_from(f.ground, u * 0.012, wave(f, 1.2, 2))
    mask, first = f.cv.ridge(heights)
    span = f.cv.height - first
    t = smoothstep(0.0, 1.0, (f.cv.ys[first:] - first) / span)
    colours = top[None, :] + (bottom - top)[None, :] * t[:, None]
    f.cv.blend(mask, colours[:, None, :], first)
    texture = 0.6 * streaks(f.rng, f.cv.width, span, u * 0.05, u * 0.008)
    texture += 0.4 * noise2d(f.rng, f.cv.width, span, u * 0.025, 2)
    # Texture is stronger near the top, quieter in the lower band where captions go.
    strength = 0.08 * (1.0 - 0.5 * t)[:, None]
    f.cv.px[first:] *= (1.0 + strength * (texture - 0.5) * mask)[:, :, None]
    return heights


def sprinkle(f: Frame, heights: Array, colours: list[Array], density: float) -> None:
    """Small flowers or pebbles on the ground: bigger and rarer toward the viewer."""
    first = int(heights.min())
    span = f.cv.height - first
    img = Image.new("RGBA", (f.cv.width, span), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    count = int(f.cv.width * span * density / 1000)
    u = f.cv.unit
    for _ in range(count):
        t = float(f.rng.uniform() ** 2.2)  # most near the far edge of the field
        y = t * span * 0.9
        x = float(f.rng.uniform(0, f.cv.width))
        if first + y < heights[int(x)] + 2:
            continue
        r = u * (0.002 + 0.006 * t)
        c = colours[int(f.rng.integers(len(colours)))]
        fill = (*(int(v * 255) for v in np.clip(c, 0, 1)), int(210 - 90 * t))
        draw.ellipse([x - r, y - r * 0.8, x + r, y + r * 0.8], fill=fill)
    arr = np.asarray(img, dtype=np.float32) / 255.0
    f.cv.paste(arr, 0, first)


def tree(f: Frame, height: float, colour: Array) -> Array:
    """A broadleaf tree, or in snow a snow-laden fir."""
    if f.snowy:
        fir = mix(rgb([0.2, 0.35, 0.3]) * rgb(f.sky.land), colour, 0.3)
        return conifer(height, fir, True, lit_left=not f.flip)
    return round_tree(height, colour, f.rng)


def treeline(f: Frame, base: float, height: float, spacing: float, conifers: bool) -> Array:
    """The skyline of a stand of trees: pointed firs or rounded crowns, jittered."""
    n = int(f.cv.width / spacing) + 3
    xs = (np.arange(n) - 1) * spacing + f.rng.uniform(-0.4, 0.4, n) * spacing
    hs = height * f.rng.uniform(0.65, 1.15, n)
    dx = np.abs(f.cv.xs[None, :] - xs[:, None])
    if conifers:
        tops = base - hs[:, None] + dx * 2.6  # steep flanks: slope 2.6 rows per column
    else:
        r = (hs * 0.4)[:, None]
        inside = np.sqrt(np.clip(r * r - dx * dx, 0.0, None))
        tops = np.where(dx < r, base - hs[:, None] + r - inside, np.inf)
    skyline: Array = np.minimum(tops.min(axis=0), base + height * 0.05).astype(np.float32)
    return skyline


def paint_meadow(f: Frame) -> None:
    """Rolling hills, a village on the middle hill, trees, a flowered field in front."""
    c, u = f.colours, f.cv.unit
    far = heights_from(row(f, 0.02), u * 0.05, wave(f, 0.7))
    f.cv.layer(far, c.far, base=mix(c.far, c.haze, 0.5), fade_px=u * 0.08)
    mid = heights_from(row(f, 0.3), u * 0.06, wave(f, 0.6))
    f.cv.layer(mid, c.mid, base=mix(c.mid, c.haze, 0.35), fade_px=u * 0.12)
    wall = mix(max(c.palette, key=lambda p: float(p.sum())), rgb([0.95, 0.9, 0.8]), 0.6)
    centre = f.rng.uniform(0.2, 0.8) * f.cv.width
    for _ in range(int(f.rng.integers(2, 5))):
        x = float(np.clip(centre + f.rng.normal(0, 0.08) * f.cv.width, 0, f.cv.width - 1))
        sprite = house(
            u * f.rng.uniform(0.05, 0.07),
            wall * rgb(f.sky.land),
            c.accent * 0.9,
            f.sky.lit_windows,
            f.rng,
        )
        place(f, sprite, x, mid[int(x)] + u * 0.012)
    for _ in range(int(f.rng.integers(3, 7))):
        x = float(f.rng.uniform(0, f.cv.width - 1))
        place(
            f,
            tree(f, u * f.rng.uniform(0.06, 0.09), mix(c.mid, c.near, 0.5)),
            x,
            mid[int(x)] + u * 0.02,
        )
    near = heights_from(row(f, 0.68), u * 0.03, wave(f, 0.8))
    f.cv.layer(near, mix(c.mid, c.near, 0.6))
    side = 0.1 if f.flip else 0.9
    x = f.cv.width * (side + f.rng.uniform(-0.06, 0.06))
    place(f, tree(f, u * 0.26, c.near * 0.85), x, near[int(np.clip(x, 0, f.cv.width - 1))])
    ground = paint_ground(f, c.ground, c.ground * 0.8)
    petals = [
        c.accent,
        mix(c.accent, rgb([1, 1, 1]), 0.5),
        mix(max(c.palette, key=luminance), rgb([1, 1, 1]), 0.3),
    ]
    if not f.snowy:  # no flowers in the snow
        sprinkle(f, ground, petals, 0.15)


def paint_forest(f: Frame) -> None:
    """Tree lines receding into mist, a clearing in front, a big trunk framing one side."""
    c, u = f.colours, f.cv.unit
    far = heights_from(row(f, 0.0), u * 0.06, wave(f, 0.8))
    f.cv.layer(far, mix(c.far, c.haze, 0.3))
    stands = (
        (0.12, 0.07, 0.022, mix(c.far, c.mid, 0.35)),
        (0.42, 0.13, 0.04, c.mid),
        (0.78, 0.2, 0.07, mix(c.mid, c.near, 0.7)),
    )
    for i, (t, height, spacing, colour) in enumerate(stands):
        base = row(f, t)
        line = treeline(f, base, u * height, u * spacing, conifers=f.rng.uniform() < 0.75)
        f.cv.layer(line, colour, base=mix(colour, c.haze, 0.45), fade_px=u * height * 1.2)
        mist(f, base, u * 0.025, 0.35 - 0.1 * i)
    ground = paint_ground(f, c.ground, c.ground * 0.75)
    x = (0.04 if not f.flip else 0.96) * f.cv.width
    big = conifer(min(f.cv.height * 0.5, f.cv.width * 0.6), c.near * 0.75, f.snowy, not f.flip)
    place(f, big, x, ground[int(x)] + u * 0.03)
    if not f.snowy:
        sprinkle(f, ground, [mix(c.ground, rgb([1, 1, 1]), 0.3), c.accent], 0.12)


def ridged(f: Frame, period: float, octaves: int = 5) -> Array:
    """Sharp-peaked noise in [0, 1]: folded fractal noise, the classic mountain profile."""
    return np.asarray(1.0 - np.abs(wave(f, period, octaves)), dtype=np.float32) ** 1.6


def paint_mountains(f: Frame) -> None:
    """A snow-capped range, a darker nearer range, wooded foothills, an alpine meadow in front."""
    c, u = f.colours, f.cv.unit
    peaks = heights_from(f.horizon - u * 0.06, u * 0.3, ridged(f, 0.9))
    rock = mix(c.far, c.mid, 0.45)
    f.cv.layer(peaks, rock, base=mix(rock, c.haze, 0.6), fade_px=u * 0.25)
    mask, top = f.cv.ridge(peaks)
    # Snow on the upper part of the tallest peaks only, with a ragged edge.
    snowline = float(peaks.min()) + u * (0.1 + 0.03 * wave(f, 0.15, 2))
    depth = f.cv.ys[top:, None] - snowline[None, :]
    caps = mask * smoothstep(2.0, -2.0, depth)
    snow = mix(SNOW_WHITE, c.light, 0.25) * rgb(f.sky.land) ** 0.5
    f.cv.blend(caps * 0.9, snow, top)
    shade_side = np.gradient(peaks)[None, :] * (1 if f.body[0] > f.cv.width / 2 else -1) > 0
    f.cv.blend(caps * shade_side * 0.25, c.sky[0], top)
    mist(f, f.horizon, u * 0.04, 0.5)
    mid = heights_from(row(f, 0.15), u * 0.16, ridged(f, 0.6, 4))
    f.cv.layer(mid, c.mid, base=mix(c.mid, c.haze, 0.5), fade_px=u * 0.16)
    mist(f, row(f, 0.2), u * 0.03, 0.3)
    hills = heights_from(row(f, 0.6), u * 0.04, wave(f, 0.7))
    woods = treeline(f, row(f, 0.62), u * 0.08, u * 0.03, conifers=True)
    f.cv.layer(np.minimum(hills, woods), mix(c.mid, c.near, 0.7))
    ground = paint_ground(f, c.ground, c.ground * 0.8)
    if not f.snowy:
        sprinkle(f, ground, [c.accent, mix(c.ground, rgb([1, 1, 1]), 0.4)], 0.12)


def paint_snow(f: Frame) -> None:
    """Pale peaks, snowy firs on the hills, an untouched snowfield in front."""
    c, u = f.colours, f.cv.unit
    peaks = heights_from(f.horizon - u * 0.02, u * 0.18, ridged(f, 0.8))
    f.cv.layer(peaks, c.far, base=mix(c.far, c.haze, 0.5), fade_px=u * 0.15)
    mist(f, f.horizon, u * 0.04, 0.45)
    hills = heights_from(row(f, 0.35), u * 0.05, wave(f, 0.7))
    f.cv.layer(hills, c.mid)
    fir = mix(rgb([0.2, 0.35, 0.3]), c.palette[0], 0.4) * rgb(f.sky.land)
    wall = mix(rgb([0.85, 0.72, 0.58]), c.palette[0], 0.2) * rgb(f.sky.land)
    for _ in range(int(f.rng.integers(1, 4))):  # cottages with the palette's accent on the roof
        x = float(f.rng.uniform(0.1, 0.9) * f.cv.width)
        cottage = house(
            u * f.rng.uniform(0.06, 0.08), wall, c.accent * 0.85, f.sky.lit_windows, f.rng
        )
        place(f, cottage, x, hills[int(x)] + u * 0.015)
    xs = np.sort(f.rng.uniform(0, f.cv.width - 1, int(f.rng.integers(5, 10))))
    for x in xs:
        place(
            f, conifer(u * f.rng.uniform(0.07, 0.13), fir, True), float(x), hills[int(x)] + u * 0.02
        )
    near = heights_from(row(f, 0.7), u * 0.03, wave(f, 0.9))
    f.cv.layer(near, c.near)
    paint_ground(f, c.ground, mix(c.ground, c.mid, 0.5))


def paint_snowfall(f: Frame) -> None:
    """Flakes over the scene: small and many far, a few larger soft ones near."""
    w, h = f.cv.width, f.cv.height
    img = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(img)
    for _ in range(int(w * h / 6000)):
        x, y = f.rng.uniform(0, w), f.rng.uniform(0, h)
        r = f.cv.unit * 0.0035 * float(f.rng.uniform(0.4, 1.0) ** 2 * 2.2)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=int(f.rng.integers(120, 230)))
    flakes = np.asarray(img, dtype=np.float32) / 255.0
    f.cv.blend(flakes * 0.8, SNOW_WHITE * rgb(f.sky.land) ** 0.4)


def paint_foreground(f: Frame) -> None:
    """A few dark tufts or stones in the bottom corners: depth, while the middle stays calm."""
    if f.scenery == "city":
        return
    u, w, h = f.cv.unit, f.cv.width, f.cv.height
    grassy = f.scenery in ("meadow", "forest", "mountains") and not f.snowy
    colour = f.colours.ground * (0.6 if grassy else 0.7)
    for side in (0.0, 1.0):
        for _ in range(int(f.rng.integers(1, 4))):
            x = abs(side - float(f.rng.uniform(0.0, 0.2))) * w
            y = h - float(f.rng.uniform(0.0, 0.04)) * h
            size = u * float(f.rng.uniform(0.05, 0.11))
            if grassy:
                sp = Sprite(1.0, 1.0, size)
                for _ in range(7):
                    bx = float(f.rng.uniform(0.2, 0.8))
                    tip = (bx + float(f.rng.uniform(-0.35, 0.35)), float(f.rng.uniform(0.0, 0.4)))
                    sp.polygon([(bx - 0.06, 1.0), tip, (bx + 0.06, 1.0)], tuple(colour))
                place(f, sp.finish(), x, y + size * 0.05)
            else:
                stone, top, left = f.cv.ellipse(x, y, size * 0.6, size * 0.3)
                f.cv.blend(stone, colour, top, left)
                lit, top2, left2 = f.cv.ellipse(
                    x - size * 0.1, y - size * 0.1, size * 0.4, size * 0.15
                )
                f.cv.blend(lit * 0.4, mix(colour, f.colours.light, 0.3), top2, left2)
