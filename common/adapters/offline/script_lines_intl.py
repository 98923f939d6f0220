"""Chinese and Arabic story lines for the offline writer: fewer than the English ones, kept simple.

Two arcs per language: "solo" (the hero alone, trying and succeeding) and "pair" (the hero and a
second character becoming friends). Arabic wordings that agree with the hero's gender are written
"masculine||feminine"; verbs whose subject is the second character come in as placeholders.
Visuals stay in English: image models read English best.

Chinese: {P} {subj} {q} {action} {O} {o_subj} {o_q} {H} {h_subj} {h_q} {place} {trouble} {secret}.
Arabic: {P} {subj} {action} {O} {o_subj} {H} {place} {trouble} {friends} {o_returns} {o_vanishes}.
"""

from __future__ import annotations

from common.adapters.offline.script_lines import L, Line

Arcs = dict[str, dict[str, list[Line]]]

_ZH_HOOK = [
    L("在{place}，住着一{q}{subj}，名叫{P}。", "{P}是一{q}{subj}，住在{place}。",
      v="{P} in a quiet moment at {landmark}", e=True),
    L("这是一{q}{subj}{action}的故事。", "{P}有一个小小的梦想。"),
]  # fmt: skip

ZH_ARCS: Arcs = {
    "solo": {
        "hook": _ZH_HOOK,
        "development": [
            L("一开始，{P}总是失败。", "一开始，事情并不顺利。",
              v="{P} tumbling after a failed first attempt", e=True),
            L("可是{P}从不放弃，每天都在努力。", "可是{P}从不放弃。",
              v="{P} practising with fierce concentration", e=True),
            L("有一天，一{h_q}名叫{H}的{h_subj}来帮助{P}。", v="{H} showing {P} how it is done"),
            L("慢慢地，{P}越来越好了。", v="{P} trying again, a little more confident"),
            L("有时候{P}也想放弃，但还是坚持了下来。", v="{P} resting, tired but determined"),
            L("{P}一点一点地进步。", v="{P} nearly succeeding"),
        ],
        "turn": [
            L("突然，{trouble}！", v="{P} facing the moment of truth as {trouble}", e=True),
            L("{P}有些害怕，但是没有退缩。", "{P}有些害怕。", v="close on {P}, heart pounding"),
        ],
        "resolution": [
            L("终于，{P}{action}！", "终于，{P}成功了！", v="{P} triumphant at last", e=True),
            L("{P}开心地笑了。新的冒险才刚刚开始。", "{P}开心地笑了。",
              v="{P} proud and happy at {landmark}", e=True),
        ],
        "short": [
            L("{P}每天练习，终于{action}！", "经过很多次努力，{P}终于成功了！",
              v="{P} triumphant at last", e=True),
        ],
    },
    "pair": {
        "hook": _ZH_HOOK,
        "development": [
            L("有一天，{P}遇见了一{o_q}{o_subj}，名叫{O}。", "有一天，{P}遇见了{O}。",
              v="{O} {arrive} {near} as {P} watches in wonder", e=True),
            L("一开始，{O}有点害羞，可是{P}很有耐心。", "一开始，{O}有点害羞。",
              v="{O} hesitating at a distance while {P} waits patiently", e=True),
            L("他们很快成了好朋友。", v="{P} and {O} laughing together {near}"),
            L("{O}带着{P}去看{secret}。", v="{O} leading {P} to {secret}"),
            L("每天，{P}和{O}都在一起。", v="{P} and {O} side by side {near}"),
        ],
        "turn": [
            L("突然，{trouble}，{O}不见了！", "突然，{trouble}！",
              v="{P} alone and afraid as {trouble}", e=True),
            L("{P}到处寻找{O}。", v="{P} calling out into the dark"),
        ],
        "resolution": [
            L("第二天早上，{O}回来了！", "{O}回来了！",
              v="{O} returning to {P}, both overjoyed", e=True, after_turn=True),
            L("从那以后，{P}再也不孤单了。", "{P}再也不孤单了。",
              v="{P} and {O} together at {landmark}, at peace", e=True),
        ],
        "short": [
            L("{P}和{o_subj}{O}成了最好的朋友，再也不孤单了。", "{P}和{O}成了最好的朋友。",
              v="{P} and {O} together at {landmark}, at peace", e=True),
        ],
    },
}  # fmt: skip

_AR_HOOK = [
    L("هذا {P}، {subj} يعيش {place}.||هذه {P}، {subj} تعيش {place}.",
      "{P}، {subj} {place}.", v="{P} in a quiet moment at {landmark}", e=True),
    L("هذه حكاية {subj} {action}.", "لدى {P} حلم كبير."),
]  # fmt: skip

