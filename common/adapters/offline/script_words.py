"""English words the offline writer reads premises with: verbs by kind of story, and their forms.

Simple rules, not a grammar: third person, past and -ing forms are derived from a lemma with the
usual spelling rules plus a short list of exceptions, and read back by generating the forms of
every known lemma.
"""

from __future__ import annotations

from functools import lru_cache

CATEGORY_VERBS: dict[str, tuple[str, ...]] = {
    "friendship": ("befriend", "meet", "help", "love", "adopt", "comfort", "hug", "greet",
                   "welcome", "cheer", "visit", "marry", "like", "miss", "adore", "join", "thank"),
    "learning": ("learn", "practise", "practice", "try", "master", "study", "train", "want",
                 "dream", "wish", "hope", "long", "yearn", "attempt"),
    "quest": ("search", "find", "look", "seek", "discover", "chase", "follow", "hunt", "lose",
              "track", "collect", "catch", "gather", "dig", "solve", "uncover", "recover", "need"),
    "making": ("build", "make", "fix", "repair", "invent", "paint", "bake", "plant", "grow",
               "create", "write", "cook", "sew", "knit", "design", "draw", "craft", "compose",
               "carve", "mend", "light", "decorate", "brew"),
    "rescue": ("save", "rescue", "protect", "defend", "fight", "defeat", "escape", "face", "stop",
               "battle", "guard", "free", "outwit", "trick", "confront", "survive", "heal",
               "warn", "overcome"),
    "journey": ("travel", "explore", "journey", "sail", "climb", "cross", "return", "go", "wander",
                "walk", "swim", "fly", "run", "ride", "float", "drift", "leave", "venture", "race",
                "hike", "roam", "reach", "flee", "move", "head", "come"),
    "generic": ("sing", "dance", "become", "be", "have", "see", "hear", "wake", "sleep", "play",
                "laugh", "cry", "glow", "shine", "smile", "speak", "talk", "listen", "watch",
                "wait", "feel", "keep", "live", "work", "read", "count", "jump", "hide", "forget",
                "remember", "believe", "get", "give", "take", "bring", "tell", "think", "know",
                "say", "eat", "sit", "stand", "turn", "change", "whistle", "skate", "surf",
                "dive", "juggle", "fish", "spell", "shout", "whisper", "teach", "share", "open"),
}  # fmt: skip

VERB_CATEGORY: dict[str, str] = {
    lemma: category for category, lemmas in CATEGORY_VERBS.items() for lemma in lemmas
}

# Verbs that take "to <verb>" (or "of <verb>-ing") and then describe a wish or a skill.
WISH_VERBS = frozenset({"learn", "want", "try", "dream", "wish", "hope", "long", "yearn",
                        "attempt", "need", "practise", "practice", "train"})  # fmt: skip

_IRREGULAR_PAST: dict[str, str] = {
    "met": "meet", "found": "find", "lost": "lose", "built": "build", "made": "make",
    "fought": "fight", "flew": "fly", "ran": "run", "rode": "ride", "became": "become",
    "was": "be", "were": "be", "had": "have", "went": "go", "saw": "see", "heard": "hear",
    "woke": "wake", "slept": "sleep", "sang": "sing", "swam": "swim", "caught": "catch",
    "sought": "seek", "drew": "draw", "wrote": "write", "grew": "grow", "left": "leave",
    "came": "come", "got": "get", "gave": "give", "took": "take", "brought": "bring",
    "told": "tell", "thought": "think", "knew": "know", "said": "say", "ate": "eat", "sat": "sit",
    "stood": "stand", "taught": "teach", "felt": "feel", "kept": "keep", "hid": "hide",
    "forgot": "forget", "dug": "dig", "spoke": "speak", "lit": "light", "won": "win",
    "learnt": "learn", "dreamt": "dream", "are": "be", "is": "be", "has": "have",
}  # fmt: skip
_DOUBLING = frozenset({"swim", "run", "sit", "dig", "hop", "stop", "chat", "plan", "shop",
                       "skip", "jog", "win", "begin", "forget", "spin", "drum", "hug", "get",
                       "set", "knit", "travel", "trap", "grab", "drop", "step", "admit", "stir",
                       "chop", "wrap", "plot", "pat", "pet", "beg", "rub", "tap"})  # fmt: skip

