"""CloudTasksQueue against the Cloud Tasks emulator, with a local HTTP receiver standing in for the
step functions; ALREADY_EXISTS and API errors against a small in-process fake of the gRPC API
(the emulator never answers them)."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import grpc
import pytest
from google.cloud import tasks_v2

from common.adapters.gcp.cloud_tasks import (
    MAX_TASK_ID_LENGTH,
    QUEUE_CLASSES,
    CloudTasksQueue,
    emulator_client,
    queue_ids,
    task_id,
)
from common.adapters.otel.tracer import OtelTracer
from common.domain.errors import InvalidInputError, ProviderError, RetryableError
from common.domain.traces import SpanRecord
from common.ports.tasks import Delivery, Task
from common.ports.tracing import JOB_ID
from functions.envelope import task_delivery
from tests.support.tasks_emulator import LOCATION, PROJECT, Received, Receiver, running_emulator

SERVICE_ACCOUNT = "pipeline@test-project.iam.gserviceaccount.com"
MakeQueue = Callable[..., CloudTasksQueue]


def delivery(received: Received, max_attempts: int = 5) -> Delivery:
    """What a step function makes of the request's X-CloudTasks-* headers (flask's are
    case-insensitive like werkzeug's; the emulator sends them as ``X-cloudtasks-...``)."""
    return task_delivery(cast(Mapping[str, str], received.headers), max_attempts)


@pytest.fixture(scope="module")
def tasks_client(tasks_emulator: str) -> tasks_v2.CloudTasksClient:
    return emulator_client(tasks_emulator)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def make_queue(tasks_client: tasks_v2.CloudTasksClient, receiver: Receiver) -> Iterator[MakeQueue]:
    """CloudTasksQueues on fresh emulator queues (a new prefix each), targeting the receiver."""
    made: list[CloudTasksQueue] = []

    def make(*, paused: bool = False, **options: Any) -> CloudTasksQueue:
        queue = CloudTasksQueue(
            project=PROJECT,
            location=LOCATION,
            queue_prefix=f"t{uuid.uuid4().hex[:10]}",
            base_url=receiver.url + "/",  # the trailing slash is dropped
            client=tasks_client,
            **options,
        )
        for name in queue.ensure_queues():
            if paused:  # tasks stay in the emulator, to be looked at
                tasks_client.pause_queue(name=queue.queue_path(name))
        made.append(queue)
        return queue

    yield make
    for queue in made:
        for name in queue_ids(queue.queue_prefix):
            tasks_client.delete_queue(name=queue.queue_path(name))


def stored_tasks(queue: CloudTasksQueue, target: str) -> list[tasks_v2.Task]:
    parent = queue.queue_path(queue.queue_for(target))
    return list(queue.client.list_tasks(parent=parent))


