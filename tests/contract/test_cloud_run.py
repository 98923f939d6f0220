"""CloudRunJobRunner through google-cloud-run's REST transport against a stub of the Cloud Run
Admin API v2: ``POST /v2/projects/{p}/locations/{l}/jobs/{j}:run`` with a RunJobRequest body,
answered with a long-running Operation."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import run_v2
from werkzeug.wrappers import Request, Response

from common.adapters.gcp.cloud_run import CloudRunJobRunner
from common.domain.errors import InvalidInputError, ProviderError, RetryableError
from tests.support.processes import free_port
from tests.support.tasks_emulator import Receiver

PROJECT, REGION, JOB = "test-project", "us-central1", "storygenius-assemble"
JOB_NAME = f"projects/{PROJECT}/locations/{REGION}/jobs/{JOB}"
STATUS_NAMES = {
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def operation(request: Request) -> Response:
    """What Cloud Run answers to :run: the execution's operation, far from done."""
    body = {
        "name": f"projects/{PROJECT}/locations/{REGION}/operations/op-1",
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.run.v2.Execution",
            "name": f"{JOB_NAME}/executions/{JOB}-x1",
            "job": JOB,
        },
        "done": False,
    }
    return Response(json.dumps(body), status=200, content_type="application/json")


def api_error(status: int) -> Response:
    body = {"error": {"code": status, "message": "stub says no", "status": STATUS_NAMES[status]}}
    return Response(json.dumps(body), status=status, content_type="application/json")


def rest_client(endpoint: str) -> run_v2.JobsClient:
    return run_v2.JobsClient(
        transport="rest",
        client_options={"api_endpoint": endpoint},
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
    )


@pytest.fixture
def cloud_run() -> Iterator[Receiver]:
    stub = Receiver(operation)
    yield stub
    stub.close()


@pytest.fixture
def runner(cloud_run: Receiver) -> CloudRunJobRunner:
    return CloudRunJobRunner(
        project=PROJECT, region=REGION, job=JOB, client=rest_client(cloud_run.url)
    )


def test_run_assembly_starts_an_execution_with_the_job_id(
    cloud_run: Receiver, runner: CloudRunJobRunner
) -> None:
    runner.run_assembly("job-123")
    [request] = cloud_run.received
    assert request.target == f"v2/{JOB_NAME}:run"
    assert request.json() == {
        "overrides": {"containerOverrides": [{"args": ["--job-id", "job-123"]}], "taskCount": 1}
    }


def test_a_long_video_s_execution_asks_for_its_task_count(
    cloud_run: Receiver, runner: CloudRunJobRunner
) -> None:
    runner.run_assembly("job-123", tasks=8)
    [request] = cloud_run.received
    assert request.json()["overrides"]["taskCount"] == 8
    assert request.json()["overrides"]["containerOverrides"][0]["args"] == ["--job-id", "job-123"]


def test_an_execution_without_a_task_is_refused_before_any_call(
    cloud_run: Receiver, runner: CloudRunJobRunner
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        runner.run_assembly("job-123", tasks=0)
    assert "tasks" in raised.value.fields
    assert cloud_run.received == []


def test_the_execution_gets_the_caller_s_trace_context_in_its_environment(
    cloud_run: Receiver,
) -> None:
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    carrier = {"traceparent": traceparent, "tracestate": "k=v"}
    runner = CloudRunJobRunner(
        project=PROJECT,
        region=REGION,
        job=JOB,
        client=rest_client(cloud_run.url),
        trace_context=lambda: carrier,
    )
    runner.run_assembly("job-123")
    [request] = cloud_run.received
    [override] = request.json()["overrides"]["containerOverrides"]
    assert override["args"] == ["--job-id", "job-123"]
    assert override["env"] == [
        {"name": "TRACEPARENT", "value": traceparent},
        {"name": "TRACESTATE", "value": "k=v"},
    ]


def test_run_assembly_does_not_wait_for_the_execution(
    cloud_run: Receiver, runner: CloudRunJobRunner
) -> None:
    runner.run_assembly("job-123")
    runner.run_assembly("job-456")
    # The operation answered "not done", and nothing polled it.
    assert [r.target for r in cloud_run.received] == [f"v2/{JOB_NAME}:run"] * 2
    assert [
        r.json()["overrides"]["containerOverrides"][0]["args"][1] for r in cloud_run.received
    ] == [
        "job-123",
        "job-456",
    ]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_throttling_and_server_errors_are_retryable(
    cloud_run: Receiver, runner: CloudRunJobRunner, status: int
) -> None:
    cloud_run.answer = lambda request: api_error(status)
    with pytest.raises(RetryableError, match=f"{JOB_NAME} for job-123"):
        runner.run_assembly("job-123")


@pytest.mark.parametrize("status", [403, 404])
def test_a_missing_job_or_grant_is_a_permanent_error_naming_the_job(
    cloud_run: Receiver, runner: CloudRunJobRunner, status: int
) -> None:
    cloud_run.answer = lambda request: api_error(status)
    with pytest.raises(ProviderError) as raised:
        runner.run_assembly("job-123")
    assert not raised.value.retryable
    assert raised.value.provider == "cloud_run"
    assert JOB_NAME in raised.value.message
    assert str(status) in raised.value.message


def test_an_unreachable_api_is_retryable() -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    runner = CloudRunJobRunner(project=PROJECT, region=REGION, job=JOB, client=rest_client(closed))
    with pytest.raises(RetryableError, match="unreachable"):
        runner.run_assembly("job-123")


def test_bad_arguments_are_refused_before_any_call(cloud_run: Receiver) -> None:
    with pytest.raises(InvalidInputError) as raised:
        CloudRunJobRunner(project="", region=REGION, job="")
    assert set(raised.value.fields) == {"project", "job"}
    runner = CloudRunJobRunner(
        project=PROJECT, region=REGION, job=JOB, client=rest_client(cloud_run.url)
    )
    with pytest.raises(InvalidInputError):
        runner.run_assembly("")
    assert cloud_run.received == []
