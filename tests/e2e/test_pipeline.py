"""Whole jobs through the in-process queue, on the embedded default with offline providers.

The first test checks the video a default job makes (720p); the others check orchestration and
render drafts (tests.support.jobs.DRAFT)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.adapters.local.inprocess_queue import InProcessTaskQueue
from common.domain import steps
from tests.support.fakes import DoubleDeliveryQueue, FailingNarrator, RefusingVideo, SlowVideo
from tests.support.jobs import DRAFT, run_job
from tests.support.probe import ffprobe

pytestmark = pytest.mark.slow

SMALL = {"duration_s": 10, "resolution": "720p"}


def _srt_starts(text: str) -> list[float]:
    starts = []
    for h, m, s, ms in re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) -->", text):
        starts.append(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000)
    return starts


def test_a_job_renders_a_video_with_voice_and_captions_timed_to_the_words(make_services, tmp_path):
    svc = make_services()
    job = run_job(svc, "A lighthouse keeper befriends a lonely whale", **SMALL)

    assert job.status == "done", job.error
    assert job.progress == 100
    video = svc.blobs.download(job.outputs.video, tmp_path / "video.mp4")
    info = ffprobe(video)
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert streams["video"]["codec_name"] == "h264"
    assert (streams["video"]["width"], streams["video"]["height"]) == (720, 1280)
    assert streams["audio"]["codec_name"] == "aac"
    duration = float(info["format"]["duration"])
    assert 7 <= duration <= 16
    assert abs(duration - job.outputs.duration_s) < 0.2

    # Every caption cue starts on a spoken word: absolute word time = scene start + lead-in + word.
    story = svc.projects.load(job.project_id).story
    timeline = svc.assembler.timeline(job, story, tmp_path / "assets")
    assert not timeline.draft_sound  # a full render's soundtrack at full quality
    word_starts = [
        start + scene.narration_offset_s + word.start_s
        for start, scene in zip(timeline.starts(), timeline.scenes, strict=True)
        for word in scene.words
    ]
    cues = _srt_starts(svc.blobs.get(job.outputs.captions_srt).decode())
    assert cues, "no captions"
    for cue in cues:
        assert min(abs(cue - w) for w in word_starts) <= 0.150
    vtt = svc.blobs.get(job.outputs.captions_vtt).decode()
    assert vtt.startswith("WEBVTT")
    assert svc.blobs.get(job.outputs.thumbnail)[:3] == b"\xff\xd8\xff"


def test_a_failing_voice_fails_the_job_naming_stage_scene_and_reason(make_services):
    svc = make_services(DRAFT, voice=FailingNarrator("s01"))
    job = run_job(svc, "A robot learns to paint", **SMALL)

    assert job.status == "failed"
    assert job.error is not None
    assert job.error.stage == "scenes"
    assert job.error.scene in job.scene_ids
    assert "voice refused" in job.error.message
    assert job.outputs.video is None


def test_a_refused_clip_falls_back_to_ken_burns_and_the_job_says_why(make_services):
    video = RefusingVideo()
    svc = make_services(
        {**DRAFT, "clip_first_poll_s": 0.05, "clip_poll_interval_s": 0.05}, video=video
    )
    job = run_job(svc, "A fox guards a glowing forest", **SMALL)

    assert job.status == "done", job.error
    assert len(video.started) == len(job.scene_ids)
    for state in job.scenes.values():
        assert state.clip == "fallback"
        assert state.clip_source == "kenburns"
        assert "safety filter" in (state.fallback_reason or "")
        assert state.motion is not None


def test_a_slow_clip_is_polled_until_done_and_its_file_is_used(make_services, tmp_path):
    svc = make_services({**DRAFT, "clip_first_poll_s": 0.05, "clip_poll_interval_s": 0.05})
    video = SlowVideo(svc.blobs, polls=3)
    svc.pipeline.providers.replace("video", video)
    job = run_job(svc, "A child flies a kite over the sea", **SMALL)

    assert job.status == "done", job.error
    assert all(n == 3 for n in video.seen.values())
    for state in job.scenes.values():
        assert state.clip == "done" and state.clip_source == "veo" and state.clip_key
    info = ffprobe(svc.blobs.download(job.outputs.video, tmp_path / "v.mp4"))
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}


def test_every_step_delivered_twice_calls_each_provider_once(make_services):
    queue = DoubleDeliveryQueue(workers=4, max_attempts=8, base_backoff_s=0.05)
    svc = make_services(DRAFT, queue=queue)
    job = run_job(svc, "Two old friends open a bakery in the city", **SMALL)

    assert job.status == "done", job.error
    characters = len(svc.projects.load(job.project_id).story.style.characters)
    assert svc.assets.calls["narration"] == len(job.scene_ids)
    assert svc.assets.calls["image"] == characters + len(job.scene_ids)
    assert not queue.failures


def test_a_second_job_on_the_same_project_reuses_every_asset(make_services):
    svc = make_services(DRAFT)
    first = run_job(svc, "A snowman wants to see the summer", **SMALL)
    calls = dict(svc.assets.calls)

    from common.domain.commands import StartJob

    second = svc.pipeline.start("tester", StartJob(project_id=first.project_id))
    assert svc.queue.wait_idle(300)
    second = svc.jobs.get(second.id)

    assert second.status == "done", second.error
    assert svc.assets.calls == calls
    assert second.outputs.video != first.outputs.video


def test_unknown_or_finished_jobs_ignore_forged_tasks(make_services):
    from common.domain.commands import StepCommand
    from common.ports import Delivery

    svc = make_services()
    svc.pipeline.handle(steps.SCRIPT, StepCommand(job_id="nope"), Delivery())
    assert isinstance(svc.queue, InProcessTaskQueue)
    assert svc.queue.wait_idle(5)
    assert svc.store.query("jobs") == []


def test_outputs_exist_in_blobs_only_once_the_job_is_done(make_services):
    svc = make_services(DRAFT)
    job = run_job(svc, "A paper boat sails down a rainy street", **SMALL)
    assert job.status == "done"
    keys = svc.blobs.list(f"jobs/{job.id}/")
    assert {Path(k).name for k in keys} >= {
        "video.mp4",
        "thumbnail.jpg",
        "captions.srt",
        "captions.vtt",
    }


def test_the_assembly_job_entry_point_finishes_a_job_the_pipeline_handed_off(
    make_services, tmp_path
):
    from common.bootstrap import install
    from functions.assemble_job import main as assemble_job_main
    from tests.support.fakes import RecordingRunner

    runner = RecordingRunner()
    svc = make_services(DRAFT, runner=runner)
    job = run_job(svc, "A kite dances over the hills", **SMALL)
    assert runner.started == [job.id]
    assert (job.status, job.stage, job.outputs.video) == ("running", "assembly", None)
    story = svc.projects.load(job.project_id).story
    assert svc.assembler.timeline(job, story, tmp_path / "assets").draft_sound

    install(svc)
    try:
        assert assemble_job_main(["--job-id", job.id]) == 0
        assert assemble_job_main(["--job-id", job.id]) == 0  # a retried execution is harmless
    finally:
        install(None)
    job = svc.jobs.get(job.id)
    assert job.status == "done" and job.outputs.video