def wait_until_drained(queue: CloudTasksQueue, target: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while stored_tasks(queue, target):
        assert time.monotonic() < deadline, "the emulator still holds the task"
        time.sleep(0.02)


# --- delivery through the emulator ------------------------------------------------------------


def test_task_reaches_its_step_function_with_its_body_and_headers(
    make_queue: MakeQueue, receiver: Receiver
) -> None:
    queue = make_queue()
    assert queue.enqueue(Task("step_script", {"job_id": "j1"}, name="j1-step_script"))
    [received] = receiver.wait_for(1)
    assert received.target == "step_script"
    assert received.json() == {"job_id": "j1"}
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-CloudTasks-QueueName"].endswith(f"/{queue.queue_prefix}-script")
    assert delivery(received) == Delivery(
        task_name=task_id("j1-step_script"), attempt=1, max_attempts=5
    )


def test_each_step_class_has_its_own_queue(make_queue: MakeQueue) -> None:
    queue = make_queue(paused=True)
    targets = [*QUEUE_CLASSES, "step_unknown"]
    for target in targets:
        assert queue.enqueue(Task(target, {"job_id": "j1"}))
    by_queue = {
        name.removeprefix(queue.queue_prefix + "-"): sorted(
            task.http_request.url.rsplit("/", 1)[1]
            for task in queue.client.list_tasks(parent=queue.queue_path(name))
        )
        for name in queue_ids(queue.queue_prefix)
    }
    assert by_queue == {
        "script": ["step_script"],
        "images": ["step_keyframe", "step_references"],
        "voice": ["step_narration"],
        "video": ["step_clip"],
        "assemble": ["step_assemble"],
        "publish": ["step_publish"],
        "default": ["step_unknown"],
    }


def test_created_task_carries_oidc_token_deadline_and_schedule_time(
    make_queue: MakeQueue, receiver: Receiver
) -> None:
    queue = make_queue(paused=True, service_account=SERVICE_ACCOUNT)
    payload = {"job_id": "j1", "scene_id": "s1", "poll": 2}
    before = datetime.now(UTC)
    assert queue.enqueue(Task("step_clip", payload, name="j1-step_clip-s1-2", delay_s=15))
    after = datetime.now(UTC)
    [task] = stored_tasks(queue, "step_clip")
    url = f"{receiver.url}/step_clip"
    assert task.name == queue.client.task_path(
        PROJECT, LOCATION, f"{queue.queue_prefix}-video", task_id("j1-step_clip-s1-2")
    )
    assert task.http_request.url == url
    assert task.http_request.http_method == tasks_v2.HttpMethod.POST
    assert task.http_request.headers == {"Content-Type": "application/json"}
    assert json.loads(task.http_request.body) == payload
    assert task.http_request.oidc_token.service_account_email == SERVICE_ACCOUNT
    assert task.http_request.oidc_token.audience == url
    assert task.dispatch_deadline == timedelta(seconds=1800)
    delay = timedelta(seconds=15)
    assert before + delay <= task.schedule_time <= after + delay


def test_without_a_service_account_no_token_is_attached(make_queue: MakeQueue) -> None:
    queue = make_queue(paused=True)
    queue.enqueue(Task("step_script", {"job_id": "j1"}))
    [task] = stored_tasks(queue, "step_script")
    assert "oidc_token" not in task.http_request
    assert "schedule_time" not in task  # due at once


def test_the_queue_s_headers_reach_the_step_with_each_task(
    make_queue: MakeQueue, receiver: Receiver
) -> None:
    """The local task secret (no OIDC without a service account) rides on every task."""
    queue = make_queue(headers={"X-StoryGenius-Task-Secret": "s3cret"})
    assert queue.enqueue(Task("step_script", {"job_id": "j1"}))
    [received] = receiver.wait_for(1)
    assert received.headers["X-StoryGenius-Task-Secret"] == "s3cret"
    assert received.headers["Content-Type"] == "application/json"


def test_a_delivery_across_the_queue_is_a_child_of_the_span_that_enqueued_it(
    make_queue: MakeQueue, receiver: Receiver
) -> None:
    """The W3C trace context rides on the task's HTTP request: one job is one trace."""
    kept: list[SpanRecord] = []
    tracer = OtelTracer(keep=lambda job_id, spans: kept.extend(spans))
    queue = make_queue(trace_context=tracer.carrier)
    with tracer.span("step_script", attributes={JOB_ID: "j1"}):
        assert queue.enqueue(Task("step_references", {"job_id": "j1"}))
    assert queue.enqueue(Task("step_references", {"job_id": "j2"}))  # outside any span
    first, second = receiver.wait_for(2)
    arrived = delivery(first)
    assert set(arrived.trace) == {"traceparent"}
    assert delivery(second).trace == {}
    with tracer.span("step_references", parent=arrived.trace, attributes={JOB_ID: "j1"}):
        pass
    enqueuer, delivered = kept
    assert delivered.trace_id == enqueuer.trace_id
    assert delivered.parent_span_id == enqueuer.span_id


def test_delayed_task_arrives_no_earlier_than_its_delay(
    make_queue: MakeQueue, receiver: Receiver
) -> None:
    queue = make_queue()
    enqueued_at = time.monotonic()
    queue.enqueue(Task("step_clip", {"job_id": "j1", "poll": 1}, delay_s=0.4))
    queue.enqueue(Task("step_clip", {"job_id": "j1"}))
    first, later = receiver.wait_for(2)
    assert (first.json(), later.json()) == ({"job_id": "j1"}, {"job_id": "j1", "poll": 1})
    assert later.at - enqueued_at >= 0.4


def test_a_failed_delivery_is_retried_until_it_succeeds(
    make_queue: MakeQueue, receiver: Receiver
) -> None:
    statuses = iter([503, 500])
    receiver.answer = lambda request: next(statuses, 200)
    queue = make_queue()
    queue.enqueue(Task("step_keyframe", {"job_id": "j1"}, name="j1-step_keyframe-s1"))
    deliveries = [delivery(r) for r in receiver.wait_for(3)]
    assert [d.attempt for d in deliveries] == [1, 2, 3]
    assert {d.task_name for d in deliveries} == {task_id("j1-step_keyframe-s1")}
    wait_until_drained(queue, "step_keyframe")  # the 200 settled it
    assert len(receiver.received) == 3


def test_the_emulator_drops_a_task_after_its_max_retries(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.answer = lambda request: 500
    log = tmp_path / "emulator.log"
    with running_emulator(log, max_retries=2) as host:
        queue = CloudTasksQueue(
            project=PROJECT,
            location=LOCATION,
            queue_prefix="q",
            base_url=receiver.url,
            client=emulator_client(host),
        )
        queue.ensure_queues(["q-default"])
        queue.enqueue(Task("step_x"))
        receiver.wait_for(3)
        deadline = time.monotonic() + 10
        while "Giving up failed task" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        assert stored_tasks(queue, "step_x") == []
    assert [delivery(r).attempt for r in receiver.received] == [1, 2, 3]


def test_ensure_queues_creates_every_queue_once(
    make_queue: MakeQueue, tasks_client: tasks_v2.CloudTasksClient
) -> None:
    queue = make_queue()
    assert queue.ensure_queues() == queue_ids(queue.queue_prefix)  # again: nothing new
    parent = tasks_client.common_location_path(PROJECT, LOCATION)
    names = [q.name for q in tasks_client.list_queues(parent=parent)]
    mine = sorted(n.rsplit("/", 1)[1] for n in names if f"/{queue.queue_prefix}-" in n)
    assert mine == sorted(queue_ids(queue.queue_prefix))
    assert len(mine) == 7


def test_the_emulator_does_not_deduplicate_names(make_queue: MakeQueue) -> None:
    """Why the contract's de-duplication tests are skipped for the emulator."""
    queue = make_queue(paused=True)
    assert queue.enqueue(Task("step_assemble", {"job_id": "j1"}, name="j1-step_assemble"))
    assert queue.enqueue(Task("step_assemble", {"job_id": "j1"}, name="j1-step_assemble"))
    assert len(stored_tasks(queue, "step_assemble")) == 2


# --- ids and queues ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["j1-step_clip-s1-2", "a/b c.d:é", "x" * 600, "-"],
    ids=["pipeline", "odd_characters", "too_long", "dash"],
)
def test_task_id_is_deterministic_hash_prefixed_and_valid(name: str) -> None:
    made = task_id(name)
    assert made == task_id(name)
    assert made.startswith(hashlib.sha256(name.encode()).hexdigest()[:12] + "-")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", made)
    assert len(made) <= MAX_TASK_ID_LENGTH


def test_names_that_sanitize_alike_keep_distinct_ids() -> None:
    assert task_id("j1/a") != task_id("j1.a")
    assert task_id("j1-step_clip-s1") == task_id("j1-step_clip-s1")
    assert task_id("j1-step_clip-s1").endswith("-j1-step_clip-s1")


# --- what the emulator cannot answer: a fake of the gRPC API ----------------------------------


class FakeTasksApi:
    """An in-process Cloud Tasks gRPC server: CreateTask and CreateQueue answer `status`
    (None: success), and every CreateTask request is kept."""

    def __init__(self) -> None:
        self.status: grpc.StatusCode | None = None
        self.requests: list[tasks_v2.CreateTaskRequest] = []
        self._lock = threading.Lock()
        handlers = {
            "CreateTask": grpc.unary_unary_rpc_method_handler(
                self._create_task,
                request_deserializer=tasks_v2.CreateTaskRequest.deserialize,
                response_serializer=tasks_v2.Task.serialize,
            ),
            "CreateQueue": grpc.unary_unary_rpc_method_handler(
                self._create_queue,
                request_deserializer=tasks_v2.CreateQueueRequest.deserialize,
                response_serializer=tasks_v2.Queue.serialize,
            ),
        }
        service = grpc.method_handlers_generic_handler("google.cloud.tasks.v2.CloudTasks", handlers)
        self.server = grpc.server(ThreadPoolExecutor(max_workers=2))
        self.server.add_generic_rpc_handlers((service,))
        self.host = f"127.0.0.1:{self.server.add_insecure_port('127.0.0.1:0')}"
        self.server.start()

    def _answer(self, context: grpc.ServicerContext) -> None:
        if self.status is not None:
            context.abort(self.status, f"fake: {self.status.name}")

    def _create_task(
        self, request: tasks_v2.CreateTaskRequest, context: grpc.ServicerContext
    ) -> tasks_v2.Task:
        with self._lock:
            self.requests.append(request)
        self._answer(context)
        return request.task

    def _create_queue(
        self, request: tasks_v2.CreateQueueRequest, context: grpc.ServicerContext
    ) -> tasks_v2.Queue:
        self._answer(context)
        return request.queue


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeTasksApi]:
    api = FakeTasksApi()
    yield api
    api.server.stop(grace=None)


