"""The offline writer's tables: kinds of characters, places, looks and each language's words.

They are data (writer/data/*.toml, shipped in the package), read once, when a story first needs
them: importing the writer reads nothing. Each language has a folder (data/<code>/) with its
nouns for the kinds, names, its words for each place, its story lines and what its prompt reader
looks for; what pictures show stays English (image models read English best), in kinds/,
settings.toml and visuals.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from common.adapters.offline.data_files import load_toml

Tone = str  # "warm", "cool" or "dramatic"


def load(name: str) -> dict[str, Any]:
    """One data file of the writer, e.g. "settings.toml" or "zh/lines.toml"."""
    return load_toml(__name__.rpartition(".")[0], name)


@dataclass(frozen=True)
class Kind:
    """A kind of character: how it is drawn and where it lives (English, for pictures)."""

    group: str  # person, animal, creature or robot
    setting: str  # where such a character usually lives (a key of settings())
    look: str  # persons: their clothes; others: body, without article, size or colour
    size: str = ""
    colour: str = ""
    skin: str = "fur"  # fur, feathers, scales, smooth, metal or cloth: picks a distinctive feature
    gender: str = ""  # "m" or "f" when the noun says so
    age: str = "adult"  # persons only: child, adult or elder
    arrive: str = ""  # how it turns up in a scene


@cache
def kinds() -> dict[str, Kind]:
    """Every kind the writer knows, by key, in the order of the data files."""
    out: dict[str, Kind] = {}
    for name, group in (("people", "person"), ("animals", "animal"), ("creatures", "")):
        for key, fields in load(f"kinds/{name}.toml").items():
            if group == "person":
                fields = {"skin": "cloth", "arrive": "comes walking by", **fields}
            out[key] = Kind(group=fields.pop("group", group), **fields)
    return out


@dataclass(frozen=True)
class Setting:
    """One kind of place, with what the English story says and every picture shows of it."""

    key: str
    words: tuple[str, ...]  # English words that point here
    intro: tuple[str, ...]  # "on a windswept coast"
    landmark: str  # used when the prompt names none
    far: str
    trouble: tuple[str, ...]  # "a storm rolls in from the sea"
    dawn: tuple[str, ...]
    secret: str  # something a friend can show
    senses: tuple[str, ...]  # short sentences of sound, smell and weather
    places: tuple[str, ...]  # hook, development, turn, resolution ({landmark} allowed)
    palettes: dict[Tone, tuple[str, ...]]
    lighting: dict[Tone, str]


@dataclass(frozen=True)
class World:
    """The places, the landmarks a prompt can name, the tone of each kind of story, helpers."""

    settings: dict[str, Setting]
    landmarks: tuple[str, ...]
    category_tone: dict[str, Tone]
    helpers: dict[str, tuple[str, ...]]  # setting -> kinds that can turn up there, best first


@cache
def world() -> World:
    data = load("settings.toml")
    settings = {}
    for key, s in data["settings"].items():
        settings[key] = Setting(
            key=key, landmark=s["landmark"], far=s["far"], secret=s["secret"],
            palettes={tone: tuple(p) for tone, p in s["palettes"].items()},
            lighting=dict(s["lighting"]),
            **{k: tuple(s[k]) for k in ("words", "intro", "trouble", "dawn", "senses", "places")},
        )  # fmt: skip
    return World(
        settings=settings,
        landmarks=tuple(data["landmarks"]),
        category_tone=dict(data["category_tone"]),
        helpers={k: tuple(v) for k, v in data["helpers"].items()},
    )


def settings() -> dict[str, Setting]:
    """Every place, by key, in the order of the data file."""
    return world().settings


@cache
def visuals() -> dict[str, Any]:
    """What image prompts describe: features, builds, ages, hair, shots, camera moves, moods."""
    return load("visuals.toml")


@dataclass(frozen=True)
class PlaceWords:
    """A place in one language other than English."""

    words: tuple[str, ...]  # words in a prompt that point here
    place: str  # 海边 (used as 在{place}), قرب البحر
    trouble: str
    senses: tuple[str, ...]
    secret: str = ""


@dataclass(frozen=True)
class Language:
    """One language's words: nouns of the kinds, names, places, and what its reader looks for."""

    code: str
    unknown_noun: str  # the hero's noun when the prompt names no kind the writer knows
    turn_text: str  # on-screen words of the turn and of the last scene
    end_text: str
    names: dict[str, tuple[str, ...]]  # f, m (persons), animal, creature, robot
    nouns: dict[str, str]  # kind -> noun; English falls back to the kind's key
    measures: dict[str, str] = field(default_factory=dict)  # Chinese measure words
    feminine: frozenset[str] = frozenset()  # kinds whose noun is feminine (Arabic)
    words: dict[str, str] = field(default_factory=dict)  # other nouns -> kind
    places: dict[str, PlaceWords] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # what only this language's code reads

    def noun(self, kind: str) -> str:
        return self.nouns.get(kind, kind)


def _place_words(raw: dict[str, Any]) -> PlaceWords:
    return PlaceWords(
        words=tuple(raw["words"]), place=raw["place"], trouble=raw["trouble"],
        senses=tuple(raw["senses"]), secret=raw.get("secret", ""),
    )  # fmt: skip


@cache
def writer_languages() -> tuple[str, ...]:
    """The languages the writer tells stories in: those with a data/<code>/language.toml."""
    data = files(__name__.rpartition(".")[0]) / "data"
    return tuple(sorted(p.name for p in data.iterdir() if (p / "language.toml").is_file()))


@cache
def language(code: str) -> Language:
    """The tables of language `code` (data/<code>/language.toml)."""
    data = load(f"{code}/language.toml")
    nouns: dict[str, str] = {}
    measures: dict[str, str] = {}
    for kind, noun in data.pop("nouns").items():
        if isinstance(noun, list):  # [noun, measure word]
            nouns[kind], measures[kind] = noun
        else:
            nouns[kind] = noun
    places = {key: _place_words(p) for key, p in data.pop("settings", {}).items()}
    return Language(
        code=code,
        unknown_noun=data.pop("unknown_noun"),
        turn_text=data.pop("turn_text"),
        end_text=data.pop("end_text"),
        names={group: tuple(v) for group, v in data.pop("names").items()},
        nouns=nouns,
        measures=measures,
        feminine=frozenset(data.pop("feminine", ())),
        words=dict(data.pop("words", {})),
        places=places,
        extra=data,
    )


def singular(word: str) -> str:
    """The kind key a lower-case English word names, or the word itself (best effort)."""
    known, aliases = kinds(), lexicon_aliases()
    if word in known:
        return word
    if word in aliases:
        return aliases[word]
    for suffix, repl in (("ies", "y"), ("ves", "f"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            if stem in known or stem in aliases:
                return aliases.get(stem, stem)
    return word


@cache
def lexicon() -> dict[str, Any]:
    """The English words prompts are read with (data/en/lexicon.toml)."""
    return load("en/lexicon.toml")


def lexicon_aliases() -> dict[str, str]:
    """Other English spellings and words for kinds: "bunny" -> "rabbit"."""
    aliases: dict[str, str] = lexicon()["aliases"]
    return aliases
