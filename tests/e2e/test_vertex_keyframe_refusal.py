"""A keyframe the Gemini image model refuses does not fail the job: it is asked once more with the
setting and style alone, and refused again it is painted offline and the scene moves as Ken Burns.

One worker delivers the steps in order (references, then the keyframes of s01, s02, s03), so the
stub's scripted image answers land on known scenes; every task is delivered twice, and the stub's
log shows that a redelivered keyframe step never asks the model again.
"""

from __future__ import annotations

import pytest

from common.domain.model_catalogue import model_info
from tests.stubs.vertex_server import VertexStub, VideoOutcome, sample_story
from tests.support.fakes import DoubleDeliveryQueue
from tests.support.jobs import DRAFT, OWNER, run_job, vertex_settings

pytestmark = pytest.mark.slow

SMALL = {"duration_s": 12, "resolution": "720p"}
REFUSAL = "IMAGE_SAFETY"
VIDEO_REFUSAL = "58061214: person generation withheld"


def _script_images(stub: VertexStub, *refused: bool) -> None:
    """The image answers in order: the two character references, then one per keyframe request
    (True: refused by the safety filter)."""
    for _ in range(2):
        stub.answer_image()
    for refuse in refused:
        stub.answer_image(refuse=REFUSAL if refuse else "")


def _image_requests(stub: VertexStub) -> list[dict[str, object]]:
    sent = stub.requests("generateContent")
    return [
        r.body
        for r in sent
        if "IMAGE" in r.body.get("generationConfig", {}).get("responseModalities", [])
    ]


def _run(make_services, stub: VertexStub):
    svc = make_services(
        vertex_settings(stub, **DRAFT), queue=DoubleDeliveryQueue(workers=1, max_attempts=3)
    )
    job = run_job(svc, "A lighthouse keeper befriends a lonely whale", **SMALL)
    return svc, job


def _toned_down(body: dict[str, object]) -> bool:
    """A keyframe request with the setting and style alone: no character, no reference image."""
    parts = body["contents"][0]["parts"]  # type: ignore[index]
    text = " ".join(p.get("text", "") for p in parts)
    return (
        "lighthouse on a rocky coast" in text
        and "Mara" not in text
        and "whale" not in text
        and not any("inlineData" in p for p in parts)
    )


def test_a_keyframe_refused_twice_is_painted_offline_and_its_scene_falls_back_to_ken_burns(
    make_services, vertex_stub
):
    vertex_stub.story = sample_story(3)
    # s01 drawn; s02 refused, and refused again toned down; s03 drawn.
    _script_images(vertex_stub, False, True, True, False)

    svc, job = _run(make_services, vertex_stub)

    assert job.status == "done", job.error
    assert job.progress == 100
    stand_in = job.scenes["s02"]
    assert stand_in.keyframe == "fallback"
    assert stand_in.clip == "fallback" and stand_in.clip_source == "kenburns"
    assert stand_in.motion is not None and stand_in.clip_key is None
    reason = stand_in.fallback_reason or ""
    assert reason.startswith("keyframe refused by the safety filter")
    assert reason.count(REFUSAL) == 2 and "painted offline" in reason
    assert svc.blobs.get(stand_in.keyframe_key)[:8] == b"\x89PNG\r\n\x1a\n"
    for scene_id in ("s01", "s03"):
        state = job.scenes[scene_id]
        assert state.keyframe == "done" and state.fallback_reason is None
        assert state.clip == "done" and state.clip_source == "veo"
        assert state.clip_key.startswith(f"jobs/{job.id}/clips/{scene_id}/")

    # Two references, s01, s02 twice (the second toned down), s03: no more, though every task
    # was delivered twice. The stand-in picture is never sent to Veo.
    images = _image_requests(vertex_stub)
    assert len(images) == 2 + 4
    assert _toned_down(images[4]) and not _toned_down(images[3])
    assert len(vertex_stub.requests("predictLongRunning")) == 2

    # Only the images the model made are charged: two references and two keyframes.
    cost = job.cost[f"gemini-image/{svc.settings.gemini_image_model}"]
    assert cost.units == 4
    image_price = model_info(svc.settings.gemini_image_model)
    assert image_price is not None
    assert cost.estimated_usd == pytest.approx(4 * image_price.usd_per_unit)


def test_a_keyframe_drawn_after_a_toned_down_retry_keeps_its_ai_clip(make_services, vertex_stub):
    vertex_stub.story = sample_story(3)
    # s02 refused once, then drawn from its setting and style.
    _script_images(vertex_stub, False, True, False, False)

    svc, job = _run(make_services, vertex_stub)

    assert job.status == "done", job.error
    toned = job.scenes["s02"]
    assert toned.keyframe == "done" and toned.keyframe_origin == "generated"
    assert toned.clip == "done" and toned.clip_source == "veo"
    assert toned.clip_key.startswith(f"jobs/{job.id}/clips/s02/")
    reason = toned.fallback_reason or ""
    assert REFUSAL in reason and "drawn again without characters or action" in reason
    for scene_id in ("s01", "s03"):
        state = job.scenes[scene_id]
        assert state.keyframe == "done" and state.fallback_reason is None
        assert state.clip == "done" and state.clip_source == "veo"

    images = _image_requests(vertex_stub)
    assert len(images) == 2 + 4
    assert _toned_down(images[4])
    assert len(vertex_stub.requests("predictLongRunning")) == 3

    # The refusal is not charged; the toned-down keyframe is, under its own key.
    cost = job.cost[f"gemini-image/{svc.settings.gemini_image_model}"]
    assert cost.units == 5
    keys = [e.key for e in svc.pipeline.usage.events(OWNER, job.id) if e.stage == "keyframe"]
    assert len(keys) == len(set(keys)) == 3


def test_a_toned_down_scene_whose_clip_is_filtered_too_keeps_both_reasons(
    make_services, vertex_stub
):
    vertex_stub.story = sample_story(3)
    _script_images(vertex_stub, False, True, False, False)
    # Only s02 has the whale in its cast, so only its clip prompt names it.
    vertex_stub.video_rules.append(("humpback", VideoOutcome(filtered=[VIDEO_REFUSAL])))

    _, job = _run(make_services, vertex_stub)

    assert job.status == "done", job.error
    state = job.scenes["s02"]
    assert state.keyframe == "done" and state.clip == "fallback"
    reason = state.fallback_reason or ""
    assert "drawn again without characters or action" in reason and VIDEO_REFUSAL in reason
    assert reason.count(VIDEO_REFUSAL) == 1  # every task was delivered twice
