"""How an offline story is framed: title, logline, moods, shots and camera moves."""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence

from common.adapters.offline.writer import tables
from common.adapters.offline.writer.cast import Member, Picker, times
from common.adapters.offline.writer.korean import attach_particles
from common.adapters.offline.writer.premise import Premise
from common.adapters.offline.writer.tables import Setting, visuals
from common.domain.story import Beat, Mood

_SMALL_WORDS = {"a", "an", "the", "and", "but", "or", "of", "to", "in", "on", "at", "for", "with"}
_ZH_LEAD = re.compile(r"^(从前|很久以前|有一天)?[，,]?有?[一两三]?(只|个|位|头|条|匹|群|座)?")


def scene_mood(category: str, beat: Beat, last: bool) -> Mood:
    """Hook calm or mysterious, development by kind of story, turn tense, a bright ending."""
    if beat == "hook":
        return "mysterious" if category in ("quest", "rescue") else "calm"
    moods = visuals()["moods"]
    if beat == "development":
        return typing.cast(Mood, moods["development"][category])
    if beat == "turn":
        return "tense"
    return typing.cast(Mood, moods["ending"][category]) if last else "hopeful"


def shot_and_camera(picker: Picker, beat: Beat, index: int) -> tuple[str, str]:
    """Shot type and camera move of scene `index`; the first scene establishes the place."""
    shots, camera = visuals()["shots"], visuals()["camera"]
    shot = picker.pick(f"shot{index}", shots[beat]) if index else shots["hook"][0]
    return shot, picker.pick(f"camera{index}", camera[beat])


def title(premise: Premise, cast: Sequence[Member], language: str, category: str) -> str:
    """A short title from the prompt: title case in English."""
    hero = cast[0]
    other = next((m for m in cast if m.slot == "other"), None)
    if language == "zh":
        if premise.language != "zh":
            return f"{hero.name}的故事"
        core = _ZH_LEAD.sub("", re.split(r"[，,。！？!?]", premise.text)[0])
        return (core or premise.text)[:20]
    if language == "ar":
        return f"حكاية {hero.noun}" + (f" و{other.noun}" if other is not None else "")
    if language != "en":  # a language its tables describe: "La historia de {P}", "{P} y {O}"
        titles = tables.language(language).extra["titles"]
        if other is not None:
            return attach_particles(str(titles["pair"]).format(P=hero.name, O=other.name))
        return attach_particles(str(titles["solo"]).format(P=hero.name))
    if premise.language != "en":
        return f"The Story of {hero.name}"
    if other is not None:
        lead = premise.hero.name or f"The {title_case(hero.noun)}"
        return f"{lead} and the {title_case(other.noun)}"
    if premise.threat:
        return f"The {title_case(hero.noun)} and the {title_case(premise.threat.split()[-1])}"
    if premise.skill and category == "learning":
        verb = "Couldn't" if premise.action.startswith("can't") else "Learned to"
        return f"The {title_case(hero.noun)} Who {verb} {title_case(premise.skill)}"
    core = premise.core or premise.text
    core = core.lower() if core.isupper() else core  # "A GIRL WHO FLIES" is not a title
    words = re.split(r"[.!?;:,]", core)[0].split()[:10]
    while len(words) > 1 and words[-1].lower() in _SMALL_WORDS:
        words.pop()
    return title_case(" ".join(words)).strip() or f"The Story of {hero.name}"


def short_title(full: str, cast: Sequence[Member], language: str, limit: int = 40) -> str:
    """The title in at most `limit` characters, for the opening scene's on-screen text."""
    if len(full) <= limit:
        return full
    other = next((m for m in cast if m.slot == "other"), None)
    if language == "en" and other is not None:
        heads = title_case(cast[0].noun.split()[-1]), title_case(other.noun.split()[-1])
        short = f"The {heads[0]} and the {heads[1]}"
        if len(short) <= limit:
            return short
    words = full[: limit + 1].split()[:-1] or [full[:limit]]
    while len(words) > 1 and words[-1].lower() in _SMALL_WORDS:
        words.pop()
    return " ".join(words).rstrip(" ,;:")[:limit]


def logline(
    cast: Sequence[Member], language: str, ctx: dict[str, str], setting: Setting
) -> str:  # fmt: skip
    """One sentence saying who and what happens, in the story's language."""
    hero = cast[0]
    action = ctx.get("action")
    if language == "zh":
        if not action:
            return f"{hero.name}的故事。"
        return f"这是一{hero.measure}{hero.noun}{action}的故事。"
    if language == "ar":
        return f"حكاية {hero.noun} {action}." if action else f"حكاية {hero.name}."
    if language != "en":
        loglines = tables.language(language).extra["loglines"]
        return attach_particles(str(loglines["action" if action else "plain"]).format(**ctx))
    what = action or "finds an adventure"
    mentioned = set(what.lower().split()) & set(setting.words)
    where = "" if mentioned or ctx["setting_in"] in times() else f" {ctx['setting_in']}"
    return f"{hero.name}, {ctx['a_role']}, {what}{where}."


def title_case(text: str) -> str:
    """'the keeper and the whale' -> 'The Keeper and the Whale'."""
    return " ".join(
        w if (i and w.lower() in _SMALL_WORDS) else w[:1].upper() + w[1:]
        for i, w in enumerate(text.split())
    )
