"""The offline providers make exactly what they made when the fingerprints were taken: the same
stories, pictures, narration and motion for the same requests (tests/support/offline_golden.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.support import offline_golden

GOLDEN = json.loads(offline_golden.GOLDEN.read_text())
PARTS: dict[str, Callable[[], dict[str, str]]] = {
    "stories": offline_golden.stories,
    "listings": offline_golden.listings,
    "pictures": offline_golden.pictures,
    "narrations": offline_golden.narrations,
    "motions": offline_golden.motions,
}


@pytest.mark.parametrize("part", sorted(PARTS))
def test_offline_output_matches_its_fingerprints(part: str) -> None:
    now = PARTS[part]()
    changed = sorted(name for name in GOLDEN[part] if now.get(name) != GOLDEN[part][name])
    assert now.keys() == GOLDEN[part].keys()
    assert changed == [], f"{len(changed)} of {len(now)} {part} changed, e.g. {changed[:5]}"
