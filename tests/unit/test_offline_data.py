"""The offline providers' data files: shipped in the packages, read only when first needed, and
consistent with each other (every name one table uses is defined by another)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from string import Formatter

import pytest

from common.adapters.offline.painter import looks, style
from common.adapters.offline.writer import lines, tables

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "common/adapters/offline/writer/data"
LANGUAGES = sorted(p.name for p in DATA.iterdir() if (p / "language.toml").is_file())


def test_importing_the_offline_providers_reads_no_data_file():
    # Package data is read through pathlib (importlib.resources on a folder): count what is read.
    code = (
        "import json, pathlib\n"
        "opened, read = [], pathlib.Path.read_text\n"
        "pathlib.Path.read_text = lambda p, *a, **k: opened.append(str(p)) or read(p, *a, **k)\n"
        "import common.adapters.offline.writer, common.adapters.offline.painter\n"
        "import common.adapters.offline.voice, common.adapters.offline.kenburns\n"
        "from common.adapters.offline.writer import tables\n"
        "tables.kinds()\n"
        "print(json.dumps([p for p in opened if p.endswith('.toml')]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    read = json.loads(out)
    assert [Path(p).name for p in read] == ["people.toml", "animals.toml", "creatures.toml"]


def test_kinds_live_in_known_settings_and_helpers_are_known_kinds():
    kinds, world = tables.kinds(), tables.world()
    assert {k.setting for k in kinds.values()} <= world.settings.keys()
    assert world.helpers.keys() == world.settings.keys()
    assert {h for helpers in world.helpers.values() for h in helpers} <= kinds.keys()
    assert set(tables.lexicon_aliases().values()) <= kinds.keys()
    assert world.category_tone.keys() >= {"friendship", "learning", "generic"}


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_names_every_kind_place_and_group(code):
    words = tables.language(code)
    if code != "en":  # English nouns are the kinds' keys unless the table says otherwise
        assert words.nouns.keys() == tables.kinds().keys()
        assert words.places.keys() == tables.settings().keys()
    groups = {"f", "m"} | {k.group for k in tables.kinds().values()} - {"person"}
    assert groups <= words.names.keys()
    assert all(len(set(names)) == len(names) >= 4 for names in words.names.values())


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_has_lines_for_every_beat(code):
    said = lines.lines(code)
    for arc in said.arcs.values():
        assert {"hook", "development", "turn", "resolution", "short"} <= arc.keys()
        assert all(any(line.essential for line in arc[beat]) for beat in arc)
    assert said.spare.keys() == said.fillers.keys() == {"hook", "development", "turn", "resolution"}
    assert said.day_lines(pair=False)
    for arc in said.arcs.values():
        for beat_lines in arc.values():
            for line in beat_lines:
                for text in (*line.variants, line.visual):
                    list(Formatter().parse(text))  # every template is well formed


def test_painter_tables_name_colours_and_skies_it_knows():
    figures = looks._tables()
    assert {
        c for body in figures.default_body.values() for c in body
    } <= figures.colour_words.keys()
    assert set(figures.coats) <= figures.colour_words.keys()
    scenery = style._tables()
    assert {mood for _, mood in scenery.time_words} <= scenery.skies.keys()
    assert (
        scenery.base_colours.keys()
        == scenery.default_palettes.keys()
        == scenery.scenery_words.keys()
    )


def test_the_offline_writer_speaks_exactly_the_languages_the_catalogue_declares():
    from common.domain.languages import ESPEAK_VOICES, OFFLINE_LANGUAGES

    assert set(tables.writer_languages()) == OFFLINE_LANGUAGES == set(ESPEAK_VOICES)