@pytest.fixture
def fake_queue(fake_api: FakeTasksApi) -> CloudTasksQueue:
    fake_api.status, fake_api.requests = None, []
    return CloudTasksQueue(
        project=PROJECT,
        location=LOCATION,
        queue_prefix="sg",
        base_url="https://steps.example",
        client=emulator_client(fake_api.host),
    )


def test_a_name_cloud_tasks_already_knows_is_not_queued_again(
    fake_api: FakeTasksApi, fake_queue: CloudTasksQueue
) -> None:
    assert fake_queue.enqueue(Task("step_clip", {"job_id": "j1"}, name="j1-step_clip-s1"))
    fake_api.status = grpc.StatusCode.ALREADY_EXISTS
    assert not fake_queue.enqueue(Task("step_clip", {"job_id": "j1"}, name="j1-step_clip-s1"))
    first, second = (request.task.name for request in fake_api.requests)
    assert first == second
    assert first.endswith(f"/queues/sg-video/tasks/{task_id('j1-step_clip-s1')}")


@pytest.mark.parametrize(
    "status",
    [
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.INTERNAL,
    ],
    ids=lambda status: status.name.lower(),
)
def test_transient_api_errors_are_retryable(
    fake_api: FakeTasksApi, fake_queue: CloudTasksQueue, status: grpc.StatusCode
) -> None:
    fake_api.status = status
    with pytest.raises(RetryableError, match="step_script in sg-script"):
        fake_queue.enqueue(Task("step_script", {"job_id": "j1"}))


