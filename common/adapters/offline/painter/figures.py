"""Characters drawn as simple storybook figures (see looks.py for what decides a look).

Every figure faces right in its own box, in units of an adult's height; `figure_sprite` draws it
at a size, mirrors it if needed, shades it, rim-lights it and inks its outline.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from PIL import Image, ImageFilter

from common.adapters.offline.painter.canvas import RGB, Array, Point, Sprite, smoothstep
from common.adapters.offline.painter.looks import Look, colour_word


def _tone(c: RGB, k: float) -> RGB:
    return (min(c[0] * k, 1.0), min(c[1] * k, 1.0), min(c[2] * k, 1.0))


INK: RGB = (0.1, 0.09, 0.12)


def _person(sp: Sprite, look: Look) -> None:
    """A person facing right: legs, coat or dress, arms, a scarf, head and hair. Keepers get a
    cap and a beard, some people a hat, some long hair or a dress (all hashed, so fixed)."""
    small = look.kind in ("child", "girl", "boy")
    h, k = (0.68, 0.8) if small else (1.0, 1.0)  # height and width of the figure
    head_room = 0.06 if small else 0.0  # a child's big head needs room above its box
    cx = sp.image.width / sp.scale / 2
    r = 0.085 if small else 0.092

    def y(v: float) -> float:  # proportions are of the figure's own height
        return head_room + v * h

    def x(v: float) -> float:
        return cx + v * k

    dress = look.kind in ("girl", "woman") or (
        look.kind in ("person", "child") and look.variant % 3 == 0
    )
    long_hair = look.kind in ("girl", "woman") or look.variant % 4 == 1
    hy = y(0.215) - r * 0.95
    if long_hair:
        sp.ellipse(x(-0.02), hy + r * 0.9, r * 1.05, r * 1.5, look.hair)
    trousers = _tone(look.body, 0.4)
    sp.rect(x(-0.065), y(0.58), x(-0.015), y(0.965), _tone(trousers, 0.85), 0.02)
    sp.rect(x(0.015), y(0.58), x(0.065), y(0.965), trousers, 0.02)
    sp.ellipse(x(-0.03), y(0.965), 0.045 * k, 0.022, INK)
    sp.ellipse(x(0.055), y(0.965), 0.045 * k, 0.022, INK)
    sp.line([(x(-0.07), y(0.25)), (x(-0.1), y(0.49))], 0.048 * k, _tone(look.body, 0.75))
    sp.ellipse(x(-0.1), y(0.5), 0.024 * k, 0.024 * k, _tone(look.skin, 0.9))
    hem, flare = (0.72, 0.15) if dress else (0.63, 0.105)
    sp.rect(x(-0.085), y(0.205), x(0.085), y(0.42), look.body, 0.045 * k)
    sp.polygon(
        [(x(-0.085), y(0.3)), (x(0.085), y(0.3)), (x(flare), y(hem)), (x(-flare), y(hem))],
        look.body,
    )
    sp.polygon(
        [(x(0.035), y(0.3)), (x(0.085), y(0.3)), (x(flare), y(hem)), (x(flare * 0.4), y(hem))],
        _tone(look.body, 0.9),
    )
    sp.line([(x(0.06), y(0.25)), (x(0.115), y(0.46))], 0.048 * k, _tone(look.body, 0.92))
    sp.ellipse(x(0.118), y(0.475), 0.024 * k, 0.024 * k, look.skin)
    sp.rect(x(-0.075), y(0.195), x(0.075), y(0.245), look.accent, 0.02)  # scarf
    sp.polygon(
        [(x(-0.07), y(0.22)), (x(-0.03), y(0.22)), (x(-0.06), y(0.37)), (x(-0.1), y(0.36))],
        _tone(look.accent, 0.9),
    )
    sp.ellipse(cx, hy, r, r, look.skin)
    sp.pieslice(cx - r * 0.08, hy + r * 0.12, r * 1.1, 180, 360, look.hair)
    sp.ellipse(cx - r * 0.75, hy + r * 0.1, r * 0.35, r * 0.5, look.hair)  # back of the head
    sp.ellipse(cx + r * 0.45, hy + r * 0.15, r * 0.12, r * 0.15, INK)
    sp.ellipse(cx + r * 0.5, hy + r * 0.55, r * 0.16, r * 0.1, _mix(look.skin, (0.95, 0.5, 0.5)))
    if look.kind == "keeper":
        sp.ellipse(cx + r * 0.25, hy + r * 0.72, r * 0.62, r * 0.42, (0.88, 0.88, 0.86))
        cap = _tone(look.body, 0.6)
        sp.ellipse(cx, hy - r * 0.55, r * 1.08, r * 0.5, cap)
        sp.ellipse(cx + r * 0.75, hy - r * 0.35, r * 0.55, r * 0.14, INK)
    elif look.variant % 5 == 2:  # a hat
        sp.ellipse(cx, hy - r * 0.5, r * 1.5, r * 0.22, look.accent)
        sp.rect(cx - r * 0.8, hy - r * 1.35, cx + r * 0.8, hy - r * 0.45, look.accent, 0.015)


def _mix(a: RGB, b: RGB, t: float = 0.5) -> RGB:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def _legs(
    sp: Sprite,
    look: Look,
    xs: tuple[float, ...],
    top: float,
    bottom: float,
    half: float,
    colour: RGB | None = None,
) -> None:
    """Legs as rounded bars; the far pair (odd positions) a shade darker."""
    base = colour or look.body
    for i, x in enumerate(xs):
        sp.rect(x - half, top, x + half, bottom, _tone(base, 0.78 if i % 2 else 0.95), half * 0.8)


def _cat(sp: Sprite, look: Look) -> None:
    sp.line([(0.1, 0.21), (0.04, 0.13), (0.06, 0.04)], 0.032, look.body)
    _legs(sp, look, (0.14, 0.17, 0.34, 0.37), 0.2, 0.355, 0.018)
    sp.ellipse(0.24, 0.21, 0.15, 0.075, look.body)
    sp.ellipse(0.25, 0.235, 0.1, 0.04, _tone(look.body, 1.12))
    sp.polygon([(0.345, 0.11), (0.352, 0.025), (0.395, 0.075)], look.body)
    sp.polygon([(0.405, 0.07), (0.445, 0.02), (0.458, 0.1)], look.body)
    sp.ellipse(0.4, 0.13, 0.07, 0.065, look.body)
    sp.ellipse(0.432, 0.12, 0.011, 0.014, INK)
    sp.ellipse(0.468, 0.145, 0.009, 0.007, (0.9, 0.55, 0.6))
    sp.line([(0.35, 0.175), (0.38, 0.2)], 0.02, look.accent)


def _dog(sp: Sprite, look: Look) -> None:
    sp.line([(0.12, 0.21), (0.07, 0.12), (0.06, 0.05)], 0.034, look.body)
    _legs(sp, look, (0.17, 0.22, 0.43, 0.48), 0.25, 0.455, 0.024)
    sp.ellipse(0.3, 0.25, 0.2, 0.095, look.body)
    sp.ellipse(0.31, 0.28, 0.13, 0.045, _tone(look.body, 1.12))
    sp.polygon([(0.4, 0.2), (0.46, 0.1), (0.53, 0.13), (0.5, 0.29)], look.body)
    sp.ellipse(0.5, 0.11, 0.075, 0.068, look.body)
    sp.ellipse(0.575, 0.135, 0.055, 0.036, _tone(look.body, 1.1))
    sp.ellipse(0.625, 0.122, 0.014, 0.012, INK)
    sp.ellipse(0.47, 0.14, 0.03, 0.06, _tone(look.body, 0.65))
    sp.ellipse(0.525, 0.095, 0.011, 0.013, INK)
    sp.line([(0.445, 0.175), (0.495, 0.2)], 0.025, look.accent)


def _fox(sp: Sprite, look: Look) -> None:
    white = (0.96, 0.95, 0.92)
    sp.polygon([(0.22, 0.17), (0.1, 0.12), (0.01, 0.17), (0.05, 0.25), (0.2, 0.25)], look.body)
    sp.ellipse(0.035, 0.195, 0.035, 0.035, white)
    _legs(sp, look, (0.22, 0.25, 0.46, 0.49), 0.22, 0.375, 0.014, INK)
    sp.ellipse(0.34, 0.2, 0.17, 0.07, look.body)
    sp.polygon([(0.44, 0.17), (0.47, 0.08), (0.535, 0.12), (0.52, 0.24)], look.body)
    sp.ellipse(0.49, 0.2, 0.04, 0.05, white)
    sp.polygon([(0.47, 0.09), (0.48, 0.0), (0.52, 0.07)], _tone(look.body, 0.8))
    sp.polygon([(0.51, 0.07), (0.545, 0.0), (0.56, 0.085)], look.body)
    sp.polygon([(0.46, 0.08), (0.53, 0.06), (0.64, 0.13), (0.54, 0.18), (0.47, 0.16)], look.body)
    sp.polygon([(0.53, 0.14), (0.635, 0.135), (0.54, 0.18)], white)
    sp.ellipse(0.535, 0.1, 0.01, 0.012, INK)
    sp.ellipse(0.637, 0.13, 0.01, 0.009, INK)
    sp.line([(0.45, 0.16), (0.49, 0.19)], 0.018, look.accent)


def _horse(sp: Sprite, look: Look) -> None:
    mane = look.hair if sum(look.body) > 1.2 else _tone(look.body, 0.45)
    sp.polygon(
        [(0.21, 0.33), (0.12, 0.42), (0.08, 0.66), (0.14, 0.62), (0.17, 0.45), (0.23, 0.4)], mane
    )
    _legs(sp, look, (0.27, 0.33, 0.66, 0.72), 0.42, 0.95, 0.027)
    for x in (0.27, 0.33, 0.66, 0.72):
        sp.rect(x - 0.03, 0.91, x + 0.03, 0.95, INK, 0.01)
    sp.ellipse(0.48, 0.42, 0.3, 0.13, look.body)
    sp.polygon([(0.65, 0.38), (0.73, 0.12), (0.84, 0.13), (0.8, 0.44)], look.body)
    sp.polygon(
        [(0.75, 0.09), (0.83, 0.06), (0.98, 0.2), (0.965, 0.26), (0.9, 0.26), (0.79, 0.2)],
        look.body,
    )
    sp.polygon([(0.77, 0.09), (0.78, 0.0), (0.815, 0.07)], look.body)
    sp.polygon([(0.755, 0.07), (0.655, 0.35), (0.7, 0.37), (0.79, 0.12)], mane)
    sp.ellipse(0.83, 0.12, 0.015, 0.017, INK)
    sp.ellipse(0.955, 0.225, 0.01, 0.01, INK)
    sp.rect(0.42, 0.29, 0.58, 0.4, look.accent, 0.04)  # saddle cloth
    sp.rect(0.46, 0.26, 0.55, 0.31, _tone(look.accent, 0.6), 0.02)


def _bird(sp: Sprite, look: Look) -> None:
    w, h = sp.image.width / sp.scale, sp.image.height / sp.scale
    sp.polygon(
        [(w * 0.25, h * 0.55), (0.0, h * 0.42), (w * 0.04, h * 0.6), (0.0, h * 0.78)],
        _tone(look.body, 0.8),
    )
    sp.polygon(
        [(w * 0.5, h * 0.55), (w * 0.42, h * 0.12), (w * 0.3, 0.0), (w * 0.62, h * 0.5)],
        _tone(look.body, 0.75),
    )  # far wing
    sp.ellipse(w * 0.45, h * 0.6, w * 0.28, h * 0.22, look.body)
    sp.ellipse(w * 0.5, h * 0.68, w * 0.18, h * 0.12, look.accent)
    sp.ellipse(w * 0.75, h * 0.45, h * 0.17, h * 0.17, look.body)
    sp.polygon([(w * 0.84, h * 0.4), (w * 1.0, h * 0.48), (w * 0.84, h * 0.53)], (0.95, 0.7, 0.2))
    sp.ellipse(w * 0.78, h * 0.42, h * 0.035, h * 0.035, INK)
    sp.polygon(
        [
            (w * 0.33, h * 0.58),
            (w * 0.18, h * 0.2),
            (w * 0.05, h * 0.05),
            (w * 0.28, h * 0.12),
            (w * 0.5, h * 0.3),
            (w * 0.58, h * 0.55),
        ],
        _tone(look.body, 1.15),
    )  # near wing


def _robot(sp: Sprite, look: Look) -> None:
    metal, dark = look.body, _tone(look.body, 0.5)
    sp.rect(0.17, 0.68, 0.25, 0.98, dark, 0.02)
    sp.rect(0.31, 0.68, 0.39, 0.98, dark, 0.02)
    sp.rect(0.06, 0.38, 0.12, 0.66, dark, 0.03)
    sp.rect(0.44, 0.38, 0.5, 0.66, dark, 0.03)
    sp.rect(0.1, 0.35, 0.46, 0.72, metal, 0.05)
    sp.rect(0.28, 0.35, 0.46, 0.72, _tone(metal, 0.88), 0.05)
    sp.ellipse(0.28, 0.5, 0.05, 0.05, look.accent)
    sp.line([(0.28, 0.14), (0.28, 0.04)], 0.015, dark)
    sp.ellipse(0.28, 0.04, 0.025, 0.025, look.accent)
    sp.rect(0.13, 0.12, 0.43, 0.33, metal, 0.05)
    sp.rect(0.2, 0.18, 0.42, 0.25, look.accent, 0.03)


def _dragon(sp: Sprite, look: Look) -> None:
    dark = _tone(look.body, 0.75)
    _wing(sp, (0.78, 0.46), 0.12, 0.0, dark, _tone(look.body, 0.55))  # far wing
    tail = [(0.36, 0.55), (0.2, 0.66), (0.06, 0.6), (0.08, 0.66), (0.2, 0.76), (0.4, 0.7)]
    sp.polygon(tail, look.body)
    sp.polygon([(0.0, 0.58), (0.09, 0.56), (0.07, 0.67)], look.accent)
    bottom = 0.82 if look.flies else 0.98  # in flight the legs are tucked up
    _legs(sp, look, (0.42, 0.48, 0.78, 0.84), 0.62, bottom, 0.038)
    for lx in (0.42, 0.78):
        sp.ellipse(lx + 0.03, bottom - 0.01, 0.055, 0.025, dark)
    sp.ellipse(0.6, 0.6, 0.3, 0.17, look.body)
    sp.ellipse(0.62, 0.68, 0.22, 0.08, look.accent)  # belly
    sp.polygon([(0.78, 0.52), (0.98, 0.22), (1.06, 0.28), (0.9, 0.62)], look.body)  # neck
    sp.ellipse(1.05, 0.22, 0.1, 0.08, look.body)
    sp.polygon([(1.08, 0.17), (1.3, 0.24), (1.08, 0.3)], look.body)  # snout
    sp.polygon([(0.98, 0.16), (0.93, 0.04), (1.03, 0.15)], look.accent)  # horn
    sp.ellipse(1.09, 0.2, 0.02, 0.02, INK)
    for bx in (0.45, 0.55, 0.65, 0.75):
        sp.polygon([(bx - 0.03, 0.46), (bx, 0.39), (bx + 0.03, 0.46)], look.accent)
    _wing(sp, (0.66, 0.47), 0.0, 0.0, _tone(look.body, 1.12), dark)  # near wing


def _wing(sp: Sprite, shoulder: Point, dx: float, dy: float, fill: RGB, bones: RGB) -> None:
    """A bat wing: finger bones from the shoulder, skin scalloped between the fingertips."""
    fan = ((0.58, 0.04), (0.3, 0.08), (0.2, 0.3), (0.4, 0.42))  # up, then back toward the tail
    tips = [(x + dx, y + dy) for x, y in fan]
    sx, sy = shoulder
    outline: list[Point] = [shoulder, tips[0]]
    for (ax, ay), (bx, by) in itertools.pairwise(tips):
        for t in (0.25, 0.5, 0.75):  # the skin sags toward the shoulder between two fingers
            sag = 0.14 * math.sin(math.pi * t)
            px, py = ax + (bx - ax) * t, ay + (by - ay) * t
            outline.append((px + (sx - px) * sag, py + (sy - py) * sag))
        outline.append((bx, by))
    sp.polygon(outline, fill)
    for tip in tips:
        sp.line([shoulder, tip], 0.012, bones)


def _whale(sp: Sprite, look: Look) -> None:
    """A whale facing right: rounded head, tapering body, a raised tail fluke, a pale belly."""
    belly = (0.9, 0.9, 0.86) if look.body != colour_word("white") else look.accent
    dark = _tone(look.body, 0.85)
    sp.polygon(
        [(0.75, 0.3), (0.35, 0.36), (0.18, 0.3), (0.2, 0.4), (0.4, 0.52), (0.8, 0.62)], look.body
    )
    sp.polygon([(0.21, 0.34), (0.02, 0.08), (0.13, 0.14), (0.18, 0.02), (0.26, 0.32)], dark)
    sp.ellipse(1.3, 0.45, 0.8, 0.27, look.body)
    sp.ellipse(1.42, 0.58, 0.62, 0.13, belly)
    for i in range(4):  # throat grooves
        y = 0.56 + i * 0.035
        sp.line([(1.3, y), (1.85, y - 0.02)], 0.008, _tone(belly, 0.82))
    sp.line([(1.55, 0.5), (1.8, 0.48), (2.02, 0.42)], 0.014, _tone(look.body, 0.6))  # mouth
    sp.polygon([(1.3, 0.56), (1.05, 0.72), (1.45, 0.62)], dark)  # flipper
    sp.ellipse(1.68, 0.4, 0.03, 0.03, INK)
    sp.polygon([(0.95, 0.22), (1.08, 0.13), (1.1, 0.21)], dark)


def _spout(sp: Sprite) -> None:
    """A blow of spray above the blowhole, for a whale at the surface."""
    spray = (0.94, 0.97, 1.0)
    for dx in (-0.09, -0.04, 0.0, 0.04, 0.09):  # jets fanning out of the blowhole
        sp.line([(1.5, 0.17), (1.5 + dx * 0.5, 0.09), (1.5 + dx, 0.03)], 0.012, spray, 0.8)
    for dx, dy, r in (
        (-0.1, 0.03, 0.018),
        (0.1, 0.035, 0.016),
        (-0.05, 0.0, 0.014),
        (0.05, 0.005, 0.015),
        (0.0, 0.02, 0.02),
    ):
        sp.ellipse(1.5 + dx, dy + 0.01, r, r, spray, 0.8)


_DRAW = {
    "cat": _cat,
    "dog": _dog,
    "fox": _fox,
    "horse": _horse,
    "bird": _bird,
    "robot": _robot,
    "dragon": _dragon,
    "whale": _whale,
}


def figure_sprite(
    look: Look, unit: float, face_left: bool, light: RGB, surfacing: bool = False
) -> Array:
    """The character drawn at `unit` px per adult height: outlined, shaded, rim-lit by `light`.

    `surfacing` adds a spout to a whale (it is at the surface of the sea).
    """
    w, h = look.box
    sp = Sprite(w, h, unit)
    if look.is_person:
        _person(sp, look)
    else:
        _DRAW[look.kind](sp, look)
    arr = sp.finish(flip=face_left)
    arr = _light(arr, light, from_left=not face_left, rim_px=max(2, int(unit * 0.01)))
    arr = _outline(arr, max(1, round(unit * 0.006)))
    if look.kind == "whale" and surfacing:  # spray is drawn after the ink: it has no outline
        spray = Sprite(w, h, unit)
        _spout(spray)
        arr = _over(spray.finish(flip=face_left, blur=unit * 0.004), arr)
    return arr


def _over(top: Array, bottom: Array) -> Array:
    """RGBA `top` composited over RGBA `bottom` (same size, straight alpha)."""
    a, b = top[:, :, 3:4], bottom[:, :, 3:4]
    out = np.empty_like(bottom)
    alpha = a + b * (1.0 - a)
    out[:, :, 3:4] = alpha
    out[:, :, :3] = (top[:, :, :3] * a + bottom[:, :, :3] * b * (1.0 - a)) / np.maximum(alpha, 1e-6)
    return out


def _outline(arr: Array, px: int) -> Array:
    """A dark ink line around the figure, the way a storybook illustration is inked."""
    alpha = Image.fromarray((arr[:, :, 3] * 255).astype(np.uint8), "L")
    grown = alpha.filter(ImageFilter.MaxFilter(2 * px + 1)).filter(ImageFilter.GaussianBlur(0.6))
    ink_alpha = np.asarray(grown, dtype=np.float32) / 255.0
    a = arr[:, :, 3:4]
    out = np.empty_like(arr)
    out[:, :, 3] = a[:, :, 0] + ink_alpha * (1.0 - a[:, :, 0])
    safe = np.maximum(out[:, :, 3:4], 1e-6)
    out[:, :, :3] = (arr[:, :, :3] * a + np.asarray(INK) * ink_alpha[:, :, None] * (1.0 - a)) / safe
    return out


def _light(arr: Array, light: RGB, from_left: bool, rim_px: int) -> Array:
    """Rim light on the edge facing the light, and a little shade toward the feet."""
    alpha = arr[:, :, 3]
    shifted = np.zeros_like(alpha)
    if from_left:
        shifted[:, rim_px:] = alpha[:, :-rim_px]
    else:
        shifted[:, :-rim_px] = alpha[:, rim_px:]
    shifted[rim_px:] = np.minimum(shifted[rim_px:], alpha[:-rim_px])  # and from above
    rim = np.clip(alpha - shifted, 0.0, 1.0)[:, :, None]
    rows = np.linspace(0.0, 1.0, arr.shape[0], dtype=np.float32)[:, None, None]
    shade = 1.0 - 0.2 * smoothstep(0.7, 1.0, rows)
    arr[:, :, :3] = arr[:, :, :3] * shade
    arr[:, :, :3] += (np.asarray(light, dtype=np.float32) - arr[:, :, :3]) * rim * 0.55
    return arr
