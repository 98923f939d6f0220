"""The cloud exporters on their wire: a job's spans reach Cloud Trace's Telemetry (OTLP) API as
an OTLP/HTTP protobuf ExportTraceServiceRequest at /v1/traces, with their parents, names,
attributes and the project's resource (and are kept with the job too); a finished job's metrics
(latency by stage, cost) reach a gRPC stand-in of Cloud Monitoring as CreateTimeSeries under
workload.googleapis.com; a failed one is counted by the stage it failed in. On Cloud Run the
resource names the service and the project from a stand-in of the metadata server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.resources import Resource

from common.adapters.otel.cloud import (
    cloud_monitoring_reader,
    cloud_resource,
    cloud_trace_exporter,
)
from common.adapters.otel.metrics import OtelMetrics
from common.adapters.otel.tracer import OtelTracer
from common.domain.job import CostLine, Job, JobError, StageTiming
from common.domain.project import ProjectSettings
from common.domain.traces import SpanRecord
from common.ports.tracing import JOB_ID
from common.services.observability.job_metrics import (
    FAILURES,
    JOB_LATENCY,
    STAGE_LATENCY,
    VIDEO_COST,
    JobMetrics,
)
from tests.stubs.cloud_monitoring_server import CloudMonitoringStub
from tests.stubs.gce_metadata_server import MetadataStub
from tests.support.tasks_emulator import Receiver

T0 = datetime(2031, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def cloud() -> Iterator[CloudMonitoringStub]:
    with CloudMonitoringStub() as stub:
        yield stub


@pytest.fixture
def telemetry() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


def _job(status: str, **fields: object) -> Job:
    return Job.model_validate(
        {
            "id": "j1",
            "owner": "alice",
            "project_id": "p1",
            "status": status,
            "settings": ProjectSettings().model_dump(),
            "created_at": T0,
            "updated_at": T0 + timedelta(seconds=95),
            "finished_at": T0 + timedelta(seconds=95),
            "timings": {
                "script": StageTiming(started_at=T0, finished_at=T0 + timedelta(seconds=8)),
                "scenes": StageTiming(
                    started_at=T0 + timedelta(seconds=20), finished_at=T0 + timedelta(seconds=80)
                ),
            },
            **fields,
        }
    )


def test_spans_reach_cloud_trace_over_otlp_with_their_parents_and_attributes(telemetry):
    kept: list[SpanRecord] = []
    tracer = OtelTracer(
        keep=lambda job_id, spans: kept.extend(spans),
        exporters=[cloud_trace_exporter("demo-project", telemetry.url, credentials=False)],
        resource=Resource.create({"gcp.project_id": "demo-project"}),
    )
    with (
        tracer.span("step_clip", attributes={JOB_ID: "j1"}, kind="consumer"),
        tracer.span("video.poll", attributes={"storygenius.poll": 2}, kind="client"),
    ):
        pass
    tracer.flush()
    tracer.close()

    [posted] = telemetry.received
    assert posted.target == "v1/traces"
    assert posted.headers["Content-Type"] == "application/x-protobuf"
    request = ExportTraceServiceRequest.FromString(posted.body)
    [resource_spans] = request.resource_spans
    resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
    assert resource["gcp.project_id"] == "demo-project"
    assert resource["service.name"] == "storygenius"
    spans = {s.name: s for scope in resource_spans.scope_spans for s in scope.spans}
    step, poll = spans["step_clip"], spans["video.poll"]
    assert poll.parent_span_id == step.span_id and poll.trace_id == step.trace_id
    assert step.trace_id.hex() == kept[0].trace_id
    assert {a.key: a.value.string_value for a in step.attributes}[JOB_ID] == "j1"
    assert {a.key: a.value.int_value for a in poll.attributes}["storygenius.poll"] == 2
    # The same spans are kept with the job for GET /v1/jobs/{id}/trace.
    assert {s.span_id for s in kept} == {step.span_id.hex(), poll.span_id.hex()}


def test_a_finished_job_s_latency_by_stage_and_cost_reach_cloud_monitoring(cloud):
    reader = cloud_monitoring_reader("demo-project", client=cloud.monitoring_client())
    metrics = OtelMetrics([reader])
    cost = {"clip": CostLine(units=24, unit="second", estimated_usd=3.6, actual_usd=3.6)}
    JobMetrics(metrics).job_ended(_job("done", cost=cost, stage="done", progress=100))
    metrics.close()

    types = {d.type for d in cloud.descriptors}
    assert f"workload.googleapis.com/{STAGE_LATENCY}" in types
    series = {
        (s.metric.type.removeprefix("workload.googleapis.com/"), s.metric.labels.get("stage", ""))
        : s for s in cloud.time_series
    }  # fmt: skip
    scenes = series[(STAGE_LATENCY, "scenes")].points[0].value.distribution_value
    assert (scenes.count, scenes.mean) == (1, 60.0)
    assert series[(JOB_LATENCY, "")].points[0].value.distribution_value.mean == 95.0
    assert series[(VIDEO_COST, "")].points[0].value.distribution_value.mean == pytest.approx(3.6)
    assert all(s.resource.type for s in cloud.time_series)


def test_a_failed_job_is_counted_by_the_stage_it_failed_in():
    reader = InMemoryMetricReader()
    metrics = OtelMetrics([reader])
    error = JobError(stage="scenes", scene="s2", code="provider_error", message="quota")
    JobMetrics(metrics).job_ended(_job("failed", error=error, stage="scenes"))
    data = reader.get_metrics_data()
    assert data is not None
    found = {
        m.name: m.data.data_points
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
    }
    [failure] = found[FAILURES]
    assert failure.value == 1
    assert dict(failure.attributes) == {
        "kind": "generate",
        "stage": "scenes",
        "code": "provider_error",
    }
    assert VIDEO_COST not in found  # nothing was delivered


@pytest.fixture
def on_cloud_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[MetadataStub]:
    """This process as a Cloud Run instance: the revision's environment, and the detector's
    metadata server address pointed at a stand-in (its caches cleared before and after)."""
    from opentelemetry.resourcedetector.gcp_resource_detector import _metadata

    def forget() -> None:
        for cached in (_metadata.get_metadata, _metadata.is_available, cloud_resource):
            cached.cache_clear()

    stub = MetadataStub("demo-project")
    monkeypatch.setattr(_metadata, "_GCP_METADATA_URL", stub.base_url)
    monkeypatch.setenv("K_SERVICE", "step-clip")
    monkeypatch.setenv("K_REVISION", "step-clip-00042")
    monkeypatch.setenv("K_CONFIGURATION", "step-clip")
    # Read before Cloud Run's: the functions framework sets it in a process that served a test.
    monkeypatch.delenv("FUNCTION_TARGET", raising=False)
    forget()
    yield stub
    forget()
    stub.close()


def test_on_cloud_run_spans_are_filed_under_the_metadata_server_s_project_unless_one_is_set(
    on_cloud_run,
):
    detected = cloud_resource("").attributes
    assert detected["gcp.project_id"] == "demo-project"  # the Telemetry API's key
    assert detected["cloud.platform"] == "gcp_cloud_run"
    assert (detected["faas.name"], detected["faas.version"]) == ("step-clip", "step-clip-00042")
    assert detected["cloud.region"] == "europe-west1"
    assert cloud_resource("other-project").attributes["gcp.project_id"] == "other-project"
    assert all(r.headers["metadata-flavor"] == "Google" for r in on_cloud_run.requests)
