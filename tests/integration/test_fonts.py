"""The fonts installed here (by `make fonts`, from infra/fonts.txt) draw every script the font
packages declare, and the language gate of a local assembly asks them, not the declaration."""

from __future__ import annotations

from pathlib import Path

from common.bootstrap.providers import language_gate
from common.config import Settings
from common.domain.languages import FONT_SCRIPTS, SCRIPT_SAMPLES
from common.media.text.fonts import FontFace, choose_fonts, drawable_scripts, installed_fonts, main


def test_the_installed_fonts_draw_every_script_the_font_packages_declare(capsys) -> None:
    assert drawable_scripts(SCRIPT_SAMPLES) >= FONT_SCRIPTS
    assert main() == 0
    assert "MISSING" not in capsys.readouterr().out


def test_each_script_is_drawn_in_a_sans_face_meant_for_it() -> None:
    families = {script: choose_fonts(sample)[0].family for script, sample in SCRIPT_SAMPLES.items()}
    assert families["thai"] == "Noto Sans Thai"  # not the looped or serif faces
    assert families["devanagari"] == "Noto Sans Devanagari"
    assert all("Serif" not in f and "Mono" not in f for f in families.values()), families


def test_a_script_the_fonts_miss_is_not_drawable() -> None:
    latin = FontFace("Latin Sans", Path("latin.ttf"), None, ((0x20, 0x24F), (0x1E00, 0x1EFF)))
    drawn = drawable_scripts(SCRIPT_SAMPLES, fonts=(latin,))
    assert drawn == {"latin"}


def test_a_local_assembly_s_gate_reads_the_installed_fonts_and_the_cloud_s_the_image_s() -> None:
    local = language_gate(Settings.from_env({}))
    assert local.support.drawable_scripts() == drawable_scripts(SCRIPT_SAMPLES, installed_fonts())
    cloud = language_gate(
        Settings.from_env(
            {},
            runner="cloudrun",
            queue="cloudtasks",
            google_cloud_project="p",
            functions_base_url="https://x",
        )
    )
    assert cloud.support.drawable_scripts() == FONT_SCRIPTS
