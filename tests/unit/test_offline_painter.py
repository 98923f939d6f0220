"""The offline painter: exact, deterministic PNGs that look like storyboard frames."""

from __future__ import annotations

import colorsys
import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

from common.adapters.offline.painter import OfflineImageGenerator
from common.adapters.offline.painter.looks import character_look
from common.adapters.offline.painter.style import choose_scenery, choose_sky, hex_colour
from common.domain.assets import ImageRequest
from common.domain.story import Character
from common.ports.providers import ImageGenerator

MOODS = ["calm", "hopeful", "joyful", "tense", "melancholy", "mysterious", "triumphant"]
# Two contrasting palettes of similar lightness, so only their hue tells them apart.
WARM = ["#e76f51", "#f4a261", "#e9c46a", "#c8553d", "#ffb4a2"]
COOL = ["#457b9d", "#a8dadc", "#2a9d8f", "#8ecae6", "#3d6b8c"]
MIRA = Character(id="mira", name="Mira", description="a curious girl in a red raincoat")
WHALE = Character(id="nimbus", name="Nimbus", description="a gentle grey whale with a white belly")


def _request(**overrides: Any) -> ImageRequest:
    fields: dict[str, Any] = {
        "kind": "keyframe",
        "prompt": "Mira walks through the meadow",
        "width": 180,
        "height": 320,
        "seed": 3,
        "mood": "calm",
        "setting": "a meadow near a village",
    }
    fields.update(overrides)
    return ImageRequest(**fields)


def _paint(**overrides: Any) -> np.ndarray[Any, Any]:
    data = OfflineImageGenerator().generate(_request(**overrides)).data
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float32)


def _difference(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> float:
    return float(np.abs(a - b).mean())


def _near(pixels: np.ndarray[Any, Any], colour: tuple[float, float, float], tol: float) -> int:
    target = np.array(colour, dtype=np.float32) * 255
    return int((np.abs(pixels - target).max(axis=2) <= tol).sum())


def test_offline_image_generator_satisfies_the_port() -> None:
    generator: ImageGenerator = OfflineImageGenerator()
    assert generator.id == "offline-painter/1"


def test_same_request_gives_the_same_png_bytes() -> None:
    generator = OfflineImageGenerator()
    first = generator.generate(_request(characters=[MIRA, WHALE], setting="a stormy sea"))
    second = generator.generate(_request(characters=[MIRA, WHALE], setting="a stormy sea"))
    assert first.mime == "image/png"
    assert first.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert first.data == second.data


def test_reference_images_are_ignored_offline() -> None:
    generator = OfflineImageGenerator()
    plain = generator.generate(_request(characters=[MIRA]))
    with_refs = generator.generate(_request(characters=[MIRA], references=[b"\x89PNG..."]))
    assert plain.data == with_refs.data


@pytest.mark.parametrize(
    ("width", "height"), [(270, 480), (480, 270), (256, 256), (1, 1), (7, 3), (100, 1000)]
)
@pytest.mark.parametrize("kind", ["keyframe", "reference"])
def test_png_has_exactly_the_requested_size(width: int, height: int, kind: str) -> None:
    request = _request(width=width, height=height, kind=kind, characters=[MIRA, WHALE])
    image = Image.open(io.BytesIO(OfflineImageGenerator().generate(request).data))
    assert image.size == (width, height)


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (1920, 1080), (1024, 1024)])
def test_full_size_frames_have_exactly_the_requested_size(width: int, height: int) -> None:
    request = _request(width=width, height=height, characters=[MIRA, WHALE], setting="the coast")
    image = Image.open(io.BytesIO(OfflineImageGenerator().generate(request).data))
    assert image.size == (width, height)
    assert image.mode == "RGB"


@pytest.mark.parametrize(
    "setting", ["sea", "forest", "mountains", "city", "desert", "space", "snow", "meadow"]
)
@pytest.mark.parametrize("palette", [[], ["#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946"]])
def test_frame_is_not_flat_and_has_several_hues(setting: str, palette: list[str]) -> None:
    pixels = _paint(setting=setting, characters=[MIRA], palette=palette)
    assert pixels.std() > 20.0
    hsv = np.asarray(Image.fromarray(pixels.astype(np.uint8)).convert("HSV"), dtype=np.float32)
    coloured = hsv[..., 1] > 40  # ignore greys, whose hue means nothing
    hues = np.histogram(hsv[..., 0][coloured], bins=12, range=(0, 256))[0]
    assert (hues > 0.002 * pixels.shape[0] * pixels.shape[1]).sum() >= 3


def test_each_mood_paints_a_clearly_different_frame() -> None:
    frames = {mood: _paint(mood=mood) for mood in MOODS}
    for i, a in enumerate(MOODS):
        for b in MOODS[i + 1 :]:
            assert _difference(frames[a], frames[b]) > 12.0, (a, b)


def test_each_setting_paints_a_clearly_different_frame() -> None:
    settings = ["the sea", "a forest", "the mountains", "a city", "the desert", "outer space"]
    frames = {s: _paint(setting=s, prompt="a scene") for s in settings}
    for i, a in enumerate(settings):
        for b in settings[i + 1 :]:
            assert _difference(frames[a], frames[b]) > 10.0, (a, b)


def test_seed_changes_the_composition() -> None:
    assert _difference(_paint(seed=1, characters=[MIRA]), _paint(seed=2, characters=[MIRA])) > 3


def test_same_character_keeps_its_colour_across_scenes() -> None:
    colour = character_look(MIRA).body
    scenes = [
        {"setting": "a pine forest", "mood": "hopeful", "seed": 1},
        {"setting": "a lighthouse by the sea", "mood": "mysterious", "seed": 9},
    ]
    for scene in scenes:
        with_mira = _paint(characters=[MIRA], width=360, height=640, **scene)
        without = _paint(width=360, height=640, **scene)
        found = _near(with_mira, colour, tol=14)
        assert found > 0.004 * with_mira.shape[0] * with_mira.shape[1], scene
        assert found > 4 * _near(without, colour, tol=14), scene