@pytest.mark.parametrize(
    "status",
    [
        grpc.StatusCode.PERMISSION_DENIED,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.INVALID_ARGUMENT,
    ],
    ids=lambda status: status.name.lower(),
)
def test_permanent_api_errors_are_provider_errors(
    fake_api: FakeTasksApi, fake_queue: CloudTasksQueue, status: grpc.StatusCode
) -> None:
    fake_api.status = status
    with pytest.raises(ProviderError, match="step_assemble in sg-assemble") as raised:
        fake_queue.enqueue(Task("step_assemble", {"job_id": "j1"}))
    assert not raised.value.retryable
    assert raised.value.provider == "cloud_tasks"


def test_ensure_queues_accepts_queues_that_exist(
    fake_api: FakeTasksApi, fake_queue: CloudTasksQueue
) -> None:
    fake_api.status = grpc.StatusCode.ALREADY_EXISTS
    assert fake_queue.ensure_queues(["sg-video"]) == ["sg-video"]


@pytest.mark.parametrize(
    ("task", "field"),
    [
        (Task("step_script", {"story": "x" * 70_000}), "payload"),
        (Task("step_script", {"ids": {1, 2}}), "payload"),
        (Task("step_clip", {"job_id": "j1"}, delay_s=31 * 24 * 3600), "delay_s"),
        (Task("step_clip", {"job_id": "j1"}, delay_s=float("nan")), "delay_s"),
    ],
    ids=["payload_too_big", "payload_not_json", "delay_too_long", "delay_not_a_number"],
)
def test_bad_tasks_are_refused_before_any_call(
    fake_api: FakeTasksApi, fake_queue: CloudTasksQueue, task: Task, field: str
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        fake_queue.enqueue(task)
    assert field in raised.value.fields
    assert fake_api.requests == []


def test_incomplete_settings_name_the_missing_fields() -> None:
    with pytest.raises(InvalidInputError) as raised:
        CloudTasksQueue(project="", location=LOCATION, queue_prefix="sg", base_url="")
    assert set(raised.value.fields) == {"project", "base_url"}
