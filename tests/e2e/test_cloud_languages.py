"""Every language the cloud narrator speaks, end to end on the stand-ins: a story Gemini wrote
in it (the Vertex stub answers one), voiced by ElevenLabs (the stub aligns every character), is
captioned in its script with fonts that draw every character, words in spoken order; one
language of each script renders its draft video, whose soundtrack lasts as long as the picture
(tests/support/languages.py says why the others stop at the render). Images and motion are
offline: they don't depend on the language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.domain.languages import ELEVENLABS_LANGUAGES
from common.domain.pacing import ELEVENLABS_RATES, planned_length
from tests.stubs.elevenlabs_server import ElevenLabsStub
from tests.stubs.vertex_server import sample_story
from tests.support.fakes import RecordingRunner
from tests.support.jobs import DRAFT, run_job
from tests.support.languages import check_told_in, one_per_script

pytestmark = pytest.mark.slow

MODEL = "eleven_v3"  # the model that speaks the most languages here
# Two lines in every language: a little robot paints the sunset, and waits for the first star.
LINES = {
    "en": ("A little robot paints the sunset.", "Every evening it waits for the first star."),
    "es": ("Un pequeño robot pinta el atardecer.", "Cada tarde espera la primera estrella."),
    "pt": ("Um pequeno robô pinta o pôr do sol.", "Todas as noites espera a primeira estrela."),
    "fr": (
        "Un petit robot peint le coucher du soleil.",
        "Chaque soir, il attend la première étoile.",
    ),
    "de": (
        "Ein kleiner Roboter malt den Sonnenuntergang.",
        "Jeden Abend wartet er auf den ersten Stern.",
    ),
    "it": ("Un piccolo robot dipinge il tramonto.", "Ogni sera aspetta la prima stella."),
    "nl": (
        "Een kleine robot schildert de zonsondergang.",
        "Elke avond wacht hij op de eerste ster.",
    ),
    "id": (
        "Sebuah robot kecil melukis matahari terbenam.",
        "Setiap malam ia menunggu bintang pertama.",
    ),
    "ms": (
        "Sebuah robot kecil melukis matahari terbenam.",
        "Setiap petang ia menanti bintang pertama.",
    ),
    "tr": ("Küçük bir robot gün batımını çiziyor.", "Her akşam ilk yıldızı bekliyor."),
    "fil": (
        "Isang maliit na robot ang nagpipinta ng paglubog ng araw.",
        "Tuwing gabi, hinihintay nito ang unang bituin.",
    ),
    "pl": ("Mały robot maluje zachód słońca.", "Każdego wieczoru czeka na pierwszą gwiazdę."),
    "sv": ("En liten robot målar solnedgången.", "Varje kväll väntar den på den första stjärnan."),
    "ro": ("Un mic robot pictează apusul de soare.", "În fiecare seară așteaptă prima stea."),
    "cs": ("Malý robot maluje západ slunce.", "Každý večer čeká na první hvězdu."),
    "fi": ("Pieni robotti maalaa auringonlaskun.", "Joka ilta se odottaa ensimmäistä tähteä."),
    "hr": ("Mali robot slika zalazak sunca.", "Svake večeri čeka prvu zvijezdu."),
    "sk": ("Malý robot maľuje západ slnka.", "Každý večer čaká na prvú hviezdu."),
    "da": ("En lille robot maler solnedgangen.", "Hver aften venter den på den første stjerne."),
    "hu": ("Egy kis robot lefesti a naplementét.", "Minden este az első csillagot várja."),
    "no": ("En liten robot maler solnedgangen.", "Hver kveld venter den på den første stjernen."),
    "vi": ("Một chú rô-bốt nhỏ vẽ cảnh hoàng hôn.", "Mỗi tối nó chờ ngôi sao đầu tiên."),
    "ru": ("Маленький робот рисует закат.", "Каждый вечер он ждёт первую звезду."),
    "uk": ("Маленький робот малює захід сонця.", "Щовечора він чекає на першу зірку."),
    "bg": ("Малък робот рисува залеза.", "Всяка вечер чака първата звезда."),
    "el": ("Ένα μικρό ρομπότ ζωγραφίζει το ηλιοβασίλεμα.", "Κάθε βράδυ περιμένει το πρώτο αστέρι."),
    "ar": ("روبوت صغير يرسم غروب الشمس.", "كل مساء ينتظر النجمة الأولى."),
    "he": ("רובוט קטן מצייר את השקיעה.", "בכל ערב הוא מחכה לכוכב הראשון."),
    "hi": ("एक छोटा रोबोट सूर्यास्त का चित्र बनाता है।", "हर शाम वह पहले तारे का इंतज़ार करता है।"),
    "bn": ("একটি ছোট রোবট সূর্যাস্তের ছবি আঁকে।", "প্রতি সন্ধ্যায় সে প্রথম তারার জন্য অপেক্ষা করে।"),
    "ta": (
        "ஒரு சிறிய ரோபோ சூரிய அஸ்தமனத்தை வரைகிறது.",
        "ஒவ்வொரு மாலையும் அது முதல் நட்சத்திரத்துக்காகக் காத்திருக்கிறது.",
    ),
    "te": ("ఒక చిన్న రోబో సూర్యాస్తమయాన్ని చిత్రిస్తుంది.", "ప్రతి సాయంత్రం అది మొదటి నక్షత్రం కోసం ఎదురుచూస్తుంది."),
    "th": ("หุ่นยนต์ตัวเล็กวาดภาพพระอาทิตย์ตก", "ทุกเย็นมันรอคอยดาวดวงแรก"),
    "zh": ("一个小机器人在画夕阳。", "每天晚上它都等待第一颗星星。"),
    "ja": ("小さなロボットが夕焼けを描きます。", "毎晩、一番星を待っています。"),
    "ko": ("작은 로봇이 노을을 그려요.", "매일 저녁 첫 번째 별을 기다려요."),
}
RENDERED = one_per_script(LINES)  # the others' jobs stop where the render would start


def test_there_are_lines_for_every_language_the_cloud_narrator_speaks() -> None:
    assert set(LINES) == set(ELEVENLABS_LANGUAGES[MODEL])


@pytest.fixture(scope="module")
def elevenlabs() -> Iterator[ElevenLabsStub]:
    with ElevenLabsStub() as server:
        yield server


def story_in(code: str) -> tuple[dict[str, Any], int]:
    """The Vertex stub's story in `code` (the two lines, told twice if they are short) and the
    video length it is written for, so the writer's length check accepts it."""
    said = list(LINES[code])
    if planned_length(said, code, ELEVENLABS_RATES) < 7:
        said *= 2
    story = sample_story(len(said))
    story["language"] = code
    story["title"] = said[0].rstrip(".。।")[:40]
    for scene, line in zip(story["scenes"], said, strict=True):
        scene["narration"] = line
        scene["on_screen_text"] = ""
    seconds = max(10, round(planned_length(said, code, ELEVENLABS_RATES)))
    return story, seconds


@pytest.mark.parametrize("code", sorted(LINES))
def test_a_story_in_each_cloud_language_is_voiced_and_captioned_in_its_script(
    make_services, vertex_stub, elevenlabs: ElevenLabsStub, tmp_path: Path, code: str
) -> None:
    vertex_stub.story, seconds = story_in(code)
    runner = None if code in RENDERED else RecordingRunner()
    svc = make_services(
        {
            **DRAFT,
            "script": "gemini",
            "google_cloud_project": "p",
            "vertex_base_url": vertex_stub.url,
            "vertex_auth": "none",
            "vertex_retry_delay_s": 0.01,
            "voice": "elevenlabs",
            "elevenlabs_model": MODEL,
            "elevenlabs_api_key": elevenlabs.api_key,
            "elevenlabs_base_url": elevenlabs.base_url,
            "elevenlabs_backoff_s": 0.01,
        },
        **({"runner": runner} if runner else {}),
    )
    job = run_job(svc, LINES[code][0], duration_s=seconds, resolution="720p", language=code)

    assert job.language == code and not job.language_detected
    check_told_in(svc, job, code, tmp_path, runner)