AR_ARCS: Arcs = {
    "solo": {
        "hook": _AR_HOOK,
        "development": [
            L("في البداية، يحاول {P} ويفشل.||في البداية، تحاول {P} وتفشل.",
              v="{P} tumbling after a failed first attempt", e=True),
            L("لكنه لا يستسلم أبداً.||لكنها لا تستسلم أبداً.",
              v="{P} practising with fierce concentration", e=True),
            L("ثم يأتي {H} لمساعدته.||ثم يأتي {H} لمساعدتها.", v="{H} showing {P} how it is done"),
            L("يتدرب {P} كل يوم بصبر.||تتدرب {P} كل يوم بصبر.",
              v="{P} trying again, a little more confident"),
            L("شيئاً فشيئاً، يصبح {P} أفضل.||شيئاً فشيئاً، تصبح {P} أفضل.",
              v="{P} nearly succeeding"),
        ],
        "turn": [
            L("لكن فجأة، {trouble}.", v="{P} facing the moment of truth as {trouble}", e=True),
            L("يشعر {P} بالخوف، لكنه لا يتراجع.||تشعر {P} بالخوف، لكنها لا تتراجع.",
              "يشعر {P} بالخوف.||تشعر {P} بالخوف.", v="close on {P}, heart pounding"),
        ],
        "resolution": [
            L("وأخيراً، ينجح {P}!||وأخيراً، تنجح {P}!", v="{P} triumphant at last", e=True),
            L("ويبتسم {P} للسماء. إنها بداية مغامرة جديدة."
              "||وتبتسم {P} للسماء. إنها بداية مغامرة جديدة.",
              "ويبتسم {P} للسماء.||وتبتسم {P} للسماء.",
              v="{P} proud and happy at {landmark}", e=True),
        ],
        "short": [
            L("يتدرب {P} كل يوم، وأخيراً ينجح!||تتدرب {P} كل يوم، وأخيراً تنجح!",
              v="{P} triumphant at last", e=True),
        ],
    },
    "pair": {
        "hook": _AR_HOOK,
        "development": [
            L("ذات يوم، يتعرف {P} إلى {O}، {o_subj}.||ذات يوم، تتعرف {P} إلى {O}، {o_subj}.",
              v="{O} {arrive} {near} as {P} watches in wonder", e=True),
            L("{friends} بسرعة.", v="{P} and {O} laughing together {near}", e=True),
            L("كل يوم، يلتقي {P} و{O} من جديد.||كل يوم، تلتقي {P} و{O} من جديد.",
              v="{P} and {O} side by side {near}"),
        ],
        "turn": [
            L("لكن فجأة، {trouble}، و{o_vanishes} {O}!", "لكن فجأة، {trouble}.",
              v="{P} alone and afraid as {trouble}", e=True),
            L("يبحث {P} عن {O} في كل مكان.||تبحث {P} عن {O} في كل مكان.",
              v="{P} calling out into the dark"),
        ],
        "resolution": [
            L("في الصباح، {o_returns} {O}!", v="{O} returning to {P}, both overjoyed", e=True,
              after_turn=True),
            L("ومنذ ذلك اليوم، لم يعد {P} وحيداً.||ومنذ ذلك اليوم، لم تعد {P} وحيدة.",
              v="{P} and {O} together at {landmark}, at peace", e=True),
        ],
        "short": [
            L("يتعرف {P} إلى {O}، و{friends}.||تتعرف {P} إلى {O}، و{friends}.",
              v="{P} and {O} together at {landmark}, at peace", e=True),
        ],
    },
}  # fmt: skip

