"""Whole jobs on the Vertex providers (Gemini script and images, Veo clips) against the Vertex
stub, through the in-process queue: the video is made, a clip the safety filter withheld falls
back to Ken Burns and the job says why, and every provider call is charged once."""

from __future__ import annotations

import pytest

from common.domain import model_catalogue
from common.domain.commands import CreateProject, StartJob
from tests.stubs.vertex_server import VideoOutcome, sample_story
from tests.support.fakes import DoubleDeliveryQueue
from tests.support.jobs import DRAFT, OWNER, run_job, vertex_settings
from tests.support.probe import ffprobe

pytestmark = pytest.mark.slow

SMALL = {"duration_s": 12, "resolution": "720p"}
VEO = "veo-3.1-fast-generate-001"
REASON = "58061214: person generation withheld"


def test_a_vertex_job_makes_a_video_and_a_filtered_clip_falls_back_to_ken_burns(
    make_services, vertex_stub, tmp_path
):
    vertex_stub.story = sample_story(3, storm_scene=2)
    vertex_stub.video_rules.append(("storm", VideoOutcome(polls=2, filtered=[REASON])))
    vertex_stub.next_video(VideoOutcome(polls=3))  # one of the others is slow
    svc = make_services(vertex_settings(vertex_stub, **DRAFT))

    job = run_job(svc, "A lighthouse keeper befriends a lonely whale", **SMALL)

    assert job.status == "done", job.error
    assert job.scene_ids == ["s01", "s02", "s03"]
    filtered = job.scenes["s02"]
    assert filtered.clip == "fallback"
    assert filtered.clip_source == "kenburns"
    assert REASON in (filtered.fallback_reason or "")
    assert filtered.motion is not None and filtered.clip_key is None
    for scene_id in ("s01", "s03"):
        state = job.scenes[scene_id]
        assert state.clip == "done" and state.clip_source == "veo"
        assert state.clip_key.startswith(f"jobs/{job.id}/clips/{scene_id}/")
        assert svc.blobs.get(state.clip_key)[4:8] == b"ftyp"

    info = ffprobe(svc.blobs.download(job.outputs.video, tmp_path / "video.mp4"))
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (job.render.width, job.render.height)
    assert job.render.height > job.render.width  # 9:16
    assert 8 <= float(info["format"]["duration"]) <= 20

    # What Vertex was asked: one story, two references and three keyframes, three clips.
    assert len(vertex_stub.requests("generateContent")) == 1 + 2 + 3
    starts = vertex_stub.requests("predictLongRunning")
    assert len(starts) == 3
    for sent in starts:
        assert sent.model == VEO
        assert sent.body["parameters"]["generateAudio"] is False
        assert sent.body["parameters"]["aspectRatio"] == "9:16"
        assert sent.body["instances"][0]["image"]["bytesBase64Encoded"]

    # Charged at the models' list prices: a story, five images, the clip seconds delivered;
    # the refused clip is recorded with its reason and what it would have cost, not charged.
    story = svc.projects.load(job.project_id).story
    price = model_catalogue.model_info
    clip_seconds = sum(s.clip_seconds for s in story.scenes if s.id != "s02")
    refused_s = story.scene("s02").clip_seconds
    script_model = svc.settings.gemini_script_model
    assert job.cost[f"gemini/{script_model}"].estimated_usd == pytest.approx(
        price(script_model).usd_per_unit
    )
    images = job.cost[f"gemini-image/{svc.settings.gemini_image_model}"]
    assert images.units == 5
    assert images.estimated_usd == pytest.approx(
        5 * price(svc.settings.gemini_image_model).usd_per_unit
    )
    veo = job.cost[f"veo/{VEO}"]
    assert veo.units == clip_seconds
    assert veo.actual_usd == pytest.approx(clip_seconds * price(VEO).usd_per_unit)
    assert veo.refused_units == refused_s
    assert veo.refused_usd == pytest.approx(refused_s * price(VEO).usd_per_unit)
    [unbilled] = filtered.unbilled
    assert (unbilled.units, unbilled.unit) == (refused_s, "second") and REASON in unbilled.reason
    assert svc.pipeline.quotas.view(OWNER).today.veo_s == clip_seconds
    # Cost per scene: what each scene was charged, next to its estimate.
    for scene in story.scenes:
        state = job.scenes[scene.id]
        veo_s = scene.clip_seconds if scene.id != "s02" else 0
        assert state.cost_usd == pytest.approx(
            price(svc.settings.gemini_image_model).usd_per_unit + veo_s * price(VEO).usd_per_unit
        )
        assert state.estimated_usd is not None and state.estimated_usd >= state.cost_usd
    assert job.estimate is not None
    assert sum(s.cost_usd for s in job.scenes.values()) < job.estimate.total_usd


