"""What the offline painter reads from a request: the sky of each mood, the scenery named by the
setting, and the colours of the layers (the story's palette blended with the scenery's own).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np

from common.adapters.offline.data_files import load_toml
from common.adapters.offline.painter.canvas import Array, Canvas, rgb

Scenery = Literal["sea", "forest", "mountains", "city", "desert", "space", "snow", "meadow"]
Body = Literal["sun", "moon", "none"]
Clouds = Literal["few", "fluffy", "storm", "overcast", "wisps"]


def hex_colour(value: str) -> Array | None:
    """A '#rrggbb' (or 'rrggbb', '#rgb') colour as floats, None if it is not one."""
    text = value.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        return None
    return rgb([int(text[i : i + 2], 16) / 255.0 for i in (0, 2, 4)])


def known_colour(value: str) -> Array:
    """A colour from this module's tables (always valid hex)."""
    colour = hex_colour(value)
    if colour is None:
        raise ValueError(f"not a colour: {value!r}")
    return colour


def mix(a: Array, b: Array, t: float) -> Array:
    """Linear blend: a at t=0, b at t=1."""
    return rgb(a + (b - a) * t)


def luminance(c: Array) -> float:
    return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])


@dataclass(frozen=True)
class Sky:
    """The light of one mood: sky colours, what shines, clouds, and how the land is lit."""

    zenith: str
    middle: str
    horizon: str
    light: str  # colour of sunlight / moonlight, used for glows, rims and rays
    land: tuple[float, float, float]  # multiplier on land colours (night is dark and blue)
    body: Body
    body_height: float  # 0 = on the horizon, 1 = top of the frame
    clouds: Clouds
    rays: bool = False
    stars: bool = False
    rain: bool = False
    lit_windows: bool = False


@dataclass(frozen=True)
class _Tables:
    """data/scenery.toml: skies, the words of each scenery and the colours of the land."""

    skies: dict[str, Sky]
    time_words: tuple[tuple[str, str], ...]  # (pattern, mood): a setting naming the time of day
    scenery_words: dict[Scenery, tuple[str, ...]]
    base_colours: dict[Scenery, tuple[str, ...]]  # far to near
    default_palettes: dict[Scenery, tuple[str, ...]]


@cache
def _tables() -> _Tables:
    data = load_toml(__name__.rpartition(".")[0], "scenery.toml")
    skies = {}
    for mood, fields in data["skies"].items():
        land = fields.pop("land")
        skies[mood] = Sky(land=(float(land[0]), float(land[1]), float(land[2])), **fields)

    def by_scenery(table: dict[str, list[str]]) -> dict[Scenery, tuple[str, ...]]:
        return {typing.cast(Scenery, k): tuple(v) for k, v in table.items()}

    return _Tables(
        skies=skies,
        time_words=tuple((pattern, mood) for pattern, mood in data["time_words"]),
        scenery_words=by_scenery(data["scenery_words"]),
        base_colours=by_scenery(data["base_colours"]),
        default_palettes=by_scenery(data["default_palettes"]),
    )


def sky_of(mood: str) -> Sky:
    """The sky painted for a mood (unknown moods: calm)."""
    skies = _tables().skies
    return skies.get(mood, skies["calm"])


def _first_word(text: str, words: Sequence[str]) -> int | None:
    """Position of the earliest of `words` (plurals allowed) in text, None if absent."""
    found = [m.start() for w in words if (m := re.search(rf"\b{w}(s|es)?\b", text))]
    return min(found) if found else None


def choose_scenery(setting: str, prompt: str) -> tuple[Scenery, bool]:
    """The scenery named first in the setting (else the prompt), and whether it is snowy.

    Snow words only modify another scenery ("snowy mountains" are mountains, in snow); they
    are the scenery themselves when nothing else is named.
    """
    scenery_words = _tables().scenery_words
    texts = (setting.lower(), prompt.lower())
    snowy = any(_first_word(text, scenery_words["snow"]) is not None for text in texts)
    for text in texts:
        hits = [
            (pos, name)
            for name, words in scenery_words.items()
            if name != "snow" and (pos := _first_word(text, words)) is not None
        ]
        if hits:
            return min(hits)[1], snowy
    return ("snow", True) if snowy else ("meadow", False)


