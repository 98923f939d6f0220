"""A whole job narrated by ElevenLabs (the stub API; the other providers offline): the video is
made, its captions sit on the stub's alignment, and the job's cost holds the characters
ElevenLabs billed, once each, and their price."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from common.domain.commands import StartJob
from tests.stubs.elevenlabs_server import TOO_MANY_CONCURRENT, ElevenLabsStub
from tests.support.jobs import DRAFT, OWNER, run_job
from tests.support.probe import ffprobe

pytestmark = pytest.mark.slow

SMALL = {"duration_s": 10, "resolution": "720p"}


@pytest.fixture
def stub() -> Iterator[ElevenLabsStub]:
    with ElevenLabsStub() as server:
        yield server


def _settings(stub: ElevenLabsStub) -> dict[str, object]:
    return {
        **DRAFT,
        "voice": "elevenlabs",
        "elevenlabs_api_key": stub.api_key,
        "elevenlabs_base_url": stub.base_url,
        "elevenlabs_backoff_s": 0.01,
    }


def _srt_starts(text: str) -> list[float]:
    return [
        int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
        for h, m, s, ms in re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) -->", text)
    ]


def _word_starts(stub: ElevenLabsStub, text: str) -> list[float]:
    """When the stub says each space-separated word's first letter is heard."""
    alignment = stub.alignment(text)
    chars, starts = alignment["characters"], alignment["character_start_times_seconds"]
    found, in_word = [], False
    for char, start in zip(chars, starts, strict=True):
        if char.isspace():
            in_word = False
        elif char.isalnum() and not in_word:
            found.append(start)
            in_word = True
    return found


def test_an_elevenlabs_job_is_captioned_on_the_alignment_and_costs_its_characters(
    make_services, stub, tmp_path
):
    stub.faults.append(TOO_MANY_CONCURRENT)  # one call is refused once and retried
    svc = make_services(_settings(stub))
    job = run_job(svc, "A lighthouse keeper befriends a lonely whale", **SMALL)

    assert job.status == "done", job.error
    story = job.story
    assert story is not None and story.language == "en"
    texts = [scene.narration for scene in story.scenes]

    # Every scene narrated once, with its neighbours' lines as context.
    answered = [r for r in stub.tts_requests() if r.status == 200]
    assert sorted(r.body["text"] for r in answered) == sorted(texts)
    sent = {r.body["text"]: r.body for r in answered}
    for i, text in enumerate(texts):
        assert sent[text].get("previous_text") == (texts[i - 1] if i else None)
        assert sent[text].get("next_text") == (texts[i + 1] if i + 1 < len(texts) else None)
    assert len(stub.tts_requests()) == len(texts) + 1  # the one 429

    # The video: H.264 with AAC audio, as long as the job says.
    video = svc.blobs.download(job.outputs.video, tmp_path / "video.mp4")
    info = ffprobe(video)
    assert {s["codec_type"]: s["codec_name"] for s in info["streams"]} == {
        "video": "h264",
        "audio": "aac",
    }
    assert abs(float(info["format"]["duration"]) - job.outputs.duration_s) < 0.2

    # Narration is stored as the MP3 ElevenLabs sent; captions start on the stub's word times.
    timeline = svc.assembler.timeline(job, story, tmp_path / "assets")
    expected = []
    for start, scene in zip(timeline.starts(), timeline.scenes, strict=True):
        manifest = svc.assets.load_narration(job.scenes[scene.id].narration_key)
        assert manifest.mime == "audio/mpeg"
        base = start + scene.narration_offset_s
        expected += [base + t for t in _word_starts(stub, scene.text)]
    cues = _srt_starts(svc.blobs.get(job.outputs.captions_srt).decode())
    assert cues and cues[0] == pytest.approx(expected[0], abs=0.002)
    for cue in cues:
        assert min(abs(cue - w) for w in expected) <= 0.002

    # Cost: the characters of the texts ElevenLabs billed (not the context, not the 429), once.
    [(provider, line)] = [(p, c) for p, c in job.cost.items() if p.startswith("elevenlabs/")]
    assert provider == svc.pipeline.providers.voice.id
    assert line.unit == "char"
    assert line.units == sum(len(t) for t in texts) == stub.billed_characters
    assert line.actual_usd == pytest.approx(line.units / 1000 * 0.10, abs=1e-4)
    assert line.actual_usd > 0


def test_a_preview_of_the_same_story_reuses_the_narration_and_is_not_billed_again(
    make_services, stub
):
    svc = make_services(_settings(stub))
    first = run_job(svc, "A fox guards a glowing forest", **SMALL)
    assert first.status == "done", first.error
    billed = stub.billed_characters
    calls = len(stub.tts_requests())

    again = svc.pipeline.start(OWNER, StartJob(project_id=first.project_id, kind="preview"))
    assert svc.queue.wait_idle(300)
    second = svc.jobs.get(again.id)

    assert second.status == "done", second.error
    assert len(stub.tts_requests()) == calls and stub.billed_characters == billed
    assert not any(p.startswith("elevenlabs/") for p in second.cost)