def test_a_clip_start_retried_and_delivered_twice_is_started_and_charged_once(
    make_services, vertex_stub
):
    vertex_stub.story = sample_story(2)
    vertex_stub.fail("predictLongRunning", 429, 503)
    queue = DoubleDeliveryQueue(workers=4, max_attempts=5)
    svc = make_services(vertex_settings(vertex_stub, **DRAFT), queue=queue)

    job = run_job(svc, "A lighthouse keeper befriends a lonely whale", **SMALL)

    assert job.status == "done", job.error
    assert all(s.clip == "done" and s.clip_source == "veo" for s in job.scenes.values())
    started = vertex_stub.requests("predictLongRunning")
    prompts = [r.body["instances"][0]["prompt"] for r in started]
    assert len(prompts) == 2 + 2  # two clips, plus the two answers the client retried
    operations = {name for name in vertex_stub.operations}
    assert len(operations) == 2
    story = svc.projects.load(job.project_id).story
    veo = job.cost[f"veo/{VEO}"]
    assert veo.units == sum(s.clip_seconds for s in story.scenes)


def test_a_vertex_story_that_never_fits_fails_the_job_at_the_script_stage(
    make_services, vertex_stub
):
    for _ in range(3):
        vertex_stub.answer_text('{"title": "cut off', "MAX_TOKENS")
    svc = make_services(vertex_settings(vertex_stub))
    project = svc.projects.create(OWNER, CreateProject(prompt="A fox", settings=SMALL))

    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id))
    assert svc.queue.wait_idle(60)
    job = svc.jobs.get(job.id)

    assert job.status == "failed"
    assert job.error.stage == "script"
    assert job.error.code == "invalid_response"
    assert "MAX_TOKENS" in job.error.message
    assert vertex_stub.requests("predictLongRunning") == []


def test_a_clip_that_runs_past_its_deadline_is_recorded_apart_and_not_charged(
    make_services, vertex_stub
):
    vertex_stub.story = sample_story(2, storm_scene=1)
    vertex_stub.video_rules.append(("storm", VideoOutcome(seconds=3600)))  # never in time
    svc = make_services(vertex_settings(vertex_stub, clip_deadline_s=1.0, **DRAFT))

    job = run_job(svc, "A lighthouse keeper befriends a lonely whale", **SMALL)

    assert job.status == "done", job.error
    late, delivered = job.scenes["s01"], job.scenes["s02"]
    assert late.clip == "fallback" and "timed out" in (late.fallback_reason or "")
    story = svc.projects.load(job.project_id).story
    late_s, delivered_s = (story.scene(s).clip_seconds for s in ("s01", "s02"))
    [unbilled] = late.unbilled
    assert (unbilled.units, unbilled.unit) == (late_s, "second")
    assert "timed out" in unbilled.reason
    veo = job.cost[f"veo/{VEO}"]
    assert (veo.units, veo.refused_units) == (delivered_s, late_s)
    per_s = model_catalogue.model_info(VEO).usd_per_unit
    assert veo.actual_usd == pytest.approx(delivered_s * per_s)
    assert late.cost_usd < delivered.cost_usd  # its picture only, no clip
    assert svc.pipeline.quotas.view(OWNER).today.veo_s == delivered_s
