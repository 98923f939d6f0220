"""The offline painter's raster toolkit: a float RGB canvas, masks, noise and sprites.

Everything is numpy on float32 in [0, 1] (sRGB), with Pillow only for drawing shapes into small
supersampled sprites and for encoding. Operations work on the rows a layer covers, so a frame of
1080x1920 with a few dozen layers paints in well under a second.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

Array = npt.NDArray[Any]
RGB = tuple[float, float, float]
Slices = tuple[slice, slice]
Point = tuple[float, float]

SUPERSAMPLE = 3  # sprites are drawn this many times larger, then reduced: cheap anti-aliasing


def rgb(colour: Sequence[float] | Array) -> Array:
    """A colour as a float32 array of 3 values."""
    return np.asarray(colour, dtype=np.float32).reshape(3)


def smoothstep(edge0: float, edge1: float, x: Array) -> Array:
    """0 below edge0, 1 above edge1, a smooth S-curve between (edges may be in either order)."""
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


class Canvas:
    """A float RGB image plus the painting operations the scenes need."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.px: Array = np.zeros((height, width, 3), dtype=np.float32)
        self.xs: Array = np.arange(width, dtype=np.float32)
        self.ys: Array = np.arange(height, dtype=np.float32)

    @property
    def unit(self) -> float:
        """The short side in pixels: sizes of things scale with it."""
        return float(min(self.width, self.height))

    def vertical_gradient(self, stops: Sequence[tuple[float, RGB | Array]]) -> None:
        """Fill with colours interpolated between (position in 0..1 of height, colour) stops."""
        self.px[:] = self.column_colours(stops, 0, self.height)[:, None, :]

    def column_colours(
        self, stops: Sequence[tuple[float, RGB | Array]], top: int, bottom: int
    ) -> Array:
        """Per-row colours (rows top..bottom) interpolated between stops at height fractions."""
        pos = np.array([p for p, _ in stops], dtype=np.float32) * self.height
        cols = np.stack([rgb(c) for _, c in stops])
        rows = self.ys[top:bottom]
        return np.stack([np.interp(rows, pos, cols[:, i]) for i in range(3)], axis=1).astype(
            np.float32
        )

    def _overlap(self, h: int, w: int, top: int, left: int) -> tuple[Slices, Slices] | None:
        """Where an (h, w) patch placed at (top, left) meets the canvas: the patch's own rows
        and columns there, and the canvas's; None when it falls outside."""
        top_c, left_c = max(top, 0), max(left, 0)
        bottom, right = min(top + h, self.height), min(left + w, self.width)
        if bottom <= top_c or right <= left_c:
            return None
        patch = (slice(top_c - top, bottom - top), slice(left_c - left, right - left))
        return patch, (slice(top_c, bottom), slice(left_c, right))

    def blend(self, mask: Array, colour: Array | RGB, top: int = 0, left: int = 0) -> None:
        """Paint colour (one colour, per-row (h,1,3) or per-pixel) where mask (h, w) is 1."""
        overlap = self._overlap(mask.shape[0], mask.shape[1], top, left)
        if overlap is None:
            return
        patch, canvas = overlap
        m = mask[patch][:, :, None]
        col = np.asarray(colour, dtype=np.float32)
        if col.ndim == 3:
            col = col[patch]
        region = self.px[canvas]
        region += (col - region) * m

    def light(self, amount: Array, colour: Array | RGB, top: int = 0, left: int = 0) -> None:
        """Screen-blend light of `colour` with per-pixel strength `amount` (h, w)."""
        overlap = self._overlap(amount.shape[0], amount.shape[1], top, left)
        if overlap is None:
            return
        patch, canvas = overlap
        a = amount[patch][:, :, None]
        region = self.px[canvas]
        region[:] = 1.0 - (1.0 - region) * (1.0 - a * rgb(colour))

    def ridge(self, heights: Array) -> tuple[Array, int]:
        """Anti-aliased coverage below a skyline (a row per column), and its top row."""
        top = int(max(0, np.floor(heights.min())))
        rows = self.ys[top:, None]
        return np.clip(rows - heights[None, :] + 0.5, 0.0, 1.0), top

    def layer(
        self,
        heights: Array,
        colour: Array | RGB,
        base: Array | RGB | None = None,
        fade_px: float = 0.0,
    ) -> None:
        """Fill below a skyline; with `base`, fade from colour to base over fade_px downward."""
        mask, top = self.ridge(heights)
        if base is None or fade_px <= 0:
            self.blend(mask, rgb(colour), top)
            return
        t = smoothstep(float(heights.min()), float(heights.min()) + fade_px, self.ys[top:])
        cols = rgb(colour)[None, :] + (rgb(base) - rgb(colour))[None, :] * t[:, None]
        self.blend(mask, cols[:, None, :], top)

    def glow(
        self, cx: float, cy: float, radius: float, colour: Array | RGB, strength: float
    ) -> None:
        """A soft round light (gaussian falloff) centred at (cx, cy)."""
        r = int(radius * 3)
        # Only the part of the glow's box that lies on the canvas is computed.
        top, left = max(0, int(cy) - r), max(0, int(cx) - r)
        bottom, right = min(self.height, int(cy) + r), min(self.width, int(cx) + r)
        if bottom <= top or right <= left:
            return
        ys = np.arange(top, bottom, dtype=np.float32)[:, None] - cy
        xs = np.arange(left, right, dtype=np.float32)[None, :] - cx
        amount = strength * np.exp(-(xs * xs + ys * ys) / (radius * radius))
        self.light(amount.astype(np.float32), colour, top, left)

    def disc(self, cx: float, cy: float, radius: float) -> tuple[Array, int, int]:
        """Anti-aliased coverage of a disc, with the top and left of its box."""
        return self.ellipse(cx, cy, radius, radius)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float) -> tuple[Array, int, int]:
        """Anti-aliased coverage of an axis-aligned ellipse, with the top and left of its box."""
        top, left = int(cy - ry) - 2, int(cx - rx) - 2
        ys = (np.arange(top, int(cy + ry) + 3, dtype=np.float32)[:, None] - cy) / ry
        xs = (np.arange(left, int(cx + rx) + 3, dtype=np.float32)[None, :] - cx) / rx
        # Distance to the edge in pixels, approximately, for a one-pixel soft edge.
        dist = (np.sqrt(xs * xs + ys * ys) - 1.0) * min(rx, ry)
        return np.clip(0.5 - dist, 0.0, 1.0), top, left

    def paste(self, sprite: Array, left: int, top: int) -> None:
        """Composite an RGBA float sprite (h, w, 4) with its top-left corner at (left, top)."""
        self.blend(sprite[:, :, 3], sprite[:, :, :3], top, left)

    def vignette(self, strength: float) -> None:
        """Darken the corners; the middle of the frame is left alone."""
        ny = (self.ys / self.height - 0.5)[:, None] * 2.0
        nx = (self.xs / self.width - 0.5)[None, :] * 2.0
        r = np.sqrt(nx * nx * 0.8 + ny * ny)
        self.px *= (1.0 - strength * smoothstep(0.55, 1.45, r))[:, :, None]

    def grain(self, rng: np.random.Generator, amount: float) -> None:
        """Fine film grain, the same in all channels so it does not add colour noise."""
        noise = rng.standard_normal((self.height, self.width), dtype=np.float32) * amount
        self.px += noise[:, :, None]

    def png(self, size: tuple[int, int] | None = None) -> bytes:
        """The canvas as PNG bytes, resized to `size` (width, height) if it differs."""
        data = (np.clip(self.px, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
        image = Image.fromarray(data, "RGB")
        if size is not None and size != image.size:
            image = image.resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "PNG", compress_level=3)
        return out.getvalue()


def noise1d(rng: np.random.Generator, n: int, period: float, octaves: int = 4) -> Array:
    """Smooth fractal noise of length n, roughly in [-1, 1]; `period` is the coarsest wavelength."""
    out = np.zeros(n, dtype=np.float32)
    amp, total = 1.0, 0.0
    x = np.arange(n, dtype=np.float32)
    for _ in range(octaves):
        knots = rng.uniform(-1.0, 1.0, int(n / period) + 3).astype(np.float32)
        pos = x / period
        i = np.floor(pos).astype(np.int64)
        f = pos - i
        f = f * f * (3.0 - 2.0 * f)
        out += amp * (knots[i] * (1.0 - f) + knots[i + 1] * f)
        total += amp
        amp *= 0.5
        period = max(period / 2.0, 2.0)
    return out / total


def noise2d(rng: np.random.Generator, width: int, height: int, cell: float, octaves: int) -> Array:
    """Smooth fractal noise (height, width) in about [0, 1]; `cell` is the coarsest feature size."""
    out = np.zeros((height, width), dtype=np.float32)
    amp, total = 1.0, 0.0
    for _ in range(octaves):
        gw, gh = max(2, int(width / cell) + 2), max(2, int(height / cell) + 2)
        grid = rng.uniform(0.0, 1.0, (gh, gw)).astype(np.float32)
        img = Image.fromarray(grid, "F").resize((width, height), Image.Resampling.BICUBIC)
        out += amp * np.asarray(img, dtype=np.float32)
        total += amp
        amp *= 0.5
        cell = max(cell / 2.0, 2.0)
    return np.asarray(out / total, dtype=np.float32)


def streaks(rng: np.random.Generator, width: int, height: int, across: float, down: float) -> Array:
    """Noise in [0, 1] stretched sideways: ripples on water, wind lines in grass and sand."""
    grid = rng.uniform(0, 1, (max(2, int(height / down)), max(2, int(width / across))))
    img = Image.fromarray(grid.astype(np.float32), "F")
    return np.asarray(img.resize((width, height), Image.Resampling.BICUBIC), dtype=np.float32)


def heights_from(base: float, amplitude: float, wave: Array) -> Array:
    """A skyline: `base` row minus amplitude times a wave (waves go up, rows go down)."""
    return np.asarray(base - amplitude * wave, dtype=np.float32)


class Sprite:
    """A small RGBA drawing in sprite units (1 unit = `scale` px), supersampled for clean edges."""

    def __init__(self, width: float, height: float, scale: float) -> None:
        self.scale = scale * SUPERSAMPLE
        size = (max(1, int(width * self.scale)), max(1, int(height * self.scale)))
        self.image = Image.new("RGBA", size, (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    def _xy(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * self.scale, y * self.scale) for x, y in points]

    def polygon(self, points: Sequence[Point], fill: RGB, alpha: float = 1.0) -> None:
        self.draw.polygon(self._xy(points), fill=_rgba(fill, alpha))

    def ellipse(
        self, cx: float, cy: float, rx: float, ry: float, fill: RGB, alpha: float = 1.0
    ) -> None:
        box = self._xy([(cx - rx, cy - ry), (cx + rx, cy + ry)])
        self.draw.ellipse([box[0], box[1]], fill=_rgba(fill, alpha))

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, fill: RGB, radius: float = 0
    ) -> None:
        box = self._xy([(x0, y0), (x1, y1)])
        self.draw.rounded_rectangle(
            [box[0], box[1]], radius=radius * self.scale, fill=_rgba(fill, 1.0)
        )

    def line(self, points: Sequence[Point], width: float, fill: RGB, alpha: float = 1.0) -> None:
        w = max(1, int(width * self.scale))
        self.draw.line(self._xy(points), fill=_rgba(fill, alpha), width=w, joint="curve")
        for x, y in (points[0], points[-1]):  # round caps
            self.ellipse(x, y, width / 2, width / 2, fill, alpha)

    def pieslice(self, cx: float, cy: float, r: float, start: float, end: float, fill: RGB) -> None:
        box = self._xy([(cx - r, cy - r), (cx + r, cy + r)])
        self.draw.pieslice([box[0], box[1]], start, end, fill=_rgba(fill, 1.0))

    def finish(self, flip: bool = False, blur: float = 0.0) -> Array:
        """The sprite at its real size as a float RGBA array (alpha not premultiplied)."""
        # Reduce premultiplied, or edges would average with the transparent black around them.
        img = self.image.convert("RGBa").reduce(SUPERSAMPLE)
        if flip:
            img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if blur > 0:
            img = img.filter(ImageFilter.GaussianBlur(blur))
        img = img.convert("RGBA")
        return np.asarray(img, dtype=np.float32) / 255.0


def _rgba(colour: RGB, alpha: float) -> tuple[int, int, int, int]:
    r, g, b = (int(np.clip(c, 0.0, 1.0) * 255 + 0.5) for c in colour)
    return (r, g, b, int(np.clip(alpha, 0.0, 1.0) * 255 + 0.5))
