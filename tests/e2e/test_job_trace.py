"""A job is one trace: on the provider stand-ins (Gemini and Veo on the Vertex stub, ElevenLabs on
its stub), the request that starts it, every step delivery and every provider call are spans of
one trace, each hop a child of the span that enqueued it; the API answers that trace to the
job's owner only, until the project is deleted with its jobs; and the assembly job, started on
Cloud Run with the trace context in its environment, continues the same trace. A job that
ends is measured once: latency by stage, its cost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from common.adapters.gcp.cloud_run import CloudRunJobRunner
from common.adapters.otel.metrics import OtelMetrics
from common.domain.traces import JobTrace, SpanRecord
from common.services.observability.job_metrics import (
    FAILURES,
    JOB_LATENCY,
    STAGE_LATENCY,
    VIDEO_COST,
)
from functions import assemble_job
from tests.contract.test_cloud_run import JOB, PROJECT, REGION, operation, rest_client
from tests.stubs.elevenlabs_server import ElevenLabsStub
from tests.stubs.vertex_server import VideoOutcome, sample_story
from tests.support.api import ALICE, BOB, api_client, installed
from tests.support.jobs import DRAFT, run_job, vertex_settings
from tests.support.tasks_emulator import Receiver

pytestmark = pytest.mark.slow

SCENES = 3


@pytest.fixture
def voice() -> Iterator[ElevenLabsStub]:
    with ElevenLabsStub() as server:
        yield server


def _settings(vertex_stub, voice: ElevenLabsStub) -> dict[str, object]:
    return vertex_settings(
        vertex_stub,
        **DRAFT,
        voice="elevenlabs",
        elevenlabs_api_key=voice.api_key,
        elevenlabs_base_url=voice.base_url,
    )


def _start(client, vertex_stub) -> str:
    vertex_stub.story = sample_story(SCENES)
    vertex_stub.default_video = VideoOutcome(polls=2)
    body = {"prompt": "A fox guards a glowing forest", "settings": {"duration_s": 12}}
    answer = client.post("/v1/projects", json=body, headers=ALICE)
    assert answer.status_code == 201, answer.json
    started = client.post(f"/v1/projects/{answer.json['id']}/generate", headers=ALICE)
    assert started.status_code == 202, started.json
    return str(started.json["job_id"])


def _check_tree(spans: list[SpanRecord]) -> dict[str, SpanRecord]:
    """One trace, one root, every other span's parent in it; the spans by id."""
    by_id = {s.span_id: s for s in spans}
    assert len({s.trace_id for s in spans}) == 1
    roots = [s for s in spans if s.parent_span_id is None]
    assert [r.name for r in roots] == ["POST /v1/projects/{project_id}/generate"]
    orphans = [s.name for s in spans if s.parent_span_id and s.parent_span_id not in by_id]
    assert orphans == []
    for span in spans:
        assert span.start_time <= span.end_time
    return by_id


def test_one_job_on_the_stand_ins_is_one_trace_of_every_delivery_and_provider_call(
    make_services, vertex_stub, voice
):
    vertex_stub.latency["image"] = 1.0  # long enough for the two references to overlap
    svc = make_services(_settings(vertex_stub, voice))
    with installed(svc):
        client = api_client()
        job_id = _start(client, vertex_stub)
        assert svc.queue.wait_idle(300)
        job = svc.jobs.get(job_id)
        assert job.status == "done", job.error
        answer = client.get(f"/v1/jobs/{job_id}/trace", headers=ALICE)
        assert answer.status_code == 200, answer.json
        # Another user's job is not there at all.
        assert client.get(f"/v1/jobs/{job_id}/trace", headers=BOB).status_code == 404
        # Its spans go with it when its project is deleted.
        assert client.delete(f"/v1/projects/{job.project_id}", headers=ALICE).status_code == 204
        assert svc.traces.of_job(job_id).spans == []
        assert client.get(f"/v1/jobs/{job_id}/trace", headers=ALICE).status_code == 404

    trace = JobTrace.model_validate(answer.json)
    assert trace.job_id == job_id and len(trace.trace_ids) == 1
    by_id = _check_tree(trace.spans)
    names = Counter(s.name for s in trace.spans)

    # Every step delivery: one script, one references, one narration and keyframe a scene, a
    # clip start and its polls a scene, one assemble.
    polls = len(vertex_stub.requests("fetchPredictOperation"))
    assert names["step_script"] == names["step_references"] == names["step_assemble"] == 1
    assert names["step_narration"] == names["step_keyframe"] == SCENES
    assert names["step_clip"] == SCENES + polls
    # Every provider call the stand-ins saw is a span, and no other.
    assert names["script.write"] == 1
    assert names["images.generate"] == len(vertex_stub.requests("generateContent")) - 1
    assert names["video.start"] == len(vertex_stub.requests("predictLongRunning")) == SCENES
    assert names["video.poll"] == polls
    assert names["voice.narrate"] == SCENES
    assert names["ffmpeg"] >= 1

    # Each hop is a child of the span that enqueued it.
    def parent(span: SpanRecord) -> str:
        assert span.parent_span_id is not None
        return by_id[span.parent_span_id].name

    for span in trace.spans:
        if span.name == "step_script":
            assert parent(span) == "POST /v1/projects/{project_id}/generate"
        elif span.name == "step_references":
            assert parent(span) == "step_script"
        elif span.name in ("step_narration", "step_keyframe"):
            assert parent(span) == "step_references"
        elif span.name == "step_clip" and span.attributes.get("storygenius.poll") is None:
            assert parent(span) == "step_keyframe"
        elif span.name == "step_clip":
            assert parent(span) == "step_clip"
        elif span.name == "video.poll":
            assert parent(span) == "step_clip"
            assert span.attributes["storygenius.operation"].startswith("projects/")
            assert span.attributes["storygenius.poll"] >= 1
        elif span.name == "ffmpeg":
            assert span.attributes["storygenius.ffmpeg.cpu_s"] >= 0
    assert any(s.name == "ffmpeg" and parent(s) == "step_assemble" for s in trace.spans)
    # A clip start is priced: its seconds at the model's list price, charged once it started.
    starts = [s for s in trace.spans if s.name == "video.start"]
    for span in starts:
        assert span.attributes["storygenius.unit"] == "second"
        assert span.attributes["storygenius.cost.estimated_usd"] > 0
        assert span.attributes["storygenius.cost.actual_usd"] == pytest.approx(
            span.attributes["storygenius.cost.estimated_usd"]
        )
    # The story's two characters are painted at once, not one after the other.
    first, second = (
        s for s in trace.spans if s.name == "images.generate" and parent(s) == "step_references"
    )
    assert second.start_time < first.end_time
    narrations = [s for s in trace.spans if s.name == "voice.narrate"]
    assert sum(s.attributes["storygenius.units"] for s in narrations) == voice.billed_characters


