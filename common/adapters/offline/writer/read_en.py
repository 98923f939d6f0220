"""Reading an English prompt: "[article] noun phrase + verb + rest", by rules and word lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from common.adapters.offline.writer.premise import Figure, Premise, find_setting
from common.adapters.offline.writer.tables import kinds, singular, world
from common.adapters.offline.writer.words import english, third_person, verb_form

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|,")


def _find_verb(lower: list[str]) -> int | None:
    """Index of the word that starts the action (a relative pronoun counts), or None."""
    lex = english()
    for i in range(1, len(lower)):
        word, prev = lower[i], lower[i - 1]
        if word == "," or prev in lex.determiners or prev in lex.adjectives:
            continue
        if word in lex.relatives or word in lex.negations or word == "can":
            return i
        form = verb_form(word)
        if form is None or form[1] == "ing":
            continue
        plural = prev.endswith("s") or prev in lex.pronouns or "and" in lower[:i]
        if form[1] == "base" and not plural:
            continue  # "a fish", "the light": a bare lemma after a singular noun is a noun
        return i
    return None


def _cut(lower: list[str], start: int, limit: int) -> int:
    """End of the clause that starts at `start`: a break word, a comma, or `limit` words."""
    lex = english()
    end = start
    while end < len(lower) and end - start < limit:
        if end > start and (lower[end] in lex.clause_breaks or lower[end] in lex.relatives):
            break
        if lower[end] == ",":
            break
        end += 1
    if end - start >= limit and end < len(lower):  # too long: end at the last "and" if any
        ands = [i for i in range(start + 3, end) if lower[i] == "and"]
        end = ands[-1] if ands else end
    while end > start + 1 and lower[end - 1] in lex.determiners | lex.prepositions | {"and"}:
        end -= 1
    return end


def _noun_phrase(words: list[str], lower: list[str]) -> tuple[Figure | None, str]:
    """A figure from 'a lonely whale' (cut at a preposition) and the phrase as written."""
    lex = english()
    i = 0
    while i < len(lower) and (lower[i] in lex.determiners or lower[i] in lex.particles):
        i += 1
    j = i
    while j < len(lower) and lower[j] not in lex.prepositions and lower[j] not in {"and", ","}:
        j += 1
    if j <= i:
        return None, ""
    body, body_lower = words[i:j][-4:], lower[i:j][-4:]
    name = ""
    first = body_lower[0]
    if body[0][:1].isupper() and singular(first) not in kinds() and first not in lex.adjectives:
        run = 0
        while run < len(body) and body[run][:1].isupper():
            run += 1
        if run == len(body) or body_lower[run] == "the":
            name = " ".join(body[:run])
            body, body_lower = body[run + 1 :], body_lower[run + 1 :]
    if not body:
        return Figure(kind="", noun="", name=name), " ".join(words[:j])
    head = singular(body_lower[-1])
    noun_words = [w.lower() for w in body[:-1]] + [head if head in kinds() else body_lower[-1]]
    noun = " ".join(
        w for w in noun_words if w not in lex.sizes | lex.colours or w == noun_words[-1]
    )
    kind = head if head in kinds() else ""
    sizes = tuple(w for w in body_lower[:-1] if w in lex.sizes)
    colours = tuple(w for w in body_lower[:-1] if w in lex.colours)
    feminine = {"f": True, "m": False}.get(kinds()[kind].gender) if kind else None
    figure = Figure(kind, noun, name, sizes, colours, feminine=feminine)
    return figure, " ".join(words[:j])


def analyse_en(text: str) -> Premise:
    """Who, what happens and where, from an English prompt (already cleaned)."""
    lex = english()
    body = text
    for pattern in lex.framing_prefixes:
        body = re.sub(pattern, "", body, flags=re.IGNORECASE)
    first = re.split(r"[.!?;\n]", body, maxsplit=1)[0].strip() or body
    words = _WORD.findall(first)
    lower = [w.lower() for w in words]
    given_name = ""
    for marker in ("named", "called"):
        if marker in lower[:-1]:
            at = lower.index(marker)
            given_name = words[at + 1].capitalize()
            del words[at : at + 2], lower[at : at + 2]
    verb = _find_verb(lower)
    subject_end = len(lower) if verb is None else verb
    if verb is not None and lower[verb] in lex.relatives:
        verb = verb + 1 if verb + 1 < len(lower) else None

    hero, other, attribute = _subject(words[:subject_end], lower[:subject_end])
    if given_name:
        hero = replace(hero, name=given_name)
    if attribute:
        hero = replace(hero, attribute=attribute)
    said = _predicate(words, lower, verb) if verb is not None else _Predicate()
    if other is None and said.figure is not None:
        other = said.figure
    return Premise(
        language="en", text=text, core=first, hero=hero, other=other, category=said.category,
        action=said.action, skill=said.skill, goal=said.goal, threat=said.threat,
        setting=find_setting(lower, hero, other),
        landmark=next((w for w in lower if w in world().landmarks), ""),
    )  # fmt: skip


def _subject(words: list[str], lower: list[str]) -> tuple[Figure, Figure | None, str]:
    """The hero, a companion ('a girl and her robot', 'a boy with his dog') and an attribute."""
    lex = english()
    other: Figure | None = None
    attribute = ""
    for joiner in ("and", "with"):
        if joiner in lower[1:]:
            at = lower.index(joiner, 1)
            companion, phrase = _noun_phrase(words[at + 1 :], lower[at + 1 :])
            if companion is not None and companion.kind:
                other = companion
            elif joiner == "with" and phrase:
                attribute = "with " + phrase
            words, lower = words[:at], lower[:at]
            break
    hero, _ = _noun_phrase(words, lower) if not set(lower) <= lex.pronouns else (None, "")
    if hero is not None and not hero.kind and len(hero.noun.split()) > 2:
        hero = None  # not a noun phrase the writer can use ("i love pizza")
    if hero is None or (not hero.noun and not hero.name):
        found = next((singular(w) for w in lower if singular(w) in kinds()), "dreamer")
        feminine = {"she": True, "he": False}.get(lower[0]) if lower else None
        hero = Figure(found, found, feminine=feminine)
    elif not hero.noun:
        hero = Figure("dreamer", "dreamer", hero.name)
    return hero, other, attribute


@dataclass(frozen=True)
class _Predicate:
    category: str = "generic"
    action: str = ""
    skill: str = ""
    goal: str = ""
    threat: str = ""
    figure: Figure | None = None


def _predicate(words: list[str], lower: list[str], verb: int) -> _Predicate:
    """What happens, read from the verb on: kind of story, action, skill, goal, threat."""
    lex = english()
    word = lower[verb]
    if word == "can" and verb + 1 < len(lower) and lower[verb + 1] == "not":
        del words[verb + 1], lower[verb + 1]
        word = "cannot"
    if word in lex.negations or word == "can":
        end = _cut(lower, verb + 1, 8)
        skill = " ".join(words[verb + 1 : end])
        modal = lex.negations.get(word, "can")
        if modal == "can't" and skill:
            return _Predicate("learning", f"can't {skill}", skill)
        return _Predicate("generic", f"{modal} {skill}".strip())
    form = verb_form(word)
    lemma = form[0] if form else (word[:-1] if word.endswith("s") else word)
    start = verb + 1
    if lemma == "be" and start < len(lower):
        following = verb_form(lower[start])
        if following and following[1] == "ing":
            lemma, start = following[0], start + 1
    end = _cut(lower, start, 11)
    rest_words, rest_lower = words[start:end], lower[start:end]
    action = " ".join([third_person(lemma) if form else words[verb], *rest_words])
    category = lex.verb_category.get(lemma, "generic")
    if lemma == "be" and rest_lower[:1] and rest_lower[0] in lex.fears:  # "is afraid of the dark"
        return _Predicate("learning", action, "be brave")
    if lemma in lex.wish_verbs and rest_lower[:1] in (["to"], ["how"], ["of"], ["about"]):
        skip = 2 if rest_lower[:2] == ["how", "to"] else 1
        tail_words, tail_lower = rest_words[skip:], rest_lower[skip:]
        base = verb_form(tail_lower[0]) if tail_lower else None
        if tail_words and (rest_lower[0] != "of" or (base and base[1] == "ing")):
            skill = " ".join([base[0] if base else tail_lower[0], *tail_words[1:]])
            return _Predicate("learning", action, skill)
    elif lemma in {"want", "wish", "need", "hope", "dream"}:
        category = "quest"
    threat = ""
    if "from" in rest_lower and category == "rescue":
        at = rest_lower.index("from")
        _, threat = _noun_phrase(rest_words[at + 1 :], rest_lower[at + 1 :])
    figure, phrase = _noun_phrase(rest_words, rest_lower)
    phrase = " ".join(w for w in phrase.split() if w.lower() not in lex.particles) if phrase else ""
    if figure is not None and figure.kind and category == "rescue" and lemma in lex.threat_verbs:
        return _Predicate(category, action, threat=phrase)
    if phrase and phrase.split()[-1].lower() in lex.friends and category in ("quest", "learning"):
        return _Predicate("friendship", action)  # "wants a friend": a friend will come
    determined = any(w in lex.determiners for w in rest_lower[:2])
    if figure is not None and (figure.kind or (category == "friendship" and determined)):
        return _Predicate(category, action, threat=threat, figure=figure)
    if category == "journey" and not (
        rest_lower[:1] in (["to"], ["toward"], ["towards"], ["across"])
        or lemma in lex.destination_verbs
    ):
        phrase = ""
    return _Predicate(category, action, goal=phrase, threat=threat)
