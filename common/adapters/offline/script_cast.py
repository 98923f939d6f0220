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

from common.adapters.offline.script_kinds import HELPERS, KINDS, NAMES
from common.adapters.offline.script_premise import Figure, Premise
from common.adapters.offline.script_settings import Setting
from common.adapters.offline.script_words import FEELINGS, gerund, third_person, verb_form

T = TypeVar("T")

_EN_NOUN = {"keeper": "lighthouse keeper", "gull": "seagull"}
_UNKNOWN_NOUN = {"en": "dreamer", "zh": "小家伙", "ar": "مخلوق صغير"}
_PRONOUNS = {
    "m": ("he", "him", "his", "himself"),
    "f": ("she", "her", "her", "herself"),
    "n": ("it", "it", "its", "itself"),
}
_FEATURES = {
    "fur": ("a white star-shaped patch on the chest", "a notch in the left ear",
            "bright amber eyes", "one white front paw", "a tiny knitted red scarf"),
    "feathers": ("a crooked tuft of feathers on the head", "one bright blue wing feather",
                 "a tiny brass ring on one leg", "keen golden eyes"),
    "scales": ("a row of glittering spines along the back", "bright golden eyes",
               "a shimmer of gold along every edge", "a small nick in the tail"),
    "smooth": ("a pale crescent-shaped scar on the left flank", "a small white spot above one eye",
               "a faint pattern of silver freckles", "bright, curious eyes"),
    "metal": ("one big round cyan eye lens", "a dented antenna with a blinking red light",
              "a patched copper panel on the chest", "little caterpillar treads instead of feet"),
    "cloth": ("a long red scarf", "a battered leather satchel", "a knitted green hat"),
}  # fmt: skip
_BUILDS = {
    "child": ("small, freckled", "skinny, bright-eyed", "small, round-cheeked"),
    "adult": ("tall, weathered", "short, sturdy", "slight, wiry", "broad-shouldered",
              "round-faced, cheerful"),
    "elder": ("stooped but sprightly", "tall, weathered", "small, wrinkled"),
}  # fmt: skip
_AGES = {
    "child": ("of about eight", "of about ten"),
    "adult": ("in {his} twenties", "in {his} thirties", "in {his} forties"),
    "elder": ("in {his} sixties", "in {his} seventies"),
}
_HAIR = {
    ("child", "m"): ("a messy mop of brown hair", "a spiky dark fringe", "curly red hair"),
    ("child", "f"): ("two black pigtails", "curly red hair", "a short blond bob"),
    ("adult", "m"): ("a short grey beard", "close-cropped black hair", "a shaggy brown beard",
                     "a silver ponytail"),
    ("adult", "f"): ("curly red hair", "a long black braid", "wild auburn hair",
                     "short dark curls"),
    ("elder", "m"): ("a short grey beard", "a bushy white moustache", "a wispy white beard"),
    ("elder", "f"): ("silver hair in a neat bun", "short grey curls", "a long white braid"),
}  # fmt: skip
_ACCESSORIES = ("round brass-rimmed glasses", "a long red scarf", "a battered leather satchel",
                "a silver pocket watch on a chain", "a knitted green hat")  # fmt: skip
_UNKNOWN_COLOURS = ("sky-blue", "mossy green", "warm ochre", "rose-pink", "silvery")
_HELPER_MOODS = ("wise old", "kindly", "cheerful", "curious")
TIMES = ("one bright morning", "one quiet evening")


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
    premise: Premise, language: str, setting: Setting, picker: Picker, helper: bool
) -> list[Member]:
    """Hero, the second character the prompt names, and optionally a helper from the setting."""
    figures: list[tuple[str, Figure]] = [("hero", premise.hero)]
    if premise.other is not None:
        figures.append(("other", premise.other))
    if helper:
        taken = {f.kind for _, f in figures}
        options = [k for k in HELPERS[setting.key] if k not in taken]
        if language == "ar":  # Arabic lines speak of the helper in the masculine
            options = [k for k in options if not KINDS[k].ar_fem] or options
        if options:
            kind = options[0]
            figures.append(("helper", Figure(kind, "")))
    members: list[Member] = []
    used: set[str] = set()
    for index, (slot, figure) in enumerate(figures, start=1):
        member = _member(f"c{index}", slot, figure, premise, language, picker, used)
        used.add(member.name)
        members.append(member)
    return members