def test_the_assembly_job_on_cloud_run_continues_the_trace_of_the_step_that_started_it(
    make_services, vertex_stub, voice, monkeypatch
):
    cloud_run = Receiver(operation)
    try:
        built = []
        # The assembly step starts a Cloud Run execution (the stub) instead of assembling here.
        runner = CloudRunJobRunner(
            project=PROJECT,
            region=REGION,
            job=JOB,
            client=rest_client(cloud_run.url),
            trace_context=lambda: built[0].tracer.carrier(),
        )
        svc = make_services(_settings(vertex_stub, voice), runner=runner)
        built.append(svc)
        with installed(svc):
            job_id = _start(api_client(), vertex_stub)
            assert svc.queue.wait_idle(300)
            [started] = cloud_run.received
            override = started.json()["overrides"]["containerOverrides"][0]
            assert override["args"] == ["--job-id", job_id]
            env = {e["name"]: e["value"] for e in override["env"]}
            # What Cloud Run puts in the execution's environment, and what its main() reads.
            monkeypatch.setenv("TRACEPARENT", env["TRACEPARENT"])
            assert assemble_job.main(["--job-id", job_id]) == 0
        assert svc.jobs.get(job_id).status == "done"
    finally:
        cloud_run.close()

    spans = svc.traces.of_job(job_id).spans
    by_id = _check_tree(spans)
    [execution] = [s for s in spans if s.name == "assemble_job"]
    assert execution.parent_span_id is not None
    assert by_id[execution.parent_span_id].name == "step_assemble"
    assert env["TRACEPARENT"].split("-")[2] == execution.parent_span_id
    ffmpeg = [s for s in spans if s.name == "ffmpeg"]
    assert ffmpeg and all(by_id[s.parent_span_id or ""].name == "assemble_job" for s in ffmpeg)


def test_a_finished_job_is_measured_once_by_stage_with_its_cost(make_services):
    reader = InMemoryMetricReader()
    svc = make_services({**DRAFT}, metrics=OtelMetrics([reader]))
    job = run_job(svc, "A fox guards a glowing forest", duration_s=10)
    assert job.status == "done", job.error
    data = reader.get_metrics_data()
    assert data is not None
    points = {
        metric.name: list(metric.data.data_points)
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
    }
    stages = {p.attributes["stage"]: p for p in points[STAGE_LATENCY]}
    assert {"script", "references", "scenes", "assembly"} <= set(stages)
    for stage, timing in job.timings.items():
        if timing.finished_at is not None:
            seconds = (timing.finished_at - timing.started_at).total_seconds()
            assert stages[stage].count == 1 and stages[stage].sum == pytest.approx(seconds)
    [total] = points[JOB_LATENCY]
    assert dict(total.attributes) == {"kind": "generate", "status": "done"}
    [cost] = points[VIDEO_COST]
    assert cost.count == 1 and cost.sum == 0.0  # offline providers cost nothing
    assert FAILURES not in points
