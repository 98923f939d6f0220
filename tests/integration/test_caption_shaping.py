"""Complex scripts in burned-in captions are shaped, not drawn letter by letter (libass with
HarfBuzz, over the fonts infra/fonts.txt installs).

Arabic letters take joined forms inside a word: the same letters kept apart by zero-width
non-joiners are drawn in their isolated forms, wider and different. Without shaping (a libass
without HarfBuzz) both would be the same row of isolated letters.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from common.domain.assets import WordTiming
from common.media.render.assemble import assemble
from common.media.spec.timeline import Timeline
from tests.support.media_checks import changed_mask, flat_still, frames_at

pytestmark = pytest.mark.slow

W, H = 360, 640
GREY = (110, 110, 110)
ZWNJ = "\u200c"


def caption(tmp_path: Path, word: str) -> np.ndarray:
    """(h, w) mask of the caption pixels when `word` is shown."""
    still = flat_still(tmp_path / "still.png", (W, H), GREY)
    scene = {"id": "s", "visual": {"kind": "image", "path": str(still)}, "duration_s": 1.0}
    scene["words"] = [WordTiming(text=word, start_s=0.1, end_s=0.9).model_dump()]
    timeline = Timeline.model_validate(
        {"width": W, "height": H, "video_preset": "ultrafast", "caption_style": "plain"}
        | {"scenes": [scene]}
    )
    out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
    frame = frames_at(assemble(timeline, out).video, [15])[15]
    return changed_mask(frame, np.broadcast_to(np.array(GREY, np.uint8), frame.shape), 40.0)


def width(mask: np.ndarray) -> int:
    """How wide the drawn caption is, in pixels."""
    cols = np.nonzero(mask.any(axis=0))[0]
    return int(cols.max() - cols.min())


def test_arabic_letters_are_joined_inside_a_word(tmp_path: Path) -> None:
    word = "سلام"
    joined, apart = caption(tmp_path, word), caption(tmp_path, ZWNJ.join(word))
    assert joined.sum() > 300 and apart.sum() > 300

    # Joined forms are narrower than the isolated ones, and not the same drawing.
    assert width(joined) < 0.9 * width(apart), (width(joined), width(apart))
    assert (joined ^ apart).sum() > 0.3 * joined.sum()


def test_devanagari_consonants_join_into_a_conjunct(tmp_path: Path) -> None:
    # क्ष is one conjunct glyph; a zero-width non-joiner keeps the virama visible and the
    # letters apart. Unshaped, both would be the same three glyphs side by side.
    word = "क्ष"
    joined, apart = caption(tmp_path, word), caption(tmp_path, word[:2] + ZWNJ + word[2:])
    assert joined.sum() > 100 and apart.sum() > 100

    assert width(joined) < 0.85 * width(apart), (width(joined), width(apart))
