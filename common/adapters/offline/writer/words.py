"""English words the offline writer reads premises with: verbs by kind of story, and their forms.

Simple rules, not a grammar: third person, past and -ing forms are derived from a lemma with the
usual spelling rules plus a short list of exceptions, and read back by generating the forms of
every known lemma.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from common.adapters.offline.writer.tables import lexicon


@dataclass(frozen=True)
class Lexicon:
    """The English word lists of data/en/lexicon.toml, as sets for reading."""

    verb_category: dict[str, str]  # lemma -> kind of story
    wish_verbs: frozenset[str]  # take "to <verb>" (or "of <verb>-ing"): a wish or a skill
    irregular_past: dict[str, str]  # irregular form -> lemma
    doubling: frozenset[str]  # lemmas that double their last consonant: swim -> swimming
    determiners: frozenset[str]
    prepositions: frozenset[str]
    relatives: frozenset[str]
    clause_breaks: frozenset[str]
    negations: dict[str, str]
    sizes: frozenset[str]
    colours: frozenset[str]
    feelings: frozenset[str]
    particles: frozenset[str]
    pronouns: frozenset[str]
    threat_verbs: frozenset[str]
    destination_verbs: frozenset[str]
    fears: frozenset[str]
    friends: frozenset[str]
    framing_prefixes: tuple[str, ...]
    adjectives: frozenset[str]  # sizes, colours and feelings


@cache
def english() -> Lexicon:
    """The English lexicon, read once."""
    data = lexicon()
    verb_category = {
        lemma: category for category, lemmas in data["category_verbs"].items() for lemma in lemmas
    }
    sets = {
        name: frozenset(data[name])
        for name in (
            "wish_verbs", "doubling", "determiners", "prepositions", "relatives",
            "clause_breaks", "sizes", "colours", "feelings", "particles", "pronouns",
            "threat_verbs", "destination_verbs", "fears", "friends",
        )
    }  # fmt: skip
    return Lexicon(
        verb_category=verb_category,
        irregular_past=dict(data["irregular_past"]),
        negations=dict(data["negations"]),
        framing_prefixes=tuple(data["framing_prefixes"]),
        adjectives=sets["sizes"] | sets["colours"] | sets["feelings"],
        **sets,
    )


def third_person(lemma: str) -> str:
    """'fly' -> 'flies', 'watch' -> 'watches', 'be' -> 'is'."""
    special = {"be": "is", "have": "has", "do": "does", "go": "goes"}
    if lemma in special:
        return special[lemma]
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    if lemma.endswith(("s", "x", "z", "ch", "sh", "o")):
        return lemma + "es"
    return lemma + "s"


def gerund(lemma: str) -> str:
    """'fly' -> 'flying', 'bake' -> 'baking', 'swim' -> 'swimming'."""
    if lemma == "be":
        return "being"
    if lemma.endswith("ie"):
        return lemma[:-2] + "ying"
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")) and len(lemma) > 2:
        return lemma[:-1] + "ing"
    if lemma in english().doubling:
        return lemma + lemma[-1] + "ing"
    return lemma + "ing"


def _past(lemma: str) -> str:
    if lemma.endswith("e"):
        return lemma + "d"
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    if lemma in english().doubling:
        return lemma + lemma[-1] + "ed"
    return lemma + "ed"


@cache
def _forms() -> dict[str, tuple[str, str]]:
    """Every known verb form -> (lemma, 'base' | 'third' | 'past' | 'ing')."""
    lex = english()
    forms: dict[str, tuple[str, str]] = {}
    for lemma in lex.verb_category:
        forms.setdefault(_past(lemma), (lemma, "past"))
        forms.setdefault(gerund(lemma), (lemma, "ing"))
        forms.setdefault(third_person(lemma), (lemma, "third"))
    for form, lemma in lex.irregular_past.items():
        forms[form] = (lemma, "third" if form in ("is", "has") else "past")
    for lemma in lex.verb_category:
        forms[lemma] = (lemma, "base")
    return forms


def verb_form(word: str) -> tuple[str, str] | None:
    """(lemma, form) of a known English verb form, or None."""
    return _forms().get(word.lower())
