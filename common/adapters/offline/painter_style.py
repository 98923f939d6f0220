"""What the offline painter reads from a request: the sky of each mood, the scenery named by the
setting, and the colours of the layers (the story's palette blended with the scenery's own).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from common.adapters.offline.painter_canvas import Array, Canvas, rgb

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


SKIES: dict[str, Sky] = {
    "calm": Sky("#7fb0d8", "#b5d3ea", "#e6f0f2", "#fff6e0", (0.96, 0.98, 1.0), "sun", 0.75, "few"),
    "hopeful": Sky(
        "#4f6fa8",
        "#e8a5a0",
        "#ffd89c",
        "#ffe2a8",
        (0.86, 0.8, 0.82),
        "sun",
        0.12,
        "wisps",
        rays=True,
    ),
    "joyful": Sky(
        "#2f8fe6", "#7cc2f4", "#d4efff", "#fffbe8", (1.04, 1.04, 1.0), "sun", 0.8, "fluffy"
    ),
    "tense": Sky(
        "#171b2b",
        "#3e3850",
        "#9a5c48",
        "#ffb27a",
        (0.5, 0.48, 0.56),
        "none",
        0.1,
        "storm",
        rain=True,
        lit_windows=True,
    ),
    "melancholy": Sky(
        "#33425c",
        "#66768f",
        "#a9b2c0",
        "#d8dde6",
        (0.62, 0.66, 0.76),
        "none",
        0.5,
        "overcast",
        lit_windows=True,
    ),
    "mysterious": Sky(
        "#050a1c",
        "#14224a",
        "#2f4373",
        "#dfe8ff",
        (0.3, 0.36, 0.55),
        "moon",
        0.72,
        "wisps",
        stars=True,
        lit_windows=True,
    ),
    "triumphant": Sky(
        "#34508e",
        "#f08a4b",
        "#ffd27a",
        "#ffd58a",
        (1.02, 0.86, 0.68),
        "sun",
        0.16,
        "wisps",
        rays=True,
        lit_windows=True,
    ),
}

# Words in the setting that name the time of day outright win over the mood's default light.
_TIME_WORDS: tuple[tuple[str, str], ...] = (
    (r"\b(night|midnight|moonlit|moonlight|starry)\b", "mysterious"),
    (r"\b(sunset|dusk|evening|golden hour)\b", "triumphant"),
    (r"\b(dawn|sunrise|daybreak)\b", "hopeful"),
    (r"\b(storm|stormy|thunder|lightning)\b", "tense"),
    (r"\b(fog|foggy|mist|misty|overcast|rainy)\b", "melancholy"),
)

_SCENERY_WORDS: dict[Scenery, tuple[str, ...]] = {
    "space": (
        "space",
        "galaxy",
        "planet",
        "cosmos",
        "cosmic",
        "orbit",
        "nebula",
        "asteroid",
        "spaceship",
        "rocket",
        "astronaut",
        "spacecraft",
    ),
    "sea": (
        "sea",
        "ocean",
        "coast",
        "coastal",
        "beach",
        "shore",
        "harbor",
        "harbour",
        "lighthouse",
        "island",
        "bay",
        "wave",
        "pier",
        "port",
        "lake",
        "seaside",
        "whale",
    ),
    "forest": ("forest", "woods", "woodland", "jungle", "grove", "tree", "pine", "oak"),
    "mountains": ("mountain", "peak", "alps", "summit", "cliff", "valley", "canyon", "ridge"),
    "city": (
        "city",
        "street",
        "skyline",
        "rooftop",
        "metropolis",
        "downtown",
        "alley",
        "skyscraper",
        "building",
        "neon",
    ),
    "desert": ("desert", "dune", "sand", "oasis", "sahara"),
    "snow": (
        "snow",
        "snowy",
        "winter",
        "ice",
        "icy",
        "arctic",
        "frozen",
        "glacier",
        "tundra",
        "polar",
    ),
    "meadow": (
        "meadow",
        "field",
        "village",
        "farm",
        "garden",
        "park",
        "hill",
        "countryside",
        "town",
        "cottage",
    ),
}
_SNOW = _SCENERY_WORDS["snow"]


def _first_word(text: str, words: Sequence[str]) -> int | None:
    """Position of the earliest of `words` (plurals allowed) in text, None if absent."""
    found = [m.start() for w in words if (m := re.search(rf"\b{w}(s|es)?\b", text))]
    return min(found) if found else None


def choose_scenery(setting: str, prompt: str) -> tuple[Scenery, bool]:
    """The scenery named first in the setting (else the prompt), and whether it is snowy.

    Snow words only modify another scenery ("snowy mountains" are mountains, in snow); they
    are the scenery themselves when nothing else is named.
    """
    texts = (setting.lower(), prompt.lower())
    snowy = any(_first_word(text, _SNOW) is not None for text in texts)
    for text in texts:
        hits = [
            (pos, name)
            for name, words in _SCENERY_WORDS.items()
            if name != "snow" and (pos := _first_word(text, words)) is not None
        ]
        if hits:
            return min(hits)[1], snowy
    return ("snow", True) if snowy else ("meadow", False)


def choose_sky(mood: str, setting: str) -> Sky:
    """The mood's sky, unless the setting names the time of day."""
    for pattern, sky_mood in _TIME_WORDS:
        if re.search(pattern, setting.lower()):
            return SKIES[sky_mood]
    return SKIES.get(mood, SKIES["calm"])


# Colours each scenery would have on its own, far to near; the palette is blended into them.
_BASE_COLOURS: dict[Scenery, tuple[str, str, str, str]] = {
    "sea": ("#7d9bb5", "#2f6f8f", "#4c7a6a", "#d9c49a"),  # far land, water, headland, sand
    "forest": ("#7f9e8f", "#3f6f4f", "#24452f", "#5d7f3e"),
    "mountains": ("#8c9bb8", "#5d6f8f", "#3f5a4a", "#6d8a4a"),
    "city": ("#9aa3b8", "#4d5670", "#2f3448", "#6b6a70"),
    "desert": ("#d8a878", "#d49a5e", "#c7844a", "#e2b47c"),
    "space": ("#6a5a8a", "#3d3558", "#4a4060", "#6e6478"),
    "snow": ("#b8c6dc", "#d6e0ec", "#e4ebf3", "#f1f5fa"),
    "meadow": ("#8fb0a0", "#6c9a5a", "#4f8a48", "#79a85a"),
}
_DEFAULT_PALETTES: dict[Scenery, tuple[str, ...]] = {
    "sea": ("#1d4e6b", "#5fa8c9", "#f2d9a7", "#e76f51"),
    "forest": ("#2d5a3d", "#8fbf7a", "#e9c46a", "#7a4e2d"),
    "mountains": ("#3d5a80", "#98c1d9", "#e0fbfc", "#ee6c4d"),
    "city": ("#22223b", "#4a4e69", "#c9ada7", "#f2b84b"),
    "desert": ("#9c4f2b", "#e0a458", "#f6dfb0", "#2a6f97"),
    "space": ("#140f2d", "#3f2e7a", "#e06c9f", "#f7d488"),
    "snow": ("#3d5a80", "#b8d0e6", "#f4f8fb", "#c94c4c"),
    "meadow": ("#3f7d4a", "#a7c957", "#f2e8cf", "#bc4749"),
}
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
    pal = tuple(given) or tuple(known_colour(v) for v in _DEFAULT_PALETTES[scenery])
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
    for value in _BASE_COLOURS[scenery]:
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
