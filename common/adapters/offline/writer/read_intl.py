"""Reading a prompt in a language other than English: known nouns, keywords, the action."""

from __future__ import annotations

import re

from common.adapters.offline.writer.premise import Figure, Premise, find_setting, first_setting
from common.adapters.offline.writer.tables import kinds, language

_ZH_LEAD = re.compile(r"^(从前|很久很久以前|很久以前|有一天|一天)[，,]?\s*(有)?")
_ZH_MEASURE = re.compile(r"^[一两三几]?(只|个|位|头|条|匹|群|座|台|棵|名|朵|架|峰)")
_ZH_VERB_CHARS = "学想要在去找遇发成和与爱帮寻救飞变是有会能做造画种修住"


def _category(action: str, categories: dict[str, list[str]]) -> str:
    """The first kind of story one of whose keywords the action contains, else "generic"."""
    return next((c for c, keys in categories.items() if any(k in action for k in keys)), "generic")


def _zh_kinds(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every known noun, leftmost first, longest first at a position."""
    zh = language("zh")
    nouns = {noun: key for key, noun in zh.nouns.items()} | zh.words
    hits = [
        (m.start(), m.start() + len(n), key)
        for n, key in nouns.items()
        for m in re.finditer(re.escape(n), text)
    ]
    return sorted(hits, key=lambda h: (h[0], -h[1]))


def analyse_zh(text: str) -> Premise:
    """Who, what happens and where, from a Chinese prompt (already cleaned)."""
    zh = language("zh")
    body = re.split(r"[。！？!?]", text, maxsplit=1)[0].strip() or text
    body = _ZH_LEAD.sub("", body)
    measure_match = _ZH_MEASURE.match(body)
    measure = measure_match.group(1) if measure_match else ""
    body = body[measure_match.end() :] if measure_match else body
    hits = _zh_kinds(body)
    kind, noun, action = "", body[:8], ""
    if hits and hits[0][0] <= 6:
        start, end, kind = hits[0]
        noun, action = body[:end], body[end:]
    else:
        at = next((i for i, ch in enumerate(body) if i > 0 and ch in _ZH_VERB_CHARS), 0)
        if at:
            noun, action = body[:at][:8], body[at:]
    action = action.lstrip("，,、 它他她的").rstrip("，,。.！!")
    if len(action) > 18:
        action = re.split(r"[，,]", action)[0]
        action = action if len(action) <= 18 else ""
    other = None
    for start, end, other_kind in _zh_kinds(action):
        if other_kind != kind or start > 0:
            lead = action[max(0, start - 3) : start] if action[start - 1 : start] == "的" else ""
            other = Figure(other_kind, lead + action[start:end], measure=zh.measures[other_kind])
            break
    category = _category(action, zh.extra["reader"]["categories"])
    setting = first_setting(text, zh.places)
    hero = Figure(kind, noun, measure=measure or (zh.measures[kind] if kind else "个"))
    return Premise(
        language="zh", text=text, hero=hero, other=other, category=category, action=action,
        setting=setting or find_setting([], hero, other),
        landmark=_landmark(text, zh.extra["reader"]["landmarks"]),
    )  # fmt: skip


def _landmark(text: str, landmarks: dict[str, str]) -> str:
    """The English landmark of the first entry of `landmarks` whose word the text contains."""
    return next((english for word, english in landmarks.items() if word in text), "")


_AR_DIACRITICS = re.compile(r"[\u064B-\u0652\u0670\u0640]")


def _ar_bare(token: str) -> str:
    """A token without diacritics, attached conjunction/preposition, article or tanween alif."""
    word = _AR_DIACRITICS.sub("", token).strip("،,.!؟?؛:")
    if len(word) > 4 and word[0] in "وبل" and word[1:3] == "ال":
        word = word[1:]
    if len(word) > 3 and word.startswith("ال"):
        word = word[2:]
    if len(word) > 3 and word.endswith("ا") and not word.endswith("يا"):
        word = word[:-1]
    return word


def _ar_kind(token: str) -> str:
    ar = language("ar")
    nouns = dict(ar.words)
    for key, noun in ar.nouns.items():
        nouns.setdefault(noun.split()[0], key)
    return nouns.get(_ar_bare(token), "")


def analyse_ar(text: str) -> Premise:
    """Who, what happens and where, from an Arabic prompt (already cleaned)."""
    ar = language("ar")
    body = re.split(r"[.!؟?]", text, maxsplit=1)[0].strip() or text
    words = [w for w in (w.strip("،,.!؟?؛:") for w in body.split()) if w]
    plain = [_AR_DIACRITICS.sub("", w) for w in words]  # for matching; `words` for saying
    # Present-tense verbs start with ي, ت or ن: the first such word after the subject.
    verb = next(
        (i for i, t in enumerate(plain) if i and len(t) >= 4 and t[0] in "يتن" and t[:2] != "ال"),
        None,
    )
    subject = plain[: verb if verb is not None else min(2, len(plain))][:3]
    noun = " ".join(_ar_bare(t) if t.startswith("ال") else t for t in subject)
    kind = next((k for k in (_ar_kind(t) for t in subject) if k), "")
    feminine = kind in ar.feminine if kind and _ar_bare(subject[0]) in ar.noun(kind) else None
    if feminine is None:
        feminine = _ar_bare(subject[0]).endswith("ة") if subject else False
    end = min(len(words), verb + 7) if verb is not None else 0
    other = None
    for i in range(verb + 1 if verb is not None else end, end):
        other_kind = _ar_kind(plain[i])
        if other_kind:
            other_noun = _ar_bare(plain[i])
            following = plain[i + 1] if i + 1 < end else ""
            links = ar.extra["links"]
            if len(following) >= 3 and following[0] not in "يتن" and following not in links:
                other_noun += " " + _ar_bare(following)  # "حوتاً وحيداً" -> "حوت وحيد"
            other = Figure(other_kind, other_noun, feminine=other_kind in ar.feminine)
            break
    action = " ".join(words[verb:end]) if verb is not None else ""
    category = _category(action, ar.extra["reader"]["categories"])
    setting = first_setting(" ".join(_ar_bare(t) for t in plain) + " " + body, ar.places)
    hero = Figure(kind, noun, feminine=feminine)
    return Premise(
        language="ar", text=text, hero=hero, other=other, category=category, action=action,
        setting=setting or find_setting([], hero, other),
        landmark=_landmark(text, ar.extra["reader"]["landmarks"]),
    )  # fmt: skip


def analyse_any(text: str, code: str) -> Premise:
    """Who, what happens and where, from a prompt in a language read by its tables alone
    (data/<code>/language.toml): the known nouns it names, keywords of the kind of story and
    the place, and (where the language says the action follows its subject) the action."""
    words = language(code)
    lower = text.lower()
    articles = tuple(a + " " for a in words.extra.get("articles", ()))
    nouns = dict(words.words)
    for kind, noun in words.nouns.items():
        bare = noun.lower()
        for article in articles:
            bare = bare.removeprefix(article)
        nouns.setdefault(bare, kind)
    spaced = words.extra.get("spaced", True)
    hits = sorted(
        (m.start(), -len(noun), kind)
        for noun, kind in nouns.items()
        for m in re.finditer((r"(?<!\w)" if spaced else "") + re.escape(noun), lower)
    )
    kind = hits[0][2] if hits else ""
    other_kind = next((k for _, _, k in hits if k != kind), "")
    action = ""
    if hits and words.extra["reader"].get("action_follows_subject"):
        start, length = hits[0][0], -hits[0][1]
        action = re.split(r"[.!?;:\n]", text[start + length :])[0].strip(" ,")
        action = action if 3 <= len(action) <= 60 and action[0].isalpha() else ""
    reader = words.extra["reader"]

    def figure(k: str) -> Figure:
        gender = kinds()[k].gender if k else ""
        return Figure(k, "", feminine={"f": True, "m": False}.get(gender))

    hero = figure(kind or "dreamer")
    other = figure(other_kind) if other_kind else None
    return Premise(
        language=code, text=text, hero=hero, other=other,
        category=_category(lower, reader["categories"]), action=action,
        setting=first_setting(lower, words.places) or find_setting([], hero, other),
        landmark=_landmark(lower, reader.get("landmarks", {})),
    )  # fmt: skip
