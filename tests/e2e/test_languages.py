"""Prompts in other scripts make videos whose captions are in that script."""

from __future__ import annotations

import re

import pytest

from tests.support.jobs import DRAFT, run_job

pytestmark = pytest.mark.slow

SMALL = {"duration_s": 10, "resolution": "720p"}


@pytest.mark.parametrize(
    ("prompt", "language", "script"),
    [
        ("一只小猫学会了飞翔", "zh", r"[\u4e00-\u9fff]"),
        ("قطة صغيرة تتعلم الطيران", "ar", r"[\u0600-\u06ff]"),
    ],
)
def test_a_prompt_in_another_script_is_told_and_captioned_in_it(
    make_services, prompt, language, script
):
    svc = make_services(DRAFT)
    job = run_job(svc, prompt, **SMALL)

    assert job.status == "done", job.error
    story = svc.projects.load(job.project_id).story
    assert story.language == language
    captions = svc.blobs.get(job.outputs.captions_srt).decode()
    assert re.search(script, captions)


def test_emoji_in_a_prompt_are_left_out_of_narration_and_captions(make_services):
    svc = make_services(DRAFT)
    job = run_job(svc, "🐳 A whale who sings to the moon 🎶", **SMALL)

    assert job.status == "done", job.error
    captions = svc.blobs.get(job.outputs.captions_srt).decode()
    assert "whale" in captions.lower()
    assert not re.search(r"[\U0001F300-\U0001FAFF]", captions)
