"""Caption style presets in real renders: a tiny video per preset over a flat still, so every
pixel that differs from the still is caption. Each preset's line sits where it says (bottom,
lower third, middle), its spoken word shows in its colour, its box is drawn, upper case is
applied; a re-render in another preset encodes its segments again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from common.adapters.local.segment_cache import FolderSegmentCache
from common.domain.assets import WordTiming
from common.domain.caption_styles import PRESETS, preset
from common.media.render.assemble import AssemblyResult, assemble
from common.media.spec.timeline import Timeline
from common.media.text.captions import ass_colour, caption_layout
from tests.support.cached_render import assemble_cached
from tests.support.media_checks import changed_mask, flat_still, frames_at

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS = 360, 640, 30
BACKGROUND = (70, 90, 120)  # blue-grey: no preset's text, outline or highlight colour
# Letters without ascenders or descenders: lower case they stand x-height tall, upper case
# cap-height tall (DejaVu Sans Bold: 0.47 and 0.63 of an ASS font size, which is the font's
# ascent plus descent); UPPER_AT lies between.
SAID = ("once", "more", "our", "ocean", "roars")
STEP_S = 0.3
SECOND_WORD_AT = 1.5 * STEP_S  # mid-way through the second word: the first line is up
BURNED = [style for style, look in PRESETS.items() if look.burned]
UPPER_AT = 0.58


def words() -> list[WordTiming]:
    return [
        WordTiming(text=w, start_s=STEP_S * i, end_s=STEP_S * i + 0.25) for i, w in enumerate(SAID)
    ]


def timeline(style: str, still: Path, scenes: int = 1) -> Timeline:
    scene = {"visual": {"kind": "image", "path": str(still)}, "duration_s": 1.8}
    return Timeline.model_validate(
        {
            "width": WIDTH,
            "height": HEIGHT,
            "fps": FPS,
            "video_preset": "ultrafast",
            "caption_style": style,
            "scenes": [
                scene | {"id": f"s{i}", "words": words(), "transition": "cut", "transition_s": 0}
                for i in range(scenes)
            ],
        }
    )


@pytest.fixture(scope="module")
def still(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return flat_still(tmp_path_factory.mktemp("still") / "still.png", (WIDTH, HEIGHT), BACKGROUND)


@pytest.fixture(scope="module")
def render(
    tmp_path_factory: pytest.TempPathFactory, still: Path
) -> Callable[[str], tuple[AssemblyResult, np.ndarray]]:
    """render(style) -> (result, the frame mid-way through the second word). Cached."""
    root = tmp_path_factory.mktemp("styles")
    cache: dict[str, tuple[AssemblyResult, np.ndarray]] = {}

    def run(style: str) -> tuple[AssemblyResult, np.ndarray]:
        if style not in cache:
            result = assemble(timeline(style, still), root / style)
            index = int(SECOND_WORD_AT * FPS)
            cache[style] = result, frames_at(result.video, [index])[index]
        return cache[style]

    return run


def caption_pixels(frame: np.ndarray) -> np.ndarray:
    background = np.broadcast_to(np.array(BACKGROUND, dtype=np.uint8), frame.shape)
    return changed_mask(frame, background, threshold=40.0)


def rows_of(mask: np.ndarray) -> tuple[int, int]:
    rows = np.nonzero(mask.any(axis=1))[0]
    assert rows.size, "no caption drawn"
    return int(rows.min()), int(rows.max())


def near(frame: np.ndarray, rgb: str, tolerance: int = 40) -> np.ndarray:
    """(h, w) booleans: pixels within `tolerance` of the colour "#RRGGBB" in every channel."""
    target = np.array([int(rgb[k : k + 2], 16) for k in (1, 3, 5)], dtype=np.int16)
    return np.abs(frame.astype(np.int16) - target).max(axis=2) <= tolerance


BANDS = {"bottom": (0.68, 0.88), "lower-third": (0.55, 0.76), "middle": (0.4, 0.6)}


@pytest.mark.parametrize("style", BURNED)
def test_each_preset_s_line_is_drawn_in_the_band_its_position_names(style, render) -> None:
    _, frame = render(style)
    top, bottom = rows_of(caption_pixels(frame))
    lo, hi = BANDS[preset(style).position]
    centre = (top + bottom) / 2 / HEIGHT
    assert lo <= centre <= hi, f"{style}: line centred at {centre:.2f} of the height"
    # Nothing is drawn outside the line (a portrait frame's top and edges stay clear).
    drawn = caption_pixels(frame)
    assert not drawn[: int(0.3 * HEIGHT)].any()


@pytest.mark.parametrize("style", [s for s in BURNED if preset(s).spoken != "none"])
def test_the_spoken_word_shows_in_the_preset_s_highlight_colour(style, render) -> None:
    _, frame = render(style)
    look = preset(style)
    marked, drawn = near(frame, look.highlight_colour), caption_pixels(frame)
    assert marked.sum() > 40, f"{style}: no pixel in its highlight colour"
    assert (marked & ~drawn).sum() == 0
    # Only part of the line is marked: the spoken word (karaoke: the words filled so far).
    assert near(frame, look.text_colour).sum() > 40


def test_a_boxed_line_sits_on_its_translucent_box(render) -> None:
    look = preset("boxed")
    _, frame = render("boxed")
    top, bottom = rows_of(caption_pixels(frame))
    cols = np.nonzero(caption_pixels(frame).any(axis=0))[0]
    area = frame[top : bottom + 1, cols.min() : cols.max() + 1]
    # The box is the border colour at its opacity over the still.
    alpha = look.border_opacity
    box = [round(alpha * int(look.border_colour[k : k + 2], 16) + (1 - alpha) * c)
           for k, c in zip((1, 3, 5), BACKGROUND, strict=True)]  # fmt: skip
    in_box = near(area, "#{:02X}{:02X}{:02X}".format(*box), tolerance=10).mean()
    assert in_box > 0.4, f"only {in_box:.0%} of the line's box is the box colour"
    _, outlined = render("outline")
    top, bottom = rows_of(caption_pixels(outlined))
    assert near(outlined[top : bottom + 1], "#{:02X}{:02X}{:02X}".format(*box), 10).mean() < 0.1


def ink_height(style: str, frame: np.ndarray) -> float:
    """The line's letters' height over the font size (outline and shadow taken off)."""
    look, layout = preset(style), caption_layout(WIDTH, HEIGHT, style)
    top, bottom = rows_of(caption_pixels(frame))
    fs = layout.font_size
    outline = max(2, round(fs * look.outline)) if look.outline else 0
    shadow = max(1, round(fs * look.shadow)) if look.shadow else 0
    return (bottom - top + 1 - 2 * outline - shadow) / fs


def test_upper_case_presets_draw_capitals(render) -> None:
    for style in ("outline", "bold-pop"):
        assert preset(style).upper
        height = ink_height(style, render(style)[1])
        assert height >= UPPER_AT, f"{style}: letters {height:.2f} of the font size tall"
    for style in ("highlight", "karaoke"):
        height = ink_height(style, render(style)[1])
        assert height < UPPER_AT, f"{style}: letters {height:.2f} of the font size tall"
    # The subtitle files keep the words as spoken.
    result, _ = render("outline")
    assert "once more" in result.captions_srt.read_text(encoding="utf-8")


def test_no_captions_are_drawn_or_written_as_ass_with_none(render) -> None:
    result, frame = render("none")
    assert not caption_pixels(frame).any()
    assert result.captions_ass is None and result.captions_srt.is_file()


def test_a_re_render_in_another_preset_encodes_its_segments_again(
    tmp_path: Path, still: Path
) -> None:
    cache = FolderSegmentCache(tmp_path / "cache")
    first, report = assemble_cached(timeline("highlight", still, scenes=2), tmp_path / "a", cache)
    assert report.reused == []
    names = list(report.keys)
    _, boxed = assemble_cached(timeline("boxed", still, scenes=2), tmp_path / "b", cache)
    assert boxed.encoded == names and boxed.reused == []
    assert set(boxed.keys.values()).isdisjoint(report.keys.values())
    _, again = assemble_cached(timeline("highlight", still, scenes=2), tmp_path / "c", cache)
    assert again.reused == names and again.encoded == []
    assert first.captions_ass is not None
    assert ass_colour(preset("boxed").border_colour, 0.7) in (
        (tmp_path / "b" / "captions.ass").read_text(encoding="utf-8")
    )