# Lines for long stories whose beats need more scenes than the arc has lines.
ZH_SPARE: dict[str, list[Line]] = {
    "hook": [L("{P}常常望着远方发呆。", v="{P} gazing into the distance")],
    "development": [
        L("日子一天天过去，{P}一直没有忘记自己的梦想。", v="{P} lost in thought"),
        L("{P}又试了一次。", v="{P} trying again"),
        L("每一天都有新的发现。", v="{P} marvelling at something new"),
        L("{P}看着天空，想了很久很久。", v="{P} gazing at the sky"),
        L("{P}学到了很多新东西。", v="{P} learning something new"),
        L("每天晚上，{P}都梦见自己成功了。", v="{P} asleep and dreaming"),
        L("{P}对自己说：再试一次！", v="{P} getting ready to try again"),
        L("风吹过来，{P}觉得离梦想更近了。", v="{P} in the wind, hopeful"),
    ],
    "turn": [L("{P}咬紧牙关，一步也不后退。", v="close on {P}, determined"),
             L("风雨中，{P}想起了自己的梦想。", v="{P} in the storm, remembering")],
    "resolution": [L("大家都为{P}感到骄傲。", v="everyone cheering for {P}"),
                   L("从此以后，{P}每天都很快乐。", v="{P} happy at {landmark}")],
}  # fmt: skip
AR_SPARE: dict[str, list[Line]] = {
    "hook": [L("الحياة هنا هادئة وبسيطة.", v="{P} at {landmark}")],
    "development": [
        L("تمر الأيام، ولا ينسى {P} حلمه.||تمر الأيام، ولا تنسى {P} حلمها.",
          v="{P} lost in thought"),
        L("يحاول {P} مرة أخرى.||تحاول {P} مرة أخرى.", v="{P} trying again"),
        L("كل يوم يحمل شيئاً جديداً.", v="{P} marvelling at something new"),
        L("يفكر {P} في حلمه كل ليلة.||تفكر {P} في حلمها كل ليلة.", v="{P} asleep and dreaming"),
        L("يتعلم {P} شيئاً جديداً كل يوم.||تتعلم {P} شيئاً جديداً كل يوم.",
          v="{P} learning something new"),
        L("ينظر {P} إلى السماء ويبتسم.||تنظر {P} إلى السماء وتبتسم.", v="{P} gazing at the sky"),
        L("الطريق طويل، لكن {P} صبور.||الطريق طويل، لكن {P} صبورة.", v="{P} walking on, patient"),
    ],
    "turn": [L("لكن {P} يتذكر حلمه.||لكن {P} تتذكر حلمها.", v="{P} in the storm, remembering"),
             L("لا يستسلم {P}.||لا تستسلم {P}.", v="close on {P}, determined")],
    "resolution": [L("يفرح الجميع من أجل {P}.", v="everyone cheering for {P}"),
                   L("ومنذ ذلك اليوم، يعيش {P} سعيداً.||ومنذ ذلك اليوم، تعيش {P} سعيدة.",
                     v="{P} happy at {landmark}")],
}  # fmt: skip

_ZH_TIMES = ("清晨", "中午", "下午", "傍晚", "夜里")
_ZH_DOINGS = ("{P}在外面走了很久", "{P}静静地看着远方", "{P}认真地练习", "{P}听着风的声音",
              "{P}把今天的事想了一遍", "{P}安静地休息了一会儿")  # fmt: skip
_AR_TIMES = ("في الصباح", "عند الظهر", "بعد الظهر", "في المساء", "في الليل")
_AR_DOINGS = ("يمشي {P} طويلاً||تمشي {P} طويلاً", "يتأمل {P} السماء||تتأمل {P} السماء",
              "يتدرب {P} بجد||تتدرب {P} بجد", "يستمع {P} إلى الريح||تستمع {P} إلى الريح",
              "يفكر {P} في يومه||تفكر {P} في يومها",
              "يرتاح {P} قليلاً||ترتاح {P} قليلاً")  # fmt: skip


def _rounds(times: tuple[str, ...], doings: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every (time, doing), the doings taking turns so that neighbours differ."""
    n = len(times)
    return [(times[(r + j) % n], d) for r in range(n) for j, d in enumerate(doings)]


def zh_day_lines() -> list[Line]:
    """'傍晚，{P}静静地看着远方。' for every time and doing."""
    return [L(f"{t}，{d}。", v="{P} " + "{near}") for t, d in _rounds(_ZH_TIMES, _ZH_DOINGS)]


def ar_day_lines() -> list[Line]:
    """'في المساء، يتأمل {P} السماء.' (agreeing with the hero) for every time and doing."""
    out = []
    for t, doing in _rounds(_AR_TIMES, _AR_DOINGS):
        masculine, feminine = doing.split("||")
        out.append(L(f"{t}، {masculine}.||{t}، {feminine}.", v="{P} " + "{near}"))
    return out


ZH_FILLERS: dict[str, list[tuple[str, bool]]] = {
    "hook": [("这里的日子总是很安静。", False)],
    "development": [("日子一天天过去。", True), ("{P}笑了。", False), ("阳光暖暖的。", True),
                    ("今天天气很好。", True), ("{P}深深地吸了一口气。", False)],
    "turn": [("风越来越大。", True), ("四周一片安静。", True), ("天一下子黑了。", True),
             ("{P}的心怦怦直跳。", False)],
    "resolution": [("天空格外明亮。", True), ("一切都变得美好起来。", False),
                   ("大家都为{P}高兴。", False)],
}  # fmt: skip
AR_FILLERS: dict[str, list[tuple[str, bool]]] = {
    "hook": [("الحياة هنا هادئة.", False)],
    "development": [("تمر الأيام.", True), ("الشمس دافئة اليوم.", True),
                    ("الجو جميل اليوم.", True)],
    "turn": [("الريح قوية جداً.", True), ("السماء مظلمة.", True),
             ("قلب {P} يدق بسرعة.", False)],
    "resolution": [("كل شيء هادئ وجميل.", False), ("الجميع سعداء.", False),
                   ("الشمس تشرق من جديد.", True)],
}  # fmt: skip

# On-screen words for the turn and the last scene, by language.
TURN_TEXT = {"en": "Then everything changed...", "zh": "突然……", "ar": "وفجأة..."}
END_TEXT = {"en": "The End", "zh": "完", "ar": "النهاية"}
