"""The language of a prompt, offline: its script first, then py3langid among that script's
languages.

py3langid ships its model in the package (langid.py's naive Bayes over byte n-grams, 97
languages, 4.5 MB): no download, about 0.3 s to load on a quiet 2-core machine (3 s under load)
and 70 MB, once per process, only when a prompt's language is asked for. lingua-language-detector
(the issue's suggestion) installs here too (a 96 MB wheel) but, restricted to the 35 languages
the narrators speak, took 24 s and 560 MB to answer 25 prompts and took every Indonesian one for
Malay; py3langid got all of them right.

A script with one language is that language (Hangul is Korean, kana Japanese, Thai Thai). A
script several languages share is told among the languages here that use it. Short Latin prompts
("a fox", "la luna") are often too short to tell: below CONFIDENCE the answer is English, the
language most prompts are in, and a creator who meant another sets the language explicitly.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from typing import Any

from common.domain.languages import LANGUAGES

# Below this share of the probability among a script's languages, a Latin prompt is English.
CONFIDENCE = 0.5
# Unicode script of a letter, from its character name (enough for the scripts in LANGUAGES).
_SCRIPT_WORDS = (
    ("HANGUL", "hangul"), ("HIRAGANA", "japanese"), ("KATAKANA", "japanese"),
    ("CJK", "han"), ("LATIN", "latin"), ("CYRILLIC", "cyrillic"), ("GREEK", "greek"),
    ("ARABIC", "arabic"), ("HEBREW", "hebrew"), ("DEVANAGARI", "devanagari"),
    ("BENGALI", "bengali"), ("TAMIL", "tamil"), ("TELUGU", "telugu"), ("THAI", "thai"),
)  # fmt: skip
# py3langid's codes where they differ from ours.
_FROM_LANGID = {"tl": "fil", "nb": "no", "nn": "no"}


def script_of(char: str) -> str | None:
    """The script of a letter ("latin", "han", ...), None for anything else."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return next((script for word, script in _SCRIPT_WORDS if name.startswith(word)), None)


def main_script(text: str) -> str | None:
    """The script most of the text's letters are in; kana makes Han text Japanese."""
    counts = Counter(s for s in map(script_of, text) if s)
    if not counts:
        return None
    if counts["japanese"]:
        return "japanese"
    return counts.most_common(1)[0][0]


_model_lock = threading.Lock()
_identifier: Any = None


def _model() -> Any:
    """py3langid's model, loaded once per process on first use (thread-safe). Shared by every
    detector: each writer and gate used to load its own (a test run loaded it hundreds of times,
    ~0.3 s of CPU each), and ranking only reads it."""
    global _identifier
    with _model_lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


class LangidDetector:
    """LanguageDetector over py3langid's model (loaded once per process, on first use)."""

    def _model(self) -> Any:
        return _model()

    def detect(self, text: str) -> str:
        """The language of `text` among those a narrator here speaks ("en" when unsure)."""
        script = main_script(text)
        if script is None:
            return "en"
        candidates = {code for code, lang in LANGUAGES.items() if lang.script == script}
        if len(candidates) == 1:
            return next(iter(candidates))
        ranked: list[tuple[str, float]] = []
        for code, p in self._model().rank(text):
            ours = _FROM_LANGID.get(code, code)
            if ours in candidates:
                ranked.append((str(ours), float(p)))
        total = sum(p for _, p in ranked)
        if not ranked or total <= 0:
            return "en" if script == "latin" else sorted(candidates)[0]
        best, p = ranked[0]
        if script == "latin" and p / total < CONFIDENCE:
            return "en"
        return best
