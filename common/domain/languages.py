"""Languages: which ones each script writer and narrator speaks, the script each is written in,
and the one check that a story's language can be written, spoken and drawn before money is spent.

A video fails late and expensively when its language is missing anywhere along the chain: the
first round rendered a Spanish prompt in English (the offline writer fell back silently) and
failed a Hindi job at assembly, after every paid step, for want of a Devanagari font. So the
language (asked for, or detected from the prompt) is checked when a project is written and again
before the script step against all three: the writer, the narrator and the fonts.

ElevenLabs' languages are per model, as its models page listed them in late 2026
(`eleven_multilingual_v2`: 29 languages; the v2.5 models add Hungarian, Norwegian and Vietnamese;
`eleven_v3` speaks 70+, of which those the fonts here cover are listed). Treat them as
configuration: they change with the provider's models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from common.domain.errors import InvalidInputError
from common.domain.pacing import base_language


@dataclass(frozen=True)
class Language:
    """A language a narrator here speaks: its English name and the script it is written in."""

    code: str  # ISO 639-1 (primary subtag)
    name: str
    script: str  # a key of SCRIPT_SAMPLES
    rtl: bool = False


def _languages(*rows: tuple[str, str, str]) -> dict[str, Language]:
    rtl = {"arabic", "hebrew"}
    return {code: Language(code, name, script, script in rtl) for code, name, script in rows}


LANGUAGES: dict[str, Language] = _languages(
    ("en", "English", "latin"), ("es", "Spanish", "latin"), ("pt", "Portuguese", "latin"),
    ("fr", "French", "latin"), ("de", "German", "latin"), ("it", "Italian", "latin"),
    ("nl", "Dutch", "latin"), ("id", "Indonesian", "latin"), ("ms", "Malay", "latin"),
    ("tr", "Turkish", "latin"), ("fil", "Filipino", "latin"), ("pl", "Polish", "latin"),
    ("sv", "Swedish", "latin"), ("ro", "Romanian", "latin"), ("cs", "Czech", "latin"),
    ("fi", "Finnish", "latin"), ("hr", "Croatian", "latin"), ("sk", "Slovak", "latin"),
    ("da", "Danish", "latin"), ("hu", "Hungarian", "latin"), ("no", "Norwegian", "latin"),
    ("vi", "Vietnamese", "latin"), ("ru", "Russian", "cyrillic"), ("uk", "Ukrainian", "cyrillic"),
    ("bg", "Bulgarian", "cyrillic"), ("el", "Greek", "greek"), ("ar", "Arabic", "arabic"),
    ("he", "Hebrew", "hebrew"), ("hi", "Hindi", "devanagari"), ("bn", "Bengali", "bengali"),
    ("ta", "Tamil", "tamil"), ("te", "Telugu", "telugu"), ("th", "Thai", "thai"),
    ("zh", "Chinese", "han"), ("ja", "Japanese", "japanese"), ("ko", "Korean", "hangul"),
)  # fmt: skip

# A line in each script, for checking that the installed fonts draw it (every letter class the
# script uses in captions: vowel signs, conjuncts, tone marks, final forms).
SCRIPT_SAMPLES: dict[str, str] = {
    "latin": "Ação, niño, Straße, œuvre, İstanbul, Đà Nẵng, Łódź 0123",
    "cyrillic": "Маленький робот учится рисовать. Їжак",
    "greek": "Ένα μικρό ρομπότ μαθαίνει να ζωγραφίζει",
    "arabic": "روبوت صغير يتعلم الرسم",
    "hebrew": "רובוט קטן לומד לצייר",
    "devanagari": "एक छोटी लड़की चाँद से बात करती है।",
    "bengali": "একটি ছোট রোবট ছবি আঁকতে শেখে",
    "tamil": "ஒரு சிறிய ரோபோ ஓவியம் வரைய கற்றுக்கொள்கிறது",
    "telugu": "ఒక చిన్న రోబో బొమ్మలు గీయడం నేర్చుకుంటుంది",
    "thai": "หุ่นยนต์ตัวเล็กเรียนวาดรูป",
    "han": "一只小猫学会了飞翔。",
    "japanese": "ちいさな ロボットが えを かきます。小さな猫",
    "hangul": "작은 로봇이 그림 그리는 법을 배웁니다.",
}

_ELEVENLABS_V2 = frozenset(
    {"en", "ja", "zh", "de", "hi", "fr", "ko", "pt", "it", "es", "id", "nl", "tr", "fil", "pl",
     "sv", "bg", "ro", "ar", "cs", "el", "fi", "hr", "ms", "sk", "da", "ta", "uk", "ru"}
)  # fmt: skip
_ELEVENLABS_V25 = _ELEVENLABS_V2 | {"hu", "no", "vi"}
# What each ElevenLabs model speaks (unknown models: as multilingual v2).
ELEVENLABS_LANGUAGES: dict[str, frozenset[str]] = {
    "eleven_multilingual_v2": _ELEVENLABS_V2,
    "eleven_flash_v2_5": _ELEVENLABS_V25,
    "eleven_turbo_v2_5": _ELEVENLABS_V25,
    "eleven_v3": _ELEVENLABS_V25 | {"he", "bn", "te", "th"},
}

# The languages the offline writer tells stories in and espeak-ng speaks, with espeak's voice.
ESPEAK_VOICES: dict[str, str] = {
    "en": "en-us", "es": "es", "pt": "pt-br", "fr": "fr", "de": "de", "hi": "hi",
    "id": "id", "zh": "cmn", "ar": "ar", "ja": "ja", "ko": "ko",
}  # fmt: skip
OFFLINE_LANGUAGES = frozenset(ESPEAK_VOICES)

# The fonts captions and titles are drawn with, as the Debian packages in infra/fonts.txt that
# make, CI and the assembly image install (infra/scripts/install-fonts.sh), and the scripts each
# one draws. Where assembly runs in the cloud this is what the image declares (its build fails
# unless the installed fonts draw each script's sample: `python -m common.media.text.fonts`); on one
# machine the gate asks the installed fonts themselves.
FONT_PACKAGES: dict[str, tuple[str, ...]] = {
    "fonts-dejavu-core": ("latin", "cyrillic", "greek", "arabic", "hebrew"),
    "fonts-noto-core": (
        "latin", "cyrillic", "greek", "arabic", "hebrew",
        "devanagari", "bengali", "tamil", "telugu", "thai",
    ),
    "fonts-wqy-microhei": ("latin", "han", "japanese", "hangul"),
}  # fmt: skip
FONT_SCRIPTS = frozenset(s for scripts in FONT_PACKAGES.values() for s in scripts)

GEMINI_HINT = (
    "to write in another language, use Gemini and ElevenLabs "
    "(STORYGENIUS_SCRIPT=gemini, STORYGENIUS_VOICE=elevenlabs, or --providers vertex,elevenlabs)"
)


def names(codes: frozenset[str] | set[str]) -> str:
    """'ar (Arabic), de (German), ...' for a message, sorted by code."""
    return ", ".join(f"{c} ({LANGUAGES[c].name})" if c in LANGUAGES else c for c in sorted(codes))


@dataclass(frozen=True)
class LanguageSupport:
    """What the configured providers speak: the script writer's languages and the narrator's.

    `writer_languages` None means the writer writes any language it is asked for (Gemini).
    """

    writer: str
    writer_languages: frozenset[str] | None
    narrator: str
    narrator_languages: frozenset[str]
    # The scripts the fonts where assembly runs draw (asked when first needed: fc-list is slow).
    drawable_scripts: Callable[[], frozenset[str]] = lambda: FONT_SCRIPTS

    @property
    def languages(self) -> frozenset[str]:
        """Every language a story can be told in end to end with these providers."""
        if self.writer_languages is None:
            return self.narrator_languages
        return self.writer_languages & self.narrator_languages

    def problem(self, language: str) -> str | None:
        """Why a story in `language` cannot be made with these providers and fonts, or None."""
        code = base_language(language)
        if code in self.languages:
            script = LANGUAGES[code].script
            if script in self.drawable_scripts():
                return None
            return (
                f"no installed font draws {LANGUAGES[code].name} ({script}); "
                "install the fonts in infra/fonts.txt (make fonts)"
            )
        if self.writer_languages is not None and code not in self.writer_languages:
            who = f"the {self.writer} script writer"
        else:
            who = f"the {self.narrator} narrator"
        hint = f"; {GEMINI_HINT}" if self.writer_languages is not None else ""
        shown = LANGUAGES[code].name if code in LANGUAGES else repr(language)
        return f"{shown} is not a language {who} speaks; it speaks {names(self.languages)}{hint}"

    def check(self, language: str, field: str = "settings.language") -> None:
        """Raise InvalidInputError naming `field` when `language` can't be told end to end."""
        problem = self.problem(language)
        if problem is not None:
            raise InvalidInputError(problem, fields={field: problem})


def language_support(
    writer: str,
    narrator: str,
    elevenlabs_model: str = "",
    drawable_scripts: Callable[[], frozenset[str]] = lambda: FONT_SCRIPTS,
) -> LanguageSupport:
    """The languages of the providers settings choose ("offline" | "gemini", "offline" |
    "elevenlabs"), drawn by the fonts `drawable_scripts` answers (the declared ones unless told)."""
    writer_languages = OFFLINE_LANGUAGES if writer == "offline" else None
    if narrator == "offline":
        spoken = OFFLINE_LANGUAGES
    else:
        spoken = ELEVENLABS_LANGUAGES.get(elevenlabs_model, _ELEVENLABS_V2)
    return LanguageSupport(writer, writer_languages, narrator, spoken, drawable_scripts)
