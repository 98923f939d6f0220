"""The language gate refuses, before anything is paid for, a story its writer, narrator or fonts
can't carry, naming the field, what is spoken and how to get more."""

from __future__ import annotations

import pytest

from common.domain.errors import InvalidInputError
from common.domain.languages import FONT_SCRIPTS, language_support
from common.services.projects.languages import FIELD, LanguageGate


class FixedDetector:
    def __init__(self, language: str) -> None:
        self.language = language

    def detect(self, text: str) -> str:
        return self.language


def gate(detected: str = "en", drawable: frozenset[str] = FONT_SCRIPTS, **kw: str) -> LanguageGate:
    support = language_support(
        kw.get("writer", "offline"), kw.get("narrator", "offline"), "", lambda: drawable
    )
    return LanguageGate(support, FixedDetector(detected))


def test_a_language_whose_script_no_installed_font_draws_is_refused_naming_the_field() -> None:
    no_devanagari = FONT_SCRIPTS - {"devanagari"}
    with pytest.raises(InvalidInputError) as caught:
        gate(drawable=no_devanagari).check_setting("hi")
    assert FIELD in caught.value.fields
    assert "no installed font draws Hindi (devanagari)" in caught.value.message
    assert "infra/fonts.txt" in caught.value.message
    gate(drawable=no_devanagari).check_setting("es")  # other scripts still pass


def test_a_detected_language_without_fonts_fails_naming_the_detection() -> None:
    with pytest.raises(InvalidInputError) as caught:
        gate(
            "th", drawable=FONT_SCRIPTS - {"thai"}, writer="gemini", narrator="elevenlabs"
        ).resolve("auto", "แมวน้อยเรียนบิน")
    assert "looks Thai (th)" in caught.value.message
    assert "set settings.language" in caught.value.message


def test_fonts_are_asked_only_when_a_language_is_checked() -> None:
    asked: list[int] = []

    def drawable() -> frozenset[str]:
        asked.append(1)
        return FONT_SCRIPTS

    support = language_support("offline", "offline", "", drawable)
    LanguageGate(support, FixedDetector("en"))
    assert asked == []
    LanguageGate(support, FixedDetector("en")).check_setting("auto")
    assert asked == []
    support.check("en")
    assert asked == [1]


def test_an_offline_language_is_refused_with_what_is_spoken_and_how_to_use_gemini() -> None:
    with pytest.raises(InvalidInputError) as caught:
        gate().check_setting("tr")
    message = caught.value.message
    assert "Turkish is not a language the offline script writer speaks" in message
    assert "es (Spanish)" in message and "STORYGENIUS_SCRIPT=gemini" in message


def test_every_language_the_cloud_narrator_speaks_passes_with_the_declared_fonts() -> None:
    cloud = language_support("gemini", "elevenlabs", "eleven_v3")
    for code in sorted(cloud.languages):
        assert cloud.problem(code) is None, code
