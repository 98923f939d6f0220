"""The cast of an offline story: names, fixed looks, and the words that fill the story lines.

Every choice goes through a Picker keyed by what is being chosen, so the same prompt and seed
always give the same names and looks, whatever the duration.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from common.adapters.offline.writer.premise import Figure, Premise
from common.adapters.offline.writer.tables import Setting, kinds, language, visuals, world
from common.adapters.offline.writer.words import english as english_lexicon
from common.adapters.offline.writer.words import gerund, third_person, verb_form

T = TypeVar("T")


def pronouns(gender: str) -> tuple[str, str, str, str]:
    """English he, him, his, himself for "m", "f" or "n" (it)."""
    he, him, his, himself = language("en").extra["pronouns"][gender]
    return he, him, his, himself


def times() -> list[str]:
    """When an English story starts, when its place need not be said: "one bright morning"."""
    said: list[str] = language("en").extra["times"]
    return said


class Picker:
    """Deterministic choices: the same parts and key always choose the same option."""

    def __init__(self, *parts: object) -> None:
        self._base = json.dumps(parts, ensure_ascii=False, default=str)

    def number(self, key: str) -> int:
        """A large number fixed by the parts and the key (sha256: stable across processes)."""
        digest = hashlib.sha256(f"{self._base}|{key}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def pick(self, key: str, options: Sequence[T]) -> T:
        """One of the options, always the same one for the same parts and key."""
        return options[self.number(key) % len(options)]

    def order(self, key: str, options: Sequence[T]) -> list[T]:
        """The options in a deterministic shuffled order."""
        ranked = sorted(range(len(options)), key=lambda i: self.number(f"{key}#{i}"))
        return [options[i] for i in ranked]


@dataclass(frozen=True)
class Member:
    """One character of the story, as the writer uses it."""

    id: str  # c1, c2, c3
    slot: str  # hero, other, helper
    name: str
    kind: str
    group: str
    gender: str  # m, f or n (it)
    noun: str  # in the story's language: "lighthouse keeper", "小猫", "قطة صغيرة"
    noun_en: str  # English noun for pictures and English lines
    measure: str  # Chinese measure word
    description: str


def with_article(phrase: str) -> str:
    """'a lonely whale', 'an old owl' (spelling rule, good enough for story nouns)."""
    first = phrase.split()[0].lower() if phrase.split() else ""
    vowel = first[:1] in tuple("aeio") or (first[:1] == "u" and not first.startswith("uni"))
    return f"{'an' if vowel else 'a'} {phrase}"


def build_cast(
    premise: Premise, code: str, setting: Setting, picker: Picker, helper: bool
) -> list[Member]:
    """Hero, the second character the prompt names, and optionally a helper from the setting."""
    figures: list[tuple[str, Figure]] = [("hero", premise.hero)]
    if premise.other is not None:
        figures.append(("other", premise.other))
    if helper:
        taken = {f.kind for _, f in figures}
        options = [k for k in world().helpers[setting.key] if k not in taken]
        if code == "ar":  # Arabic lines speak of the helper in the masculine
            options = [k for k in options if k not in language("ar").feminine] or options
        if options:
            kind = options[0]
            figures.append(("helper", Figure(kind, "")))
    members: list[Member] = []
    used: set[str] = set()
    for index, (slot, figure) in enumerate(figures, start=1):
        member = _member(f"c{index}", slot, figure, premise, code, picker, used)
        used.add(member.name)
        members.append(member)
    return members


def _member(
    cid: str, slot: str, figure: Figure, premise: Premise, code: str, picker: Picker,
    used: set[str],
) -> Member:  # fmt: skip
    kind = kinds().get(figure.kind)
    group = kind.group if kind else "animal"
    words, english = language(code), language("en")
    from_prompt = premise.language == code and bool(figure.noun)
    if from_prompt:
        noun = figure.noun
    elif kind is not None:
        noun = words.noun(figure.kind)
    else:
        noun = words.unknown_noun
    if slot == "helper" and code == "en":
        noun = f"{picker.pick('helper-mood', english.extra['helper_moods'])} {noun}"
    if premise.language == "en" and figure.noun:
        feelings = english_lexicon().feelings
        noun_en = " ".join(w for w in figure.noun.split() if w not in feelings) or figure.noun
    else:
        noun_en = english.noun(figure.kind) if kind else figure.noun or "dreamer"
    gender = _gender(slot, figure, group, code, from_prompt, picker)
    name = figure.name or _name(slot, group, gender, code, picker, used)
    measure = figure.measure or language("zh").measures.get(figure.kind, "个")
    description = _describe(figure, noun_en, gender, picker, slot)
    return Member(cid, slot, name, figure.kind, group, gender, noun, noun_en, measure, description)


def _gender(
    slot: str, figure: Figure, group: str, code: str, from_prompt: bool, picker: Picker
) -> str:
    k = kinds().get(figure.kind)
    if code == "ar":  # Arabic verbs agree with the noun the narration uses
        if from_prompt and figure.feminine is not None:
            return "f" if figure.feminine else "m"
        return "f" if k is not None and figure.kind in language("ar").feminine else "m"
    if group == "robot":
        return "n"
    if k is not None and k.gender:
        return k.gender
    if figure.feminine is not None and figure.kind:
        return "f" if figure.feminine else "m"
    return picker.pick(f"gender:{slot}", ("m", "f"))


def _name(
    slot: str, group: str, gender: str, code: str, picker: Picker, used: set[str]
) -> str:  # fmt: skip
    bucket = ("f" if gender == "f" else "m") if group == "person" else group
    names = language(code).names[bucket]
    for name in picker.order(f"name:{slot}", names):
        if name not in used:
            return name
    return picker.pick(f"name:{slot}", names) + "2"


def _describe(figure: Figure, noun_en: str, gender: str, picker: Picker, slot: str) -> str:
    """A fixed visual description that every image prompt repeats word for word."""
    kind = kinds().get(figure.kind)
    his = pronouns("m" if gender == "n" else gender)[2]
    key = f"look:{slot}"
    looks = visuals()
    if kind is not None and kind.group == "person":
        age = "elder" if {"old", "elderly"} & set(figure.sizes) else kind.age
        age = "adult" if "young" in figure.sizes and age == "elder" else age
        build = picker.pick(key + ":build", looks["builds"][age])
        years = picker.pick(key + ":age", looks["ages"][age]).format(his=his)
        hair = picker.pick(key + ":hair", looks["hair"][age]["f" if gender == "f" else "m"])
        extra = picker.pick(key + ":extra", looks["accessories"])
        text = (
            f"{with_article(build)} {noun_en} {years}, with {hair}, wearing {kind.look} and {extra}"
        )
    elif kind is not None:
        size = " ".join(figure.sizes) or kind.size
        colour = " ".join(figure.colours) or kind.colour
        body = " ".join(p for p in (size, colour, kind.look) if p)
        feature = picker.pick(key + ":feature", looks["features"][kind.skin])
        joiner = ", and" if " and " in kind.look else " and" if " with " in kind.look else " with"
        text = f"{with_article(body)}{joiner} {feature}"
    else:
        size = " ".join(figure.sizes) or "small"
        colour = " ".join(figure.colours) or picker.pick(key + ":colour", looks["unknown_colours"])
        feature = picker.pick(key + ":feature", looks["features"]["cloth"])
        body = with_article(f"{size} {colour} {noun_en}")
        text = f"{body} with a friendly face, bright round eyes and {feature}"
    if figure.attribute:
        text += f", {figure.attribute}"
    return text[:600]


def en_context(
    cast: Sequence[Member], premise: Premise, setting: Setting, picker: Picker
) -> dict[str, str]:
    """Words for the English lines and for every visual prompt."""
    hero = cast[0]
    ctx: dict[str, str] = {"P": hero.name, "role": hero.noun, "a_role": with_article(hero.noun)}
    ctx.update(zip(("he", "him", "his", "himself"), pronouns(hero.gender), strict=True))
    landmark = f"the {premise.landmark}" if premise.landmark else setting.landmark
    intro = picker.pick("intro", setting.intro)
    action_words = set(premise.action.lower().split()) if premise.language == "en" else set()
    if action_words & set(setting.words):  # "explores the forest": don't say "in a forest" too
        intro = picker.pick("intro-time", times())
    ctx.update(
        setting_in=intro, landmark=landmark, near=f"near {landmark}",
        far=setting.far, trouble=picker.pick("trouble", setting.trouble),
        dawn=picker.pick("dawn", setting.dawn), secret=setting.secret,
    )  # fmt: skip
    for member in cast[1:]:
        if member.slot == "other":
            o_he, o_him, o_his, _ = pronouns(member.gender)
            kind = kinds().get(member.kind)
            ctx.update(
                O=member.name, o_role=member.noun, a_o=with_article(member.noun),
                o_noun=member.noun_en, o_he=o_he, o_him=o_him, o_his=o_his,
                arrive=kind.arrive if kind and kind.arrive else "appears out of nowhere",
            )  # fmt: skip
            ctx["o_intro"] = (
                f"{o_he} says {o_his} name is {member.name}."
                if member.group == "person"
                else f"{hero.name} names {o_him} {member.name}."
            )
        else:
            ctx.update(H=member.name, h_role=member.noun, a_h=with_article(member.noun))
    if premise.language == "en":
        ctx.update(_premise_words(premise))
    return ctx


def _premise_words(premise: Premise) -> dict[str, str]:
    words: dict[str, str] = {}
    action = premise.action
    if action:
        words["action"] = action
        if action.startswith("can't ") or (premise.skill == "be brave" and action[:3] == "is "):
            words["flaw"] = action  # "can't fly", "is afraid of the dark"
        elif not action.startswith("can "):
            words["story_action"] = action
        head, _, rest = action.partition(" ")
        form = verb_form(head)
        if form is not None and form[0] not in ("be", "have"):
            words["act_ing"] = f"{gerund(form[0])} {rest}".strip()
    if premise.skill:
        head, _, rest = premise.skill.partition(" ")
        words["skill"] = premise.skill
        words["skill_s"] = f"{third_person(head)} {rest}".strip()
    if premise.goal:
        first, _, rest = premise.goal.partition(" ")
        words["goal"] = premise.goal
        indefinite = first.lower() in ("a", "an", "some", "one")
        words["goal_the"] = f"the {rest}" if indefinite and rest else premise.goal
    if premise.threat:
        first, _, rest = premise.threat.partition(" ")
        words["threat"] = premise.threat
        words["threat_the"] = (
            f"the {rest}" if first.lower() in ("a", "an") and rest else premise.threat
        )
    return words


def zh_context(cast: Sequence[Member], premise: Premise, setting: Setting) -> dict[str, str]:
    """Words for the Chinese lines."""
    hero = cast[0]
    place = language("zh").places[setting.key]
    ctx = {"P": hero.name, "subj": hero.noun, "q": hero.measure, "place": place.place,
           "trouble": place.trouble, "secret": place.secret}  # fmt: skip
    if premise.language == "zh" and premise.action:
        ctx["action"] = premise.action
    for member in cast[1:]:
        prefix = "o" if member.slot == "other" else "h"
        ctx.update({prefix.upper(): member.name, f"{prefix}_subj": member.noun,
                    f"{prefix}_q": member.measure})  # fmt: skip
    return ctx


def ar_context(cast: Sequence[Member], premise: Premise, setting: Setting) -> dict[str, str]:
    """Words for the Arabic lines, with verbs agreeing with the second character."""
    hero = cast[0]
    place = language("ar").places[setting.key]
    ctx = {"P": hero.name, "subj": hero.noun, "place": place.place,
           "trouble": place.trouble}  # fmt: skip
    if premise.language == "ar" and premise.action:
        ctx["action"] = premise.action
    for member in cast[1:]:
        if member.slot == "other":
            fem = member.gender == "f"
            both_fem = fem and hero.gender == "f"
            ctx.update(
                O=member.name, o_subj=member.noun, o_returns="تعود" if fem else "يعود",
                o_vanishes="تختفي" if fem else "يختفي",
                friends="تصبحان صديقتين" if both_fem else "يصبحان صديقين",
            )  # fmt: skip
        else:
            ctx.update(H=member.name, h_subj=member.noun)
    return ctx


def any_context(
    cast: Sequence[Member], premise: Premise, setting: Setting, code: str
) -> dict[str, str]:  # fmt: skip
    """Words for the lines of a language its tables alone describe (data/<code>/)."""
    hero = cast[0]
    place = language(code).places[setting.key]
    ctx = {"P": hero.name, "subj": hero.noun, "place": place.place, "trouble": place.trouble,
           "secret": place.secret}  # fmt: skip
    if premise.language == code and premise.action:
        ctx["action"] = premise.action
    for member in cast[1:]:
        prefix = "o" if member.slot == "other" else "h"
        ctx.update({prefix.upper(): member.name, f"{prefix}_subj": member.noun})
    return ctx