DETERMINERS = frozenset({"a", "an", "the", "one", "some", "my", "our", "your", "his", "her",
                         "their", "its", "this", "that", "two", "three", "four", "five",
                         "several", "many", "every", "each", "no", "another"})  # fmt: skip
PREPOSITIONS = frozenset({"from", "in", "on", "at", "of", "under", "near", "by", "beyond",
                          "inside", "across", "behind", "above", "below", "beneath", "through",
                          "into", "over", "between", "among", "around", "without", "within",
                          "outside", "along", "to", "for", "during", "after", "before", "like",
                          "onto", "toward", "towards", "upon", "up", "down", "off",
                          "about"})  # fmt: skip
RELATIVES = frozenset({"who", "that", "which", "whose"})
CLAUSE_BREAKS = frozenset({"because", "while", "when", "but", "so", "until", "after", "although",
                           "though", "since", "if", "where", "whenever", "then", "or"})  # fmt: skip
NEGATIONS = {"can't": "can't", "cannot": "can't", "couldn't": "can't", "can’t": "can't"}
SIZES = frozenset({"little", "small", "tiny", "big", "huge", "giant", "enormous", "large", "tall",
                   "fat", "chubby", "plump", "skinny", "round", "young", "old", "baby",
                   "elderly"})  # fmt: skip
COLOURS = frozenset({"white", "black", "red", "orange", "yellow", "green", "blue", "purple",
                     "pink", "brown", "grey", "gray", "golden", "gold", "silver", "spotted",
                     "striped", "fluffy", "shiny", "rusty", "glowing", "ginger", "violet",
                     "crimson", "scarlet", "copper"})  # fmt: skip
FEELINGS = frozenset({"lonely", "brave", "shy", "curious", "sad", "happy", "clever", "kind",
                      "grumpy", "lazy", "lost", "forgotten", "hungry", "sleepy", "silly", "wise",
                      "friendly", "gentle", "proud", "nervous", "scared", "timid", "stubborn",
                      "bold", "clumsy", "lucky", "mysterious", "magical", "magic", "secret",
                      "determined", "tired", "bored", "cheerful", "anxious", "quiet", "lovely",
                      "grumbling", "wandering", "broken", "ancient", "forgetful"})  # fmt: skip
FRAMING_PREFIXES = (
    r"^(please\s+)?((write|tell|make|create|generate|give)\s+(me\s+|us\s+)?)?"
    r"((a|an|the)\s+)?((short|little|bedtime|fun|funny|sad|happy|cute|sweet|heartwarming)\s+)*"
    r"(story|tale|video|fable|film|short)\s+(about|of|where|in which|on|that)\s+",
    r"^(once upon a time|one day|long ago|one night)[,\s]+(there\s+(was|is|lived|lives)\s+)?",
    r"^(there\s+(was|is|lived|lives)\s+)",
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
    if lemma in _DOUBLING:
        return lemma + lemma[-1] + "ing"
    return lemma + "ing"


def _past(lemma: str) -> str:
    if lemma.endswith("e"):
        return lemma + "d"
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    if lemma in _DOUBLING:
        return lemma + lemma[-1] + "ed"
    return lemma + "ed"


@lru_cache(maxsize=1)
def _forms() -> dict[str, tuple[str, str]]:
    """Every known verb form -> (lemma, 'base' | 'third' | 'past' | 'ing')."""
    forms: dict[str, tuple[str, str]] = {}
    for lemma in VERB_CATEGORY:
        forms.setdefault(_past(lemma), (lemma, "past"))
        forms.setdefault(gerund(lemma), (lemma, "ing"))
        forms.setdefault(third_person(lemma), (lemma, "third"))
    for form, lemma in _IRREGULAR_PAST.items():
        forms[form] = (lemma, "third" if form in ("is", "has") else "past")
    for lemma in VERB_CATEGORY:
        forms[lemma] = (lemma, "base")
    return forms


def verb_form(word: str) -> tuple[str, str] | None:
    """(lemma, form) of a known English verb form, or None."""
    return _forms().get(word.lower())
