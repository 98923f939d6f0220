"""Every language the offline writer and narrator speak, end to end: a prompt in it makes a job
told in it, captioned in its script with fonts that draw every character, word timings in
order; one language of each script renders its draft video, whose soundtrack lasts as long as
the picture (tests/support/languages.py says why the others stop at the render)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.domain.languages import OFFLINE_LANGUAGES
from tests.support.fakes import RecordingRunner
from tests.support.jobs import DRAFT, run_job
from tests.support.languages import check_told_in, one_per_script

pytestmark = pytest.mark.slow

SMALL = {"duration_s": 10, "resolution": "720p"}

# A prompt in each language the offline providers speak ("auto" detects it).
PROMPTS = {
    "en": "A lighthouse keeper befriends a lonely whale",
    "es": "Un pequeño robot aprende a pintar el atardecer",
    "pt": "Um pequeno robô aprende a pintar o pôr do sol",
    "fr": "Un petit robot apprend à peindre le coucher du soleil",
    "de": "Ein kleiner Roboter lernt den Sonnenuntergang zu malen",
    "id": "Sebuah robot kecil belajar melukis matahari terbenam",
    "hi": "एक छोटी लड़की चाँद से बात करती है",
    "zh": "一只小猫学会了飞翔",
    "ja": "小さなロボットが夕焼けの絵を描くことを学ぶ",
    "ko": "작은 로봇이 노을을 그리는 법을 배워요",
    "ar": "قطة صغيرة تتعلم الطيران",
}
RENDERED = one_per_script(PROMPTS)  # the others' jobs stop where the render would start


def test_there_is_a_prompt_for_every_offline_language() -> None:
    assert set(PROMPTS) == OFFLINE_LANGUAGES


@pytest.mark.parametrize("code", sorted(PROMPTS))
def test_a_prompt_in_each_offline_language_makes_a_job_told_and_captioned_in_it(
    make_services, tmp_path: Path, code: str
) -> None:
    runner = None if code in RENDERED else RecordingRunner()
    svc = make_services(DRAFT, **({"runner": runner} if runner else {}))
    job = run_job(svc, PROMPTS[code], **SMALL)

    story = svc.projects.load(job.project_id).story
    assert story is not None and story.language == code
    assert job.language == code
    check_told_in(svc, job, code, tmp_path, runner)


def test_emoji_in_a_prompt_are_left_out_of_narration_and_captions(make_services):
    svc = make_services(DRAFT)
    job = run_job(svc, "🐳 A whale who sings to the moon 🎶", **SMALL)

    assert job.status == "done", job.error
    captions = svc.blobs.get(job.outputs.captions_srt).decode()
    assert "whale" in captions.lower()
    assert not re.search(r"[\U0001F300-\U0001FAFF]", captions)
