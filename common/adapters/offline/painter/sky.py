"""The sky of an offline painting: gradient, sun or moon, stars, clouds, rain and light rays."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from common.adapters.offline.painter.canvas import Array, Sprite, noise2d, rgb, smoothstep
from common.adapters.offline.painter.style import Frame, mix

WHITE = rgb([1.0, 1.0, 1.0])


def paint_sky(f: Frame) -> None:
    """Gradient, stars, the sun or moon with its glow, and the mood's clouds."""
    zenith, middle, horizon = f.colours.sky
    hor = f.horizon / f.cv.height
    f.cv.vertical_gradient([(0.0, zenith), (hor * 0.55, middle), (hor, horizon), (1.0, horizon)])
    if f.sky.stars:
        paint_stars(f, count=int(f.cv.width * f.horizon / 2200))
    if f.sky.body == "sun":
        paint_sun(f)
    elif f.sky.body == "moon":
        paint_moon(f)
    paint_clouds(f)


def paint_sun(f: Frame) -> None:
    x, y = f.body
    u = f.cv.unit
    low = f.sky.body_height < 0.3  # a rising or setting sun is larger, warmer, with a wide halo
    f.cv.glow(x, y, u * (0.55 if low else 0.4), f.colours.light, 0.45 if low else 0.3)
    f.cv.glow(x, y, u * 0.12, f.colours.light, 0.6)
    mask, top, left = f.cv.disc(x, y, u * (0.075 if low else 0.05))
    f.cv.blend(mask, mix(f.colours.light, WHITE, 0.55), top, left)


def paint_moon(f: Frame) -> None:
    x, y = f.body
    u = f.cv.unit
    r = u * 0.055
    night = f.cv.px[int(y), int(x)].copy()  # the sky behind the moon, before its glow
    f.cv.glow(x, y, u * 0.3, f.colours.light, 0.18)
    f.cv.glow(x, y, u * 0.09, f.colours.light, 0.35)
    mask, top, left = f.cv.disc(x, y, r)
    f.cv.blend(mask, mix(f.colours.light, WHITE, 0.4), top, left)
    for _ in range(4):  # faint maria
        dx, dy = f.rng.uniform(-0.5, 0.5, 2) * r
        crater, ct, cl = f.cv.disc(x + dx, y + dy, r * f.rng.uniform(0.12, 0.3))
        f.cv.blend(crater * 0.12, f.colours.sky[1], ct, cl)
    if f.rng.uniform() < 0.5:  # a crescent: the dark side shows the sky behind
        ys = np.arange(mask.shape[0], dtype=np.float32)[:, None] + top - (y - r * 0.25)
        xs = np.arange(mask.shape[1], dtype=np.float32)[None, :] + left - (x + r * 0.45)
        shadow = np.clip(r * 0.92 - np.sqrt(xs * xs + ys * ys) + 0.5, 0.0, 1.0)
        f.cv.blend(mask * shadow * 0.92, night, top, left)


def paint_stars(f: Frame, count: int) -> None:
    h = int(f.horizon)
    w = f.cv.width
    ys = (f.rng.uniform(0.0, 1.0, count) ** 1.6 * h * 0.95).astype(np.int64)
    xs = f.rng.integers(0, w, count)
    bright = f.rng.uniform(0.0, 1.0, count) ** 3
    sky = np.zeros((h, w), dtype=np.float32)
    sky[ys, xs] = 0.35 + 0.65 * bright
    points = Image.fromarray((sky * 255).astype(np.uint8), "L")
    halo = np.asarray(points.filter(ImageFilter.GaussianBlur(1.6)), dtype=np.float32) / 255.0
    fade = smoothstep(float(h), h * 0.55, f.cv.ys[:h])[:, None]  # fewer near the horizon haze
    f.cv.light(np.clip(sky + halo * 4.0, 0.0, 1.0) * fade, mix(WHITE, f.colours.light, 0.3))


def cloud_sprite(f: Frame, width: float, lit: Array, shade: Array, from_below: bool) -> Array:
    """A storybook cumulus: overlapping puffs on a flat base, lit on one side."""
    sp = Sprite(1.0, 0.5, width)
    n = int(f.rng.integers(4, 8))
    base = 0.42
    for x in np.linspace(0.14, 0.86, n) + f.rng.uniform(-0.04, 0.04, n):
        r = (0.07 + 0.12 * np.sin(np.pi * x)) * f.rng.uniform(0.8, 1.2)
        sp.ellipse(float(x), base - r * 0.55, r, r * 0.85, (1.0, 1.0, 1.0))
    cut = min(base * sp.scale, sp.image.height)  # erase below the flat base
    sp.draw.rectangle([0, cut, sp.image.width, sp.image.height], fill=(0, 0, 0, 0))
    arr = sp.finish(blur=max(1.0, width * 0.008))
    t = np.linspace(0.0, 1.0, arr.shape[0], dtype=np.float32)[:, None, None]
    if from_below:
        t = 1.0 - t
    arr[:, :, :3] = lit + (shade - lit) * smoothstep(0.25, 0.95, t)
    return arr


