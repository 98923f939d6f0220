"""Every language the offline writer and narrator speak, end to end: a prompt in it makes a draft
video told in it, captioned in its script with fonts that draw every character, word timings in
order, and a soundtrack as long as the picture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.adapters.langid.detector import main_script
from common.domain.languages import LANGUAGES, OFFLINE_LANGUAGES
from common.media.text.fonts import choose_fonts, drop_uncovered_symbols, needs_glyph
from tests.support.jobs import DRAFT, run_job
from tests.support.probe import ffprobe

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


def test_there_is_a_prompt_for_every_offline_language() -> None:
    assert set(PROMPTS) == OFFLINE_LANGUAGES


def srt_text(srt: str) -> str:
    """The text of an SRT file without its numbers and timings."""
    return "\n".join(
        line
        for line in srt.splitlines()
        if line.strip() and not line.strip().isdigit() and "-->" not in line
    )


@pytest.mark.parametrize("code", sorted(PROMPTS))
def test_a_prompt_in_each_offline_language_makes_a_video_told_and_captioned_in_it(
    make_services, tmp_path: Path, code: str
) -> None:
    svc = make_services(DRAFT)
    job = run_job(svc, PROMPTS[code], **SMALL)

    assert job.status == "done", job.error
    story = svc.projects.load(job.project_id).story
    assert story is not None and story.language == code
    assert job.language == code

    # Captions in the language's script, every character drawn by the fonts assembly chose.
    captions = srt_text(svc.blobs.get(job.outputs.captions_srt).decode())
    assert main_script(captions) == LANGUAGES[code].script, captions
    drawn = drop_uncovered_symbols(captions)
    faces = choose_fonts(drawn)
    missing = {c for c in drawn if needs_glyph(c) and not any(f.covers(c) for f in faces)}
    assert not missing
    letters = {c for c in captions if c.isalpha()}
    assert all(faces[0].covers(c) for c in letters), (faces[0].family, captions)

    # Word timings in spoken order, within each scene and across the video.
    timeline = svc.assembler.timeline(job, story, tmp_path / "assets")
    absolute = []
    for start, scene in zip(timeline.starts(), timeline.scenes, strict=True):
        assert scene.words, scene.id
        for word in scene.words:
            assert 0 <= word.start_s <= word.end_s
            absolute.append(start + scene.narration_offset_s + word.start_s)
    assert absolute == sorted(absolute)

    # The soundtrack lasts as long as the picture (one frame at most).
    video = svc.blobs.download(job.outputs.video, tmp_path / "video.mp4")
    streams = {s["codec_type"]: s for s in ffprobe(video)["streams"]}
    num, den = (int(x) for x in streams["video"]["avg_frame_rate"].split("/"))
    frame = den / num
    picture, sound = float(streams["video"]["duration"]), float(streams["audio"]["duration"])
    assert abs(picture - sound) <= frame + 1e-3, (picture, sound)


def test_emoji_in_a_prompt_are_left_out_of_narration_and_captions(make_services):
    svc = make_services(DRAFT)
    job = run_job(svc, "🐳 A whale who sings to the moon 🎶", **SMALL)

    assert job.status == "done", job.error
    captions = svc.blobs.get(job.outputs.captions_srt).decode()
    assert "whale" in captions.lower()
    assert not re.search(r"[\U0001F300-\U0001FAFF]", captions)
