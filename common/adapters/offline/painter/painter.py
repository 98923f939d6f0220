"""Offline image provider: procedural storybook illustrations from the request's hints.

No model and no network: a sky for the mood, scenery for the setting, the palette blended in,
the characters as simple figures in front. The modules around this one hold the pieces:
style (reading the request), canvas (raster tools), sky, land, places and props (the world),
looks and figures (the characters).
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from common.adapters.offline.painter.canvas import RGB, Array, Canvas
from common.adapters.offline.painter.figures import figure_sprite
from common.adapters.offline.painter.land import (
    paint_foreground,
    paint_forest,
    paint_meadow,
    paint_mountains,
    paint_snow,
    paint_snowfall,
)
from common.adapters.offline.painter.looks import Look, character_look
from common.adapters.offline.painter.places import paint_city, paint_desert, paint_sea, paint_space
from common.adapters.offline.painter.sky import WHITE, paint_rain, paint_rays, paint_sky
from common.adapters.offline.painter.style import (
    Frame,
    choose_scenery,
    choose_sky,
    frame_colours,
    luminance,
    mix,
)
from common.domain.assets import GeneratedImage, ImageRequest
from common.domain.story import Character

_SCENERIES = {
    "meadow": paint_meadow,
    "forest": paint_forest,
    "mountains": paint_mountains,
    "snow": paint_snow,
    "sea": paint_sea,
    "city": paint_city,
    "desert": paint_desert,
    "space": paint_space,
}


class OfflineImageGenerator:
    """ImageGenerator that paints storyboard frames procedurally (numpy and Pillow only).

    The same request gives the same PNG bytes. `kind="keyframe"` paints the scene: the mood sets
    the time of day, words in the setting (else the prompt) pick the scenery, the palette tints
    everything, the seed moves the camera and the characters. `kind="reference"` paints a
    character sheet: the characters large on a plain backdrop, with the palette as swatches.

    `request.references` are ignored: offline, consistency between scenes comes from drawing
    each character from its id and description alone, so it looks the same in every frame.
    """

    id = "offline-painter/1"

    def generate(self, request: ImageRequest) -> GeneratedImage:
        """A PNG of exactly request.width x request.height."""
        return GeneratedImage(data=paint(request), mime="image/png")


# Below this many pixels a side there is no room to draw: paint larger, then shrink to size.
_MIN_SIDE = 96


def paint(request: ImageRequest) -> bytes:
    """The request painted, as PNG bytes of exactly the requested size."""
    width, height = max(request.width, _MIN_SIDE), max(request.height, _MIN_SIDE)
    frame = _frame(request, width, height)
    if request.kind == "reference" and request.characters:
        _paint_sheet(frame, request.characters)
    else:
        _paint_scene(frame, request.characters)
        if request.kind == "reference":
            _swatches(frame)
    _finish(frame)
    return frame.cv.png((request.width, request.height))


def _seed(request: ImageRequest) -> int:
    """The random stream: everything in the request that should change the picture."""
    data = request.fingerprint()
    data.pop("references")
    digest = hashlib.sha256(repr(sorted(data.items())).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _frame(request: ImageRequest, width: int, height: int) -> Frame:
    cv = Canvas(width, height)
    rng = np.random.default_rng(_seed(request))
    scenery, snowy = choose_scenery(request.setting, request.prompt)
    sky = choose_sky(request.mood, request.setting)
    camera = float(rng.uniform())  # 0 = low camera (more sky), 1 = high (more land)
    horizon = cv.height * (0.48 + 0.12 * camera)
    ground = horizon + (cv.height - horizon) * 0.3
    top = cv.height * 0.08
    body_y = horizon - sky.body_height * (horizon - top)
    if scenery == "space":
        body_y = horizon * float(rng.uniform(0.25, 0.45))
    return Frame(
        cv=cv,
        rng=rng,
        sky=sky,
        colours=frame_colours(sky, scenery, snowy, request.palette),
        scenery=scenery,
        snowy=snowy,
        text=f"{request.setting} {request.prompt}".lower(),
        horizon=horizon,
        ground=ground,
        body=(cv.width * float(rng.uniform(0.2, 0.8)), body_y),
        flip=bool(rng.uniform() < 0.5),
    )


def _paint_scene(f: Frame, characters: list[Character]) -> None:
    if f.scenery == "space":
        paint_space(f)
    else:
        paint_sky(f)
        _SCENERIES[f.scenery](f)
    if f.sky.rays and f.scenery != "space":
        paint_rays(f, 0.18)
    paint_foreground(f)
    _place_characters(f, characters)
    if f.snowy:
        paint_snowfall(f)
    if f.sky.rain and not f.snowy and f.scenery != "space":
        paint_rain(f)


def _place_characters(f: Frame, characters: list[Character]) -> None:
    """Stand the characters in the foreground, spread across the frame, farther ones first."""
    if not characters:
        return
    n = len(characters)
    slots = np.linspace(0.28, 0.72, n) if n > 1 else np.array([f.rng.uniform(0.35, 0.65)])
    slots = slots + f.rng.uniform(-0.04, 0.04, n)
    order = f.rng.permutation(n)
    camera = (f.horizon / f.cv.height - 0.48) / 0.12
    # Adult height: under a third of a tall frame, near half a wide one; a low camera is closer.
    adult = min(f.cv.height * 0.3, f.cv.width * 0.45) * (1.12 - 0.24 * camera)
    if f.cv.width > f.cv.height:
        adult = f.cv.height * 0.45 * (1.1 - 0.2 * camera)
    placed = []
    for i, character in enumerate(characters):
        look = character_look(character)
        depth = float(f.rng.uniform(0.0, 1.0))
        x = float(slots[order[i]]) * f.cv.width
        at_sea = look.kind == "whale" and f.water is not None
        if at_sea:  # out at sea, clear of the headland, behind everyone on the beach
            x = f.cv.width * ((0.38 if f.flip else 0.62) + float(f.rng.uniform(-0.05, 0.05)))
        placed.append((-1.0 if at_sea else depth, depth, x, look))
    for _, depth, x, look in sorted(placed, key=lambda p: p[0]):
        _stand(f, look, x, depth, adult * (0.92 + 0.12 * depth))


def _stand(f: Frame, look: Look, x: float, depth: float, unit: float) -> None:
    face_left = x > f.cv.width / 2 if f.rng.uniform() < 0.75 else x < f.cv.width / 2
    light = _as_rgb(mix(f.colours.light, WHITE, 0.2))
    floor = f.ground + (f.cv.height - f.ground) * (0.1 + 0.1 * depth)
    floor = min(floor, f.cv.height * 0.77)
    if look.kind == "whale":
        water = f.water
        unit *= 0.8
        sprite = figure_sprite(look, unit, face_left, light, surfacing=water is not None)
        h, w = sprite.shape[:2]
        if water is not None:  # surfacing: the lower part stays under the water
            line = water[0] + (water[1] - water[0]) * 0.45
            keep = int(h * 0.68)
            fade = max(2, keep // 10)
            sprite = sprite[:keep].copy()
            sprite[keep - fade :, :, 3] *= np.linspace(1.0, 0.0, fade)[:, None]
            f.cv.paste(sprite, int(x - w / 2), int(line - keep))
            foam, top, left = f.cv.ellipse(x, line - h * 0.02, w * 0.42, h * 0.035)
            f.cv.blend(foam * 0.55, mix(WHITE, f.colours.sky[2], 0.3), top, left)
            return
        f.cv.paste(sprite, int(x - w / 2), int(f.horizon * 0.35 - h / 2))
        return
    sprite = figure_sprite(look, unit, face_left, light)
    h, w = sprite.shape[:2]
    if look.flies:
        y = f.horizon * float(f.rng.uniform(0.4, 0.75))
        f.cv.paste(sprite, int(x - w / 2), int(y - h / 2))
        return
    shadow, top, left = f.cv.ellipse(x, floor, w * 0.42, w * 0.07)
    f.cv.blend(shadow * 0.3, f.colours.ground * 0.4, top, left)
    f.cv.paste(sprite, int(x - w / 2), int(floor - h))


def _paint_sheet(f: Frame, characters: list[Character]) -> None:
    """A character sheet: a soft backdrop in the palette, a floor, every character large."""
    c, cv = f.colours, f.cv
    light = max(c.palette, key=luminance)
    back = mix(light, WHITE, 0.45)
    cv.vertical_gradient(
        [
            (0.0, mix(back, c.sky[1], 0.25)),
            (0.7, back),
            (0.7001, mix(back, c.palette[0], 0.18)),
            (1.0, mix(back, c.palette[0], 0.3)),
        ]
    )
    cv.glow(cv.width / 2, cv.height * 0.45, cv.unit * 0.45, WHITE, 0.35)
    looks = [character_look(ch) for ch in characters]
    n = len(looks)
    portrait = cv.height >= cv.width
    rows = 1 if n <= (2 if portrait else 4) else 2
    cols = math.ceil(n / rows)
    row_h = cv.height * (
        (0.42 if rows == 1 else 0.28) if portrait else (0.55 if rows == 1 else 0.3)
    )
    floor_top = cv.height * 0.7 if rows == 1 else cv.height * 0.7 - row_h - cv.height * 0.06
    rim = _as_rgb(mix(c.light, WHITE, 0.5))
    for r in range(rows):
        line = looks[r * cols : (r + 1) * cols]
        # Wide figures (a whale, a dragon) get wide cells; everyone at most adult-and-a-half scale.
        shares = np.array([max(look.box[0], 0.5) for look in line])
        edges = np.r_[0.0, np.cumsum(shares)] / shares.sum() * cv.width
        floor = floor_top + r * (row_h + cv.height * 0.06)
        for k, look in enumerate(line):
            cell_w = edges[k + 1] - edges[k]
            bw, bh = look.box
            # People share one scale, so a child stands shorter than an adult.
            unit = min(row_h / (1.0 if look.is_person else bh), cell_w * 0.85 / bw, row_h * 1.5)
            sprite = figure_sprite(look, unit, face_left=False, light=rim)
            h, w = sprite.shape[:2]
            x = (edges[k] + edges[k + 1]) / 2
            shadow, top, left = cv.ellipse(x, floor, w * 0.45, w * 0.05)
            cv.blend(shadow * 0.25, c.palette[0] * 0.5, top, left)
            cv.paste(sprite, int(x - w / 2), int(floor - h))
    _swatches(f)


def _swatches(f: Frame) -> None:
    """The palette as a row of rounded chips low in the frame, as on a style sheet."""
    cv, pal = f.cv, f.colours.palette
    size = min(cv.width / (len(pal) * 1.6 + 1), cv.unit * 0.09)
    y = cv.height * 0.88
    x0 = cv.width / 2 - (len(pal) * size * 1.4 - size * 0.4) / 2
    for i, colour in enumerate(pal):
        chip, top, left = cv.disc(x0 + i * size * 1.4 + size / 2, y, size / 2)
        cv.blend(chip, colour, top, left)


def _finish(f: Frame) -> None:
    f.cv.vignette(0.35 if f.sky.body == "moon" or f.scenery == "space" else 0.22)
    f.cv.grain(f.rng, 0.01)


def _as_rgb(colour: Array) -> RGB:
    return (float(colour[0]), float(colour[1]), float(colour[2]))
