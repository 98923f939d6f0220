"""A caption style names a weight, never a font: every preset draws every script the installed
fonts serve with faces that cover the text as drawn (upper case included: "ß" becomes "SS",
Greek capitals take their own letters), chosen as for any caption (common/media/text/fonts.py).
Checked on what a render prepares (the ASS script and the fonts handed to libass), no encode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.domain.assets import WordTiming
from common.domain.caption_styles import PRESETS, preset
from common.domain.languages import SCRIPT_SAMPLES
from common.media.render.prepare import prepare
from common.media.spec.timeline import Timeline
from common.media.text.fonts import drawable_scripts, installed_fonts, needs_glyph
from tests.support.media_checks import flat_still

pytestmark = pytest.mark.slow

BURNED = [style for style, look in PRESETS.items() if look.burned]
SCRIPTS = ["latin", "cyrillic", "greek", "arabic", "devanagari", "han", "japanese", "thai"]


def prepared_text(style: str, text: str, root: Path):  # type: ignore[no-untyped-def]
    still = flat_still(root / "still.png", (360, 640), (70, 90, 120))
    words = [
        WordTiming(text=word, start_s=0.4 * i, end_s=0.4 * i + 0.3)
        for i, word in enumerate(text.split())
    ]
    scene = {"id": "s", "visual": {"kind": "image", "path": str(still)}, "duration_s": 8.0}
    timeline = Timeline.model_validate(
        {"width": 360, "height": 640, "caption_style": style, "scenes": [scene | {"words": words}]}
    )
    return prepare(timeline, root / "work", root / "scratch")


@pytest.mark.parametrize("style", BURNED)
@pytest.mark.parametrize("script", SCRIPTS)
def test_every_preset_draws_each_served_script_with_fonts_that_cover_it(
    style: str, script: str, tmp_path: Path
) -> None:
    if script not in drawable_scripts({script: SCRIPT_SAMPLES[script]}):
        pytest.skip(f"no installed font draws {script} (make fonts)")
    prepared = prepared_text(style, SCRIPT_SAMPLES[script], tmp_path)
    assert prepared.captions.ass is not None and prepared.fonts_dir is not None
    ass = prepared.captions.ass.read_text(encoding="utf-8")
    drawn = "".join(
        re.sub(r"\{[^}]*\}", "", line.split(",", 9)[9])
        for line in ass.splitlines()
        if line.startswith("Dialogue:")
    )
    if preset(style).upper and script in ("latin", "cyrillic", "greek"):
        assert drawn == drawn.upper() and drawn != drawn.lower()
        if script == "latin":
            assert "STRASSE" in drawn  # Straße
    handed = {path.name for path in prepared.fonts_dir.iterdir()}
    faces = [face for face in installed_fonts() if any(f.name in handed for f in face.files)]
    uncovered = {c for c in drawn if needs_glyph(c) and not any(f.covers(c) for f in faces)}
    assert not uncovered, f"{style} {script}: no font given to libass draws {sorted(uncovered)}"
    assert f"Caption,{prepared.family}," in ass  # the style line names the chosen family
