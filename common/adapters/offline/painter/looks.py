"""Who a character looks like: the kind of figure, its colours and small variations.

A look comes only from the character itself: keywords in its name and description ("whale",
"fox", "girl", "keeper", "red scarf") and a hash of its id and description for everything the
words leave open. Scene, mood and seed never change a look, which is what keeps a character the
same in every frame of a story (the offline painter has no reference images to follow).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from common.adapters.offline.data_files import load_toml
from common.adapters.offline.painter.canvas import RGB
from common.domain.story import Character


@dataclass(frozen=True)
class _Tables:
    """data/figures.toml: figure kinds and their words, colours, tones and sizes."""

    kinds: dict[str, tuple[str, ...]]  # the earliest word in the text wins
    colour_words: dict[str, RGB]
    default_body: dict[str, tuple[str, ...]]  # by kind, when the description names no colour
    coats: tuple[str, ...]
    skins: tuple[RGB, ...]
    hairs: tuple[RGB, ...]
    boxes: dict[str, tuple[float, float]]  # in figure units (1 unit = an adult's height)
    people: frozenset[str]


def _rgb(values: list[float]) -> RGB:
    r, g, b = values
    return (float(r), float(g), float(b))


@cache
def _tables() -> _Tables:
    data = load_toml(__name__.rpartition(".")[0], "figures.toml")
    return _Tables(
        kinds={k: tuple(v) for k, v in data["kinds"].items()},
        colour_words={k: _rgb(v) for k, v in data["colour_words"].items()},
        default_body={k: tuple(v) for k, v in data["default_body"].items()},
        coats=tuple(data["coats"]),
        skins=tuple(_rgb(v) for v in data["skins"]),
        hairs=tuple(_rgb(v) for v in data["hairs"]),
        boxes={k: (float(v[0]), float(v[1])) for k, v in data["boxes"].items()},
        people=frozenset(data["people"]),
    )


def colour_word(name: str) -> RGB:
    """The colour a word names ("white", "crimson"), as the painter draws it."""
    return _tables().colour_words[name]


@dataclass(frozen=True)
class Look:
    """How a character is drawn, everywhere it appears."""

    kind: str
    body: RGB  # main colour: coat, dress, fur, hull
    accent: RGB  # scarf, belly, visor, mane
    skin: RGB
    hair: RGB
    variant: int  # small hashed choices: hat, long hair, pose

    @property
    def box(self) -> tuple[float, float]:
        boxes = _tables().boxes
        if self.kind in boxes:
            return boxes[self.kind]
        small = self.kind in ("child", "girl", "boy")
        return (0.5 * (0.85 if small else 1.0), 0.74 if small else 1.0)

    @property
    def is_person(self) -> bool:
        return self.kind in _tables().people

    @property
    def flies(self) -> bool:
        return self.kind == "bird" or (self.kind == "dragon" and self.variant % 2 == 1)


def _earliest(text: str, words: tuple[str, ...]) -> int | None:
    found = [m.start() for w in words if (m := re.search(rf"\b{w}s?\b", text))]
    return min(found) if found else None


def character_look(character: Character) -> Look:
    """The look of a character, derived from its id, name and description only."""
    t = _tables()
    text = f"{character.name} {character.description}".lower()
    digest = hashlib.sha256(f"{character.id}|{character.description}".encode()).digest()
    hits = [
        (pos, kind)
        for kind, words in t.kinds.items()
        if (pos := _earliest(text, words)) is not None
    ]
    kind = min(hits)[1] if hits else "person"
    description = character.description.lower()
    spots = [
        (m.start(), word)
        for word in t.colour_words
        if (m := re.search(rf"\b{word}\b", description))
    ]
    named = [t.colour_words[word] for _, word in sorted(spots)]
    defaults = t.default_body.get(kind, t.coats)
    body = named[0] if named else t.colour_words[defaults[digest[0] % len(defaults)]]
    coats = t.coats
    accent = named[1] if len(named) > 1 else t.colour_words[coats[(digest[1] + 4) % len(coats)]]
    if accent == body:
        accent = t.colour_words[coats[(digest[1] + 5) % len(coats)]]
    return Look(
        kind=kind,
        body=body,
        accent=accent,
        skin=t.skins[digest[2] % len(t.skins)],
        hair=t.hairs[digest[3] % len(t.hairs)],
        variant=digest[4],
    )