def paint_clouds(f: Frame) -> None:
    style = f.sky.clouds
    if style in ("storm", "overcast"):
        paint_cloud_deck(f, storm=style == "storm")
        if style == "storm" and f.sky.rain:
            return
    zenith, middle, horizon = f.colours.sky
    light = f.colours.light
    count = {"few": 3, "fluffy": 5, "wisps": 4, "storm": 2, "overcast": 3}[style]
    u = f.cv.unit
    for i in range(count):
        width = u * f.rng.uniform(0.35, 0.7) * (1.0 if style != "few" else 0.8)
        y = f.horizon * f.rng.uniform(0.12, 0.72)
        x = f.cv.width * ((i + f.rng.uniform(0.1, 0.9)) / count) - width / 2
        if style == "wisps":  # long thin clouds lit from below by a low sun or the moon
            lit = mix(light, WHITE, 0.3) if f.sky.body != "moon" else mix(middle, light, 0.35)
            shade = mix(zenith, middle, 0.6)
            sprite = cloud_sprite(f, width * 1.4, lit, shade, from_below=True)
            sprite = sprite[::2]  # squash: wisps are flat
            sprite[:, :, 3] *= 0.75
        elif style in ("storm", "overcast"):
            sprite = cloud_sprite(
                f, width, mix(middle, light, 0.2), mix(zenith, middle, 0.3), False
            )
            sprite[:, :, 3] *= 0.6
        else:
            lit = mix(WHITE, light, 0.3)
            shade = mix(mix(middle, horizon, 0.5), zenith, 0.25)
            sprite = cloud_sprite(f, width, lit, shade, from_below=False)
        f.cv.paste(sprite, int(x), int(y - sprite.shape[0] / 2))


def paint_cloud_deck(f: Frame, storm: bool) -> None:
    """A sky covered with cloud: heavy and dark for storms, soft and grey for overcast."""
    h = int(f.horizon + f.cv.height * 0.02)
    w = f.cv.width
    u = f.cv.unit
    n = noise2d(f.rng, w, h, u * 0.45, 4)
    below = np.empty_like(n)
    shift = max(2, int(u * 0.02))
    below[shift:] = n[:-shift]
    below[:shift] = n[:1]
    lit = np.clip((n - below) * 6.0 + 0.5, 0.0, 1.0)  # tops of billows catch the light
    rows = f.cv.ys[:h, None] / f.horizon
    zenith, middle, horizon = f.colours.sky
    if storm:
        cover = smoothstep(0.4, 0.6, n) * smoothstep(1.0, 0.5, rows)
        dark = mix(zenith, rgb([0.05, 0.05, 0.08]), 0.3)
        colour = dark + (mix(middle, f.colours.light, 0.25) - dark) * lit[:, :, None] * 0.6
        f.cv.blend(cover * 0.92, colour)
    else:
        cover = (0.55 + 0.45 * smoothstep(0.35, 0.65, n)) * smoothstep(1.05, 0.6, rows)
        soft = mix(middle, horizon, 0.35)
        colour = mix(zenith, middle, 0.5) + (soft - mix(zenith, middle, 0.5)) * lit[:, :, None]
        f.cv.blend(cover * 0.8, colour)


def paint_rain(f: Frame) -> None:
    """Thin slanted streaks over the whole frame, faint so the picture reads through."""
    w, h = f.cv.width, f.cv.height
    img = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(img)
    length = f.cv.unit * 0.05
    count = int(w * h / 5000)
    xs = f.rng.uniform(-0.1 * w, w, count)
    ys = f.rng.uniform(-length, h, count)
    shades = f.rng.integers(60, 140, count)
    for x, y, s in zip(xs, ys, shades, strict=True):
        draw.line([(x, y), (x + length * 0.25, y + length)], fill=int(s), width=1)
    streaks = np.asarray(img, dtype=np.float32) / 255.0
    f.cv.light(streaks * 0.45, mix(f.colours.sky[2], WHITE, 0.5))


def paint_rays(f: Frame, strength: float) -> None:
    """Soft beams fanning out from the sun, strongest near it and fading with distance."""
    x0, y0 = f.body
    u = f.cv.unit
    dx = f.cv.xs[None, :] - x0
    dy = f.cv.ys[:, None] - y0
    angle = np.arctan2(dy, dx)
    phases = f.rng.uniform(0.0, 2 * np.pi, 3)
    beams = sum(np.sin(k * angle + p) for k, p in zip((9.0, 17.0, 29.0), phases, strict=True)) / 3.0
    pattern = np.clip(beams, 0.0, 1.0) ** 2
    dist = np.sqrt(dx * dx + dy * dy) / u
    amount = strength * pattern * np.exp(-dist / 0.9) * smoothstep(0.08, 0.25, dist)
    f.cv.light(amount.astype(np.float32), f.colours.light)