def test_character_look_depends_only_on_the_character() -> None:
    copy = Character(id="mira", name="Mira", description="a curious girl in a red raincoat")
    assert character_look(MIRA) == character_look(copy)
    other = Character(id="tom", name="Tom", description="a quiet man")
    assert character_look(other) != character_look(MIRA)


@pytest.mark.parametrize(
    ("name", "description", "kind"),
    [
        ("Nimbus", "a gentle grey whale", "whale"),
        ("Tom", "an old lighthouse keeper and his cat", "keeper"),
        ("Miso", "a cat who lives with the keeper", "cat"),
        ("Mira", "a curious girl", "girl"),
        ("Bolt", "a tiny robot", "robot"),
        ("Ember", "a clever fox", "fox"),
        ("Ash", "a young dragon", "dragon"),
        ("Star", "a white pony", "horse"),
        ("Rex", "a scruffy puppy", "dog"),
        ("Pip", "a little owl", "bird"),
        ("Sam", "someone with a kind smile", "person"),
    ],
)
def test_description_words_choose_the_figure(name: str, description: str, kind: str) -> None:
    character = Character(id=name.lower(), name=name, description=description)
    assert character_look(character).kind == kind


def test_colour_words_in_the_description_colour_the_figure() -> None:
    look = character_look(
        Character(id="a", name="A", description="a girl in a yellow coat and blue boots")
    )
    assert look.body == pytest.approx((0.95, 0.77, 0.15))
    assert look.accent == pytest.approx((0.18, 0.44, 0.71))


def _hue(rgb: np.ndarray[Any, Any]) -> float:
    return colorsys.rgb_to_hsv(*(float(v) / 255 for v in rgb))[0] * 360


def _hue_gap(a: float, b: float) -> float:
    return min(abs(a - b), 360 - abs(a - b))


@pytest.mark.parametrize("setting", ["a meadow", "the sea", "a city", "a forest", "snow"])
def test_mean_colour_is_closer_to_its_palette_than_to_a_contrasting_one(setting: str) -> None:
    # Compared in hue: a painted frame is never as saturated as a list of swatches, so raw RGB
    # distance would mostly measure lightness.
    def palette_hue(palette: list[str]) -> float:
        return _hue(np.mean([hex_colour(c) for c in palette], axis=0) * 255)

    warm_hue, cool_hue = palette_hue(WARM), palette_hue(COOL)
    warm = _hue(_paint(palette=WARM, setting=setting).reshape(-1, 3).mean(axis=0))
    cool = _hue(_paint(palette=COOL, setting=setting).reshape(-1, 3).mean(axis=0))
    assert _hue_gap(warm, warm_hue) < _hue_gap(warm, cool_hue)
    assert _hue_gap(cool, cool_hue) < _hue_gap(cool, warm_hue)


@pytest.mark.parametrize("mood", MOODS)
def test_a_warm_palette_paints_a_warmer_frame_in_every_mood(mood: str) -> None:
    def warmth(pixels: np.ndarray[Any, Any]) -> float:
        mean = pixels.reshape(-1, 3).mean(axis=0)
        return float(mean[0] - mean[2])

    assert warmth(_paint(palette=WARM, mood=mood)) > warmth(_paint(palette=COOL, mood=mood)) + 15


def test_invalid_palette_entries_are_ignored() -> None:
    assert _paint(palette=["nope", "#12"]).shape == (320, 180, 3)


def test_reference_sheet_shows_the_characters_larger_than_a_keyframe() -> None:
    colour = character_look(MIRA).body
    sheet = _paint(kind="reference", characters=[MIRA], width=360, height=640)
    frame = _paint(kind="keyframe", characters=[MIRA], width=360, height=640)
    assert _near(sheet, colour, tol=14) > 1.5 * _near(frame, colour, tol=14)


@pytest.mark.parametrize("setting", ["a meadow", "the sea", "a forest", "a city", "the desert"])
def test_caption_band_of_a_tall_frame_is_calm_but_not_empty(setting: str) -> None:
    pixels = _paint(setting=setting, characters=[MIRA, WHALE], width=270, height=480)
    grey = pixels.mean(axis=2)
    band = grey[int(480 * 0.78) :]
    upper = grey[: int(480 * 0.75)]

    def busyness(a: np.ndarray[Any, Any]) -> float:  # mean step between neighbouring pixels
        return float(np.abs(np.diff(a, axis=1)).mean() + np.abs(np.diff(a, axis=0)).mean())

    assert busyness(band) < busyness(upper)
    assert band.std() > 1.0  # textured ground, not a flat fill


@pytest.mark.parametrize(
    ("setting", "prompt", "scenery", "snowy"),
    [
        ("a lighthouse on the rocks", "", "sea", False),
        ("", "they walk into the dark forest", "forest", False),
        ("snowy mountains", "", "mountains", True),
        ("a frozen lake in winter", "", "sea", True),
        ("a winter field", "", "meadow", True),
        ("deep snow", "", "snow", True),
        ("the city at night", "", "city", False),
        ("", "a quiet afternoon", "meadow", False),
    ],
)
def test_setting_words_choose_the_scenery(
    setting: str, prompt: str, scenery: str, snowy: bool
) -> None:
    assert choose_scenery(setting, prompt) == (scenery, snowy)


def test_time_words_in_the_setting_override_the_mood_light() -> None:
    assert choose_sky("joyful", "the harbour at night").body == "moon"
    assert choose_sky("joyful", "the harbour").body == "sun"