def _member(
    cid: str, slot: str, figure: Figure, premise: Premise, language: str, picker: Picker,
    used: set[str],
) -> Member:  # fmt: skip
    kind = KINDS.get(figure.kind)
    group = kind.group if kind else "animal"
    from_prompt = premise.language == language and bool(figure.noun)
    if from_prompt:
        noun = figure.noun
    elif kind is not None:
        nouns = {"en": _EN_NOUN.get(figure.kind, figure.kind), "zh": kind.zh, "ar": kind.ar}
        noun = nouns[language]
    else:
        noun = _UNKNOWN_NOUN[language]
    if slot == "helper" and language == "en":
        noun = f"{picker.pick('helper-mood', _HELPER_MOODS)} {noun}"
    if premise.language == "en" and figure.noun:
        noun_en = " ".join(w for w in figure.noun.split() if w not in FEELINGS) or figure.noun
    else:
        noun_en = _EN_NOUN.get(figure.kind, figure.kind) if kind else figure.noun or "dreamer"
    gender = _gender(slot, figure, group, language, from_prompt, picker)
    name = figure.name or _name(slot, group, gender, language, picker, used)
    measure = figure.measure or (kind.zh_measure if kind else "个")
    description = _describe(figure, noun_en, gender, picker, slot)
    return Member(cid, slot, name, figure.kind, group, gender, noun, noun_en, measure, description)


def _gender(
    slot: str, figure: Figure, group: str, language: str, from_prompt: bool, picker: Picker
) -> str:
    k = KINDS.get(figure.kind)
    if language == "ar":  # Arabic verbs agree with the noun the narration uses
        if from_prompt and figure.feminine is not None:
            return "f" if figure.feminine else "m"
        return "f" if k is not None and k.ar_fem else "m"
    if group == "robot":
        return "n"
    if k is not None and k.gender:
        return k.gender
    if figure.feminine is not None and figure.kind:
        return "f" if figure.feminine else "m"
    return picker.pick(f"gender:{slot}", ("m", "f"))


def _name(
    slot: str, group: str, gender: str, language: str, picker: Picker, used: set[str]
) -> str:  # fmt: skip
    bucket = ("f" if gender == "f" else "m") if group == "person" else group
    for name in picker.order(f"name:{slot}", NAMES[language][bucket]):
        if name not in used:
            return name
    return picker.pick(f"name:{slot}", NAMES[language][bucket]) + "2"


def _describe(figure: Figure, noun_en: str, gender: str, picker: Picker, slot: str) -> str:
    """A fixed visual description that every image prompt repeats word for word."""
    kind = KINDS.get(figure.kind)
    his = _PRONOUNS["m" if gender == "n" else gender][2]
    key = f"look:{slot}"
    if kind is not None and kind.group == "person":
        age = "elder" if {"old", "elderly"} & set(figure.sizes) else kind.age
        age = "adult" if "young" in figure.sizes and age == "elder" else age
        build = picker.pick(key + ":build", _BUILDS[age])
        years = picker.pick(key + ":age", _AGES[age]).format(his=his)
        hair = picker.pick(key + ":hair", _HAIR[(age, "f" if gender == "f" else "m")])
        extra = picker.pick(key + ":extra", _ACCESSORIES)
        text = (
            f"{with_article(build)} {noun_en} {years}, with {hair}, wearing {kind.look} and {extra}"
        )
    elif kind is not None:
        size = " ".join(figure.sizes) or kind.size
        colour = " ".join(figure.colours) or kind.colour
        body = " ".join(p for p in (size, colour, kind.look) if p)
        feature = picker.pick(key + ":feature", _FEATURES[kind.skin])
        joiner = ", and" if " and " in kind.look else " and" if " with " in kind.look else " with"
        text = f"{with_article(body)}{joiner} {feature}"
    else:
        size = " ".join(figure.sizes) or "small"
        colour = " ".join(figure.colours) or picker.pick(key + ":colour", _UNKNOWN_COLOURS)
        feature = picker.pick(key + ":feature", _FEATURES["cloth"])
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
    ctx.update(zip(("he", "him", "his", "himself"), _PRONOUNS[hero.gender], strict=True))
    landmark = f"the {premise.landmark}" if premise.landmark else setting.landmark
    intro = picker.pick("intro", setting.intro)
    action_words = set(premise.action.lower().split()) if premise.language == "en" else set()
    if action_words & set(setting.words):  # "explores the forest": don't say "in a forest" too
        intro = picker.pick("intro-time", TIMES)
    ctx.update(
        setting_in=intro, landmark=landmark, near=f"near {landmark}",
        far=setting.far, trouble=picker.pick("trouble", setting.trouble),
        dawn=picker.pick("dawn", setting.dawn), secret=setting.secret,
    )  # fmt: skip
    for member in cast[1:]:
        if member.slot == "other":
            o_he, o_him, o_his, _ = _PRONOUNS[member.gender]
            kind = KINDS.get(member.kind)
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
    ctx = {"P": hero.name, "subj": hero.noun, "q": hero.measure, "place": setting.zh_place,
           "trouble": setting.zh_trouble, "secret": setting.zh_secret}  # fmt: skip
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
    ctx = {"P": hero.name, "subj": hero.noun, "place": setting.ar_place,
           "trouble": setting.ar_trouble}  # fmt: skip
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
