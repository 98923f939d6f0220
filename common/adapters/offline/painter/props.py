"""Props the sceneries stand up on their hills: trees, houses, a lighthouse, street lamps.

Each returns an RGBA sprite whose bottom centre is where the prop stands (see `place`).
"""

from __future__ import annotations

import numpy as np

from common.adapters.offline.painter.canvas import RGB, Array, Sprite
from common.adapters.offline.painter.style import Frame

LAMP = (1.0, 0.84, 0.5)


def _tone(colour: Array | RGB, factor: float) -> RGB:
    c = np.clip(np.asarray(colour, dtype=np.float32) * factor, 0.0, 1.0)
    return (float(c[0]), float(c[1]), float(c[2]))


def place(f: Frame, sprite: Array, x: float, base: float) -> None:
    """Paste a sprite with its bottom centre at (x, base)."""
    h, w = sprite.shape[:2]
    f.cv.paste(sprite, int(x - w / 2), int(base - h))


def conifer(height: float, colour: Array, snowy: bool, lit_left: bool = True) -> Array:
    """A fir: stacked tiers, shaded on the side away from the light, snow on the tiers if snowy."""
    sp = Sprite(0.6, 1.0, height)
    sp.rect(0.27, 0.82, 0.33, 1.0, _tone(colour, 0.55))
    for i in range(4):
        top = 0.02 + i * 0.17
        half = 0.1 + i * 0.055
        bottom = top + 0.3
        sp.polygon([(0.3, top), (0.3 - half, bottom), (0.3 + half, bottom)], _tone(colour, 1.0))
        dark = 0.3 + (half if lit_left else -half)
        sp.polygon([(0.3, top), (dark, bottom), (0.3, bottom)], _tone(colour, 0.8))
        if snowy:
            sp.polygon(
                [(0.3, top), (0.3 - half * 0.45, top + 0.13), (0.3 + half * 0.45, top + 0.13)],
                (0.93, 0.95, 0.98),
            )
    return sp.finish()


def round_tree(height: float, colour: Array, rng: np.random.Generator) -> Array:
    """A broadleaf tree: a trunk and a crown of overlapping puffs with a lit top."""
    sp = Sprite(0.8, 1.0, height)
    sp.polygon([(0.36, 1.0), (0.44, 1.0), (0.42, 0.5), (0.38, 0.5)], _tone(colour, 0.45))
    puffs = [(0.4, 0.33, 0.24), (0.22, 0.46, 0.17), (0.58, 0.45, 0.19), (0.4, 0.5, 0.18)]
    for x, y, r in puffs:
        r *= float(rng.uniform(0.9, 1.1))
        sp.ellipse(x, y, r, r * 0.95, _tone(colour, 0.85))
    for x, y, r in puffs[:3]:
        sp.ellipse(x - r * 0.15, y - r * 0.18, r * 0.7, r * 0.65, _tone(colour, 1.05))
    return sp.finish()


def house(width: float, wall: Array, roof: Array, lit: bool, rng: np.random.Generator) -> Array:
    """A cottage: walls, pitched roof, chimney, a door and two windows (lit after dark)."""
    sp = Sprite(1.0, 1.0, width)
    window = LAMP if lit else _tone(wall, 0.55)
    sp.rect(0.66, 0.14, 0.76, 0.4, _tone(roof, 0.7))
    sp.rect(0.1, 0.46, 0.9, 1.0, _tone(wall, 1.0))
    sp.rect(0.5, 0.46, 0.9, 1.0, _tone(wall, 0.85))  # the side in shade
    sp.polygon([(0.02, 0.5), (0.5, 0.12), (0.98, 0.5)], _tone(roof, 1.0))
    sp.polygon([(0.5, 0.12), (0.98, 0.5), (0.5, 0.5)], _tone(roof, 0.82))
    sp.rect(0.43, 0.72, 0.57, 1.0, _tone(roof, 0.5))
    for x in (0.2, 0.66):
        if rng.uniform() < 0.8:
            sp.rect(x, 0.6, x + 0.14, 0.76, window)
    return sp.finish()


def lighthouse(height: float, lit: bool) -> Array:
    """A white tower with red bands, a gallery and a lantern room."""
    sp = Sprite(0.5, 1.0, height)
    white, red, dark = (0.94, 0.93, 0.9), (0.78, 0.2, 0.18), (0.18, 0.2, 0.24)

    def edge(y: float) -> float:  # half width of the tapering tower at height y
        return 0.08 + (y - 0.25) / 0.75 * 0.06

    sp.polygon(
        [(0.25 - edge(1.0), 1.0), (0.25 + edge(1.0), 1.0), (0.33, 0.25), (0.17, 0.25)], white
    )
    for y0, y1 in ((0.38, 0.5), (0.62, 0.74), (0.86, 0.98)):
        sp.polygon(
            [
                (0.25 - edge(y0), y0),
                (0.25 + edge(y0), y0),
                (0.25 + edge(y1), y1),
                (0.25 - edge(y1), y1),
            ],
            red,
        )
    sp.rect(0.12, 0.22, 0.38, 0.26, dark)
    sp.rect(0.18, 0.12, 0.32, 0.22, LAMP if lit else (0.75, 0.8, 0.82))
    sp.pieslice(0.25, 0.13, 0.085, 180, 360, red)
    sp.line([(0.25, 0.05), (0.25, 0.0)], 0.012, dark)
    arr = sp.finish()
    right = arr[:, arr.shape[1] // 2 :, :3]
    right *= 0.82  # the shaded half
    return arr


def lamp_post(height: float, colour: Array, lit: bool) -> Array:
    """A street lamp: base, pole and a lantern head."""
    sp = Sprite(0.3, 1.0, height)
    pole = _tone(colour, 0.6)
    sp.rect(0.1, 0.92, 0.2, 1.0, pole)
    sp.rect(0.135, 0.14, 0.165, 0.95, pole)
    sp.polygon(
        [(0.09, 0.06), (0.21, 0.06), (0.19, 0.15), (0.11, 0.15)], LAMP if lit else (0.8, 0.8, 0.75)
    )
    sp.polygon([(0.08, 0.06), (0.15, 0.01), (0.22, 0.06)], pole)
    return sp.finish()
