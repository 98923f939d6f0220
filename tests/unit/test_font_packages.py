"""The fonts make, CI and the assembly image install are one list, and they draw every language
a narrator here speaks (so no job fails at assembly for want of a font)."""

from __future__ import annotations

import re
from pathlib import Path

from common.domain.languages import (
    ELEVENLABS_LANGUAGES,
    FONT_PACKAGES,
    FONT_SCRIPTS,
    LANGUAGES,
    OFFLINE_LANGUAGES,
    SCRIPT_SAMPLES,
)

ROOT = Path(__file__).resolve().parents[2]


def listed_packages() -> list[str]:
    lines = (ROOT / "infra" / "fonts.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_the_font_list_installed_everywhere_is_the_catalogue_s_font_packages() -> None:
    assert listed_packages() == list(FONT_PACKAGES)


def test_the_declared_fonts_draw_every_language_any_narrator_speaks() -> None:
    spoken = OFFLINE_LANGUAGES.union(*ELEVENLABS_LANGUAGES.values())
    needed = {LANGUAGES[code].script for code in spoken}
    assert needed - FONT_SCRIPTS == set()
    assert {lang.script for lang in LANGUAGES.values()} <= set(SCRIPT_SAMPLES)


def test_make_ci_and_the_assembly_image_install_fonts_with_the_same_script() -> None:
    makefile = (ROOT / "Makefile").read_text()
    fonts_target = re.search(r"^fonts:\n((?:\t.*\n)+)", makefile, re.M)
    assert fonts_target and "infra/scripts/install-fonts.sh" in fonts_target.group(1)
    for target in ("test", "demo", "serve", "bench"):
        deps = re.search(rf"^{target}:(.*)$", makefile, re.M)
        assert deps and "fonts" in deps.group(1).split(), target
    docker = (ROOT / "infra" / "docker" / "assemble.Dockerfile").read_text()
    assert re.search(r"^COPY infra/fonts.txt /tmp/infra/fonts.txt$", docker, re.M)
    assert re.search(r"bash /tmp/infra/scripts/install-fonts.sh", docker)
    # and the build checks the installed fonts draw what FONT_PACKAGES declares
    assert re.search(r"^RUN python -m common.media.text.fonts$", docker, re.M)
    # no font package installed beside the list
    installs = " ".join(re.findall(r"apt-get install[^&]*", docker))
    assert not re.search(r"\bfonts-", installs), installs
