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

from common.adapters.offline.painter_canvas import RGB
from common.domain.story import Character

# Figure kinds, each with the words that name it. The earliest word in the text wins, so
# "a keeper and his cat" is a keeper and "a cat who lives with a keeper" is a cat.
_KINDS: dict[str, tuple[str, ...]] = {
    "whale": ("whale",),
    "cat": ("cat", "kitten", "kitty"),
    "dog": ("dog", "puppy", "hound", "pup"),
    "fox": ("fox", "vixen"),
    "bird": ("bird", "owl", "crow", "sparrow", "gull", "seagull", "robin", "parrot", "raven"),
    "robot": ("robot", "android", "droid", "automaton"),
    "dragon": ("dragon", "wyvern"),
    "horse": ("horse", "pony", "unicorn", "mare", "stallion"),
    "child": ("child", "kid", "toddler"),
    "girl": ("girl", "daughter", "princess"),
    "boy": ("boy", "son", "prince"),
    "keeper": ("keeper", "sailor", "fisherman", "captain", "lighthouse keeper"),
    "woman": ("woman", "mother", "grandmother", "queen", "witch", "lady", "grandma"),
    "man": ("man", "father", "grandfather", "king", "wizard", "grandpa"),
    "person": ("person", "astronaut", "traveller", "traveler", "explorer"),
}
COLOUR_WORDS: dict[str, RGB] = {
    "red": (0.75, 0.2, 0.17),
    "crimson": (0.66, 0.1, 0.18),
    "orange": (0.9, 0.49, 0.13),
    "ginger": (0.85, 0.47, 0.18),
    "yellow": (0.95, 0.77, 0.15),
    "golden": (0.83, 0.65, 0.17),
    "gold": (0.83, 0.65, 0.17),
    "green": (0.25, 0.56, 0.31),
    "teal": (0.16, 0.6, 0.56),
    "blue": (0.18, 0.44, 0.71),
    "navy": (0.12, 0.23, 0.41),
    "purple": (0.49, 0.31, 0.63),
    "violet": (0.55, 0.36, 0.7),
    "pink": (0.91, 0.54, 0.66),
    "white": (0.93, 0.93, 0.9),
    "black": (0.16, 0.16, 0.19),
    "grey": (0.54, 0.56, 0.6),
    "gray": (0.54, 0.56, 0.6),
    "silver": (0.72, 0.75, 0.78),
    "brown": (0.48, 0.32, 0.2),
    "tan": (0.76, 0.6, 0.42),
}
# What each kind wears or is when the description names no colour (picked by hash).
_DEFAULT_BODY: dict[str, tuple[str, ...]] = {
    "whale": ("grey", "navy", "blue"),
    "cat": ("ginger", "grey", "black", "white"),
    "dog": ("brown", "golden", "tan", "black"),
    "fox": ("orange", "ginger"),
    "bird": ("red", "blue", "yellow", "teal"),
    "robot": ("silver", "teal", "white"),
    "dragon": ("green", "crimson", "purple", "teal"),
    "horse": ("brown", "white", "black", "tan"),
}
_COATS = ("red", "blue", "yellow", "green", "teal", "purple", "orange", "navy", "crimson")
_SKINS: tuple[RGB, ...] = (
    (0.96, 0.8, 0.66),
    (0.88, 0.67, 0.5),
    (0.7, 0.5, 0.36),
    (0.45, 0.3, 0.22),
)
_HAIRS: tuple[RGB, ...] = (
    (0.2, 0.14, 0.1),
    (0.45, 0.28, 0.15),
    (0.85, 0.68, 0.4),
    (0.6, 0.25, 0.12),
    (0.1, 0.1, 0.12),
)
# Box of each kind in figure units (1 unit = an adult's height), and whether it flies.
_BOXES: dict[str, tuple[float, float]] = {
    "whale": (2.2, 0.75),
    "cat": (0.5, 0.36),
    "dog": (0.62, 0.46),
    "fox": (0.66, 0.38),
    "bird": (0.34, 0.22),
    "robot": (0.56, 0.95),
    "dragon": (1.35, 1.0),
    "horse": (1.0, 0.95),
}
PEOPLE = ("child", "girl", "boy", "keeper", "woman", "man", "person")


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
        if self.kind in _BOXES:
            return _BOXES[self.kind]
        small = self.kind in ("child", "girl", "boy")
        return (0.5 * (0.85 if small else 1.0), 0.74 if small else 1.0)

    @property
    def is_person(self) -> bool:
        return self.kind in PEOPLE

    @property
    def flies(self) -> bool:
        return self.kind == "bird" or (self.kind == "dragon" and self.variant % 2 == 1)


def _earliest(text: str, words: tuple[str, ...]) -> int | None:
    found = [m.start() for w in words if (m := re.search(rf"\b{w}s?\b", text))]
    return min(found) if found else None


def character_look(character: Character) -> Look:
    """The look of a character, derived from its id, name and description only."""
    text = f"{character.name} {character.description}".lower()
    digest = hashlib.sha256(f"{character.id}|{character.description}".encode()).digest()
    hits = [
        (pos, kind) for kind, words in _KINDS.items() if (pos := _earliest(text, words)) is not None
    ]
    kind = min(hits)[1] if hits else "person"
    description = character.description.lower()
    spots = [
        (m.start(), word) for word in COLOUR_WORDS if (m := re.search(rf"\b{word}\b", description))
    ]
    named = [COLOUR_WORDS[word] for _, word in sorted(spots)]
    defaults = _DEFAULT_BODY.get(kind, _COATS)
    body = named[0] if named else COLOUR_WORDS[defaults[digest[0] % len(defaults)]]
    accent = named[1] if len(named) > 1 else COLOUR_WORDS[_COATS[(digest[1] + 4) % len(_COATS)]]
    if accent == body:
        accent = COLOUR_WORDS[_COATS[(digest[1] + 5) % len(_COATS)]]
    return Look(
        kind=kind,
        body=body,
        accent=accent,
        skin=_SKINS[digest[2] % len(_SKINS)],
        hair=_HAIRS[digest[3] % len(_HAIRS)],
        variant=digest[4],
    )
