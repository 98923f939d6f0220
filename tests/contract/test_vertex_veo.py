"""VeoVideoGenerator through the real google-genai SDK against the Vertex stub: the request on the
wire (model, keyframe, duration, aspect, no audio, output location), polling until done, where
the clip lands, and the outcomes the clip step turns into Ken Burns fallbacks."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from common.adapters.local.fs_blobs import FsBlobStore
from common.adapters.vertex.veo import VeoVideoGenerator
from common.domain.assets import ClipRequest
from common.domain.errors import ProviderError
from tests.stubs.vertex_server import VideoOutcome, decode_b64
from tests.support.probe import ffprobe

MODEL = "veo-3.1-fast-generate-001"
KEYFRAME = "cache/images/keyframe.png"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 160), (30, 60, 90)).save(out, format="PNG")
    return out.getvalue()


def _request(blobs, **changes) -> ClipRequest:
    values = dict(
        prompt="Mara climbs the stairs, slow push-in",
        image_key=KEYFRAME,
        image_uri=blobs.uri(KEYFRAME),
        aspect="9:16",
        resolution="720p",
        duration_s=6,
        seed=3001,
        negative_prompt="text, watermark",
        output_prefix="jobs/j1/clips/s01/",
    )
    return ClipRequest(**{**values, **changes})


@pytest.fixture
def fs_blobs(tmp_path):
    blobs = FsBlobStore(tmp_path / "media")
    blobs.put(KEYFRAME, _png(), "image/png")
    return blobs


@pytest.fixture
def veo(vertex_client, fs_blobs):
    return VeoVideoGenerator(vertex_client, MODEL, fs_blobs)


def _poll_until_done(veo, name, limit=10):
    polls = 0
    op = veo.poll(name)
    while not op.done:
        polls += 1
        assert polls < limit, "the operation never finished"
        op = veo.poll(name)
    return op, polls


def test_start_sends_the_keyframe_inline_with_duration_aspect_and_no_audio(
    veo, vertex_stub, fs_blobs
):
    op = veo.start(_request(fs_blobs))

    assert not op.done
    (sent,) = vertex_stub.requests("predictLongRunning")
    assert (sent.project, sent.location, sent.model) == ("p", "us-central1", MODEL)
    instance = sent.body["instances"][0]
    assert instance["prompt"] == "Mara climbs the stairs, slow push-in"
    assert decode_b64(instance["image"]["bytesBase64Encoded"]) == _png()
    assert instance["image"]["mimeType"] == "image/png"
    params = sent.body["parameters"]
    assert params["durationSeconds"] == 6
    assert params["aspectRatio"] == "9:16"
    assert params["resolution"] == "720p"
    assert params["generateAudio"] is False
    assert params["sampleCount"] == 1
    assert params["seed"] == 3001
    assert params["negativePrompt"] == "text, watermark"
    assert "storageUri" not in params  # local media: the clip comes back as bytes


def test_a_slow_operation_is_polled_until_done_and_its_bytes_are_stored(
    veo, vertex_stub, fs_blobs, tmp_path
):
    vertex_stub.next_video(VideoOutcome(polls=3))
    op = veo.start(_request(fs_blobs, duration_s=4))

    done, polls = _poll_until_done(veo, op.name)

    assert polls == 3
    assert done.result is not None and done.result.source == "veo"
    assert done.result.kind == "file"
    assert done.result.key.startswith("jobs/j1/clips/s01/") and done.result.key.endswith(".mp4")
    info = ffprobe(fs_blobs.download(done.result.key, tmp_path / "clip.mp4"))
    assert info["streams"][0]["codec_name"] == "h264"
    assert abs(float(info["format"]["duration"]) - 4) < 0.2
    fetches = vertex_stub.requests("fetchPredictOperation")
    assert len(fetches) == 4
    assert fetches[0].body["operationName"] == op.name.split("|")[0]
    assert fetches[0].model == MODEL


def test_polling_again_after_done_stores_the_clip_once(veo, vertex_stub, fs_blobs):
    vertex_stub.next_video(VideoOutcome(polls=0))
    op = veo.start(_request(fs_blobs))
    first = veo.poll(op.name)
    second = veo.poll(op.name)

    assert first.result == second.result
    assert fs_blobs.list("jobs/j1/clips/") == [first.result.key]


def test_with_cloud_storage_veo_reads_the_keyframe_and_writes_the_clip_in_the_bucket(
    vertex_client, vertex_stub, gcs_bucket, gcs_client
):
    from common.adapters.gcp.gcs_blobs import GcsBlobStore

    blobs = GcsBlobStore(gcs_bucket, client=gcs_client)
    blobs.put(KEYFRAME, _png(), "image/png")
    vertex_stub.gcs_client = gcs_client
    veo = VeoVideoGenerator(vertex_client, MODEL, blobs, output_bucket=gcs_bucket)

    op = veo.start(_request(blobs, duration_s=8))
    done, _ = _poll_until_done(veo, op.name)

    params = vertex_stub.requests("predictLongRunning")[0].body
    assert params["instances"][0]["image"]["gcsUri"] == f"gs://{gcs_bucket}/{KEYFRAME}"
    assert params["parameters"]["storageUri"] == f"gs://{gcs_bucket}/jobs/j1/clips/s01/"
    assert done.result.key.startswith("jobs/j1/clips/s01/")
    assert blobs.get(done.result.key)[4:8] == b"ftyp"


@pytest.mark.parametrize(("aspect", "sent"), [("16:9", "16:9"), ("1:1", "16:9")])
def test_landscape_and_square_projects_get_landscape_clips(
    veo, vertex_stub, fs_blobs, aspect, sent
):
    veo.start(_request(fs_blobs, aspect=aspect, duration_s=8))

    params = vertex_stub.requests("predictLongRunning")[0].body["parameters"]
    assert params["aspectRatio"] == sent
    assert params["durationSeconds"] == 8


def test_a_clip_withheld_by_the_safety_filter_is_a_filtered_operation_with_reasons(
    veo, vertex_stub, fs_blobs
):
    reasons = ["58061214: the prompt could not be submitted (child safety)"]
    vertex_stub.next_video(VideoOutcome(polls=1, filtered=reasons))
    op = veo.start(_request(fs_blobs))

    done, _ = _poll_until_done(veo, op.name)

    assert done.filtered and done.result is None
    assert "58061214" in done.error
    assert fs_blobs.list("jobs/") == []


def test_a_failed_operation_is_done_with_its_code_and_message(veo, vertex_stub, fs_blobs):
    vertex_stub.next_video(VideoOutcome(polls=0, error=(13, "internal error in video model")))
    op = veo.start(_request(fs_blobs))

    done = veo.poll(op.name)

    assert done.done and not done.filtered and done.result is None
    assert done.error == "Veo error 13: internal error in video model"


def test_a_throttled_start_is_retried_by_the_client_and_a_rejected_one_is_not(
    veo, vertex_stub, fs_blobs
):
    vertex_stub.fail("predictLongRunning", 429)
    op = veo.start(_request(fs_blobs))
    assert op.name
    assert len(vertex_stub.requests("predictLongRunning")) == 2

    vertex_stub.fail("predictLongRunning", 400)
    with pytest.raises(ProviderError) as caught:
        veo.start(_request(fs_blobs))
    assert not caught.value.retryable
    assert "400" in caught.value.message
    assert len(vertex_stub.requests("predictLongRunning")) == 3


def test_a_poll_that_keeps_failing_is_a_retryable_error(veo, vertex_stub, fs_blobs):
    op = veo.start(_request(fs_blobs))
    vertex_stub.fail("fetchPredictOperation", 500, 500, 500)

    with pytest.raises(ProviderError) as caught:
        veo.poll(op.name)

    assert caught.value.retryable
    assert caught.value.code == "provider_unavailable"
    assert len(vertex_stub.requests("fetchPredictOperation")) == 3


def test_a_name_that_is_not_a_vertex_operation_is_refused(veo, vertex_stub):
    with pytest.raises(ProviderError) as caught:
        veo.poll("offline-kb:e,0.5,0.5,1.0,0.5,0.5,1.1")

    assert not caught.value.retryable
    assert vertex_stub.requests("fetchPredictOperation") == []