def choose_sky(mood: str, setting: str) -> Sky:
    """The mood's sky, unless the setting names the time of day."""
    for pattern, sky_mood in _tables().time_words:
        if re.search(pattern, setting.lower()):
            return sky_of(sky_mood)
    return sky_of(mood)


_SNOW_TINT = rgb([0.9, 0.93, 0.97])


@dataclass(frozen=True)
class Colours:
    """The colours one frame is painted with."""

    sky: tuple[Array, Array, Array]  # zenith, middle, horizon
    light: Array
    haze: Array  # what distance fades to
    far: Array
    mid: Array
    near: Array
    ground: Array
    accent: Array  # the palette's most saturated colour: roofs, flowers, lamps
    palette: tuple[Array, ...]


def nearest(target: Array, colours: Sequence[Array]) -> Array:
    """The colour in `colours` closest to target."""
    return min(colours, key=lambda c: float(np.sum((c - target) ** 2)))


def toward_palette(own: Array, palette: Sequence[Array], weight: float) -> Array:
    """`own` pulled toward the palette: mostly toward its nearer colours, less when all are far.

    A soft nearest colour (closer colours weigh more) keeps sand sandy under a blue-and-red
    palette instead of turning it the red; the pull weakens as the palette gets farther away.
    """
    d2 = np.array([float(np.sum((c - own) ** 2)) for c in palette])
    w = np.exp(-(d2 - d2.min()) / 0.04)
    target = rgb(sum(c * wi for c, wi in zip(palette, w / w.sum(), strict=True)))
    reach = float(np.clip(1.2 - np.sqrt(d2.min()) * 1.1, 0.6, 1.0))
    return mix(own, target, weight * reach)


def saturation(c: Array) -> float:
    return float(c.max() - c.min())


def frame_colours(sky: Sky, scenery: Scenery, snowy: bool, palette: Sequence[str]) -> Colours:
    """The sky of the mood and the scenery's layers, both pulled toward the story's palette."""
    given = [c for c in (hex_colour(v) for v in palette) if c is not None]
    tables = _tables()
    pal = tuple(given) or tuple(known_colour(v) for v in tables.default_palettes[scenery])
    light_pal = max(pal, key=luminance)
    land_light = rgb(sky.land)

    def sky_colour(value: str, weight: float) -> Array:
        own = known_colour(value)
        return toward_palette(own, pal, weight)

    zenith = sky_colour(sky.zenith, 0.3)
    middle = sky_colour(sky.middle, 0.35)
    horizon = sky_colour(sky.horizon, 0.38)
    haze = mix(horizon, light_pal * land_light, 0.2)

    layers = []
    for value in tables.base_colours[scenery]:
        own = known_colour(value)
        if snowy:
            own = mix(own, _SNOW_TINT, 0.75)
        layers.append(toward_palette(own, pal, 0.75) * land_light)
    far, mid, near, ground = layers
    accent = max(pal, key=saturation)
    return Colours(
        sky=(zenith, middle, horizon),
        light=known_colour(sky.light),
        haze=haze,
        far=mix(far, haze, 0.45),
        mid=mix(mid, haze, 0.2),
        near=near,
        ground=ground,
        accent=accent,
        palette=pal,
    )


@dataclass
class Frame:
    """One frame being painted: the canvas, its randomness, its light and where things are."""

    cv: Canvas
    rng: np.random.Generator
    sky: Sky
    colours: Colours
    scenery: Scenery
    snowy: bool
    text: str  # setting and prompt, lower case: props look for words in it
    horizon: float  # row of the horizon
    ground: float  # row where the calm foreground ground begins
    body: tuple[float, float]  # where the sun or moon is, in pixels
    flip: bool  # mirror the composition (props on the other side)
    water: tuple[float, float] | None = None  # rows of open water, set by the sea
