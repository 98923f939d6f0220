"""The Cloud Tasks stand-in for tests: the emulator process, a receiver for its HTTP dispatches,
and the CloudTasksQueue wrapped into the shape the shared TaskQueue contract drives.

What the emulator (gcloud-tasks-emulator 0.6.2, read from its source) does and does not do:
- dispatches HTTP tasks with urllib, one task at a time per queue, on a pass every 0.1 s, with
  the X-CloudTasks-QueueName (full queue path), -TaskName (the id), -TaskRetryCount,
  -TaskExecutionCount and -TaskETA headers (urllib sends them as ``X-cloudtasks-taskname``:
  receivers must read headers case-insensitively, as flask does);
- retries any 4xx/5xx (and connection errors) on its next pass: no backoff, no Retry-After,
  until ``--max-retries`` (one setting for all queues; then the task is dropped silently);
- holds a task back while its schedule_time is in the future (checked every pass);
- does not de-duplicate task names, ignores OIDC tokens and dispatch deadlines, and never stops
  waiting for a target (no HTTP timeout).
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from werkzeug.datastructures import Headers
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from common.adapters.local.inprocess_queue import TaskFailure
from common.ports.tasks import Delivery, Task
from functions.envelope import task_delivery
from tests.support.processes import free_port, stop

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from common.adapters.gcp.cloud_tasks import CloudTasksQueue

ROOT = Path(__file__).resolve().parents[2]
EMULATOR = ROOT / ".tools" / "tasks-venv" / "bin" / "gcloud-tasks-emulator"
MAX_RETRIES = 50  # the session emulator's retry cap: ~5 s of its backoff-free retries
PROJECT, LOCATION = "test-project", "us-central1"

# Contract tests the emulator cannot honour (the cloud does), with why; skipped for it only.
CONTRACT_SKIPS = {
    "test_workers_run_tasks_concurrently": "the emulator dispatches one task at a time per queue",
    "test_named_task_is_enqueued_once": (
        "the emulator does not de-duplicate task names (ALREADY_EXISTS -> False is covered "
        "in test_cloud_tasks.py with a fake gRPC server)"
    ),
    "test_name_is_remembered_after_the_task_ran": "the emulator does not de-duplicate task names",
    "test_delayed_tasks_run_in_due_order": (
        "the emulator checks due times in insertion order once a 0.1 s pass, so tasks that "
        "fall due within one pass may run out of due order"
    ),
    "test_retryable_failure_is_retried_with_backoff_then_succeeds": (
        "the emulator retries on its next 0.1 s pass: no exponential backoff"
    ),
    "test_retry_waits_at_least_retry_after": "the emulator ignores Retry-After",
}


@contextlib.contextmanager
def running_emulator(log: Path, max_retries: int = MAX_RETRIES) -> Iterator[str]:
    """Run the emulator on a free port; yields "127.0.0.1:PORT" once it accepts connections."""
    if not EMULATOR.exists():
        pytest.fail(f"the Cloud Tasks emulator is missing ({EMULATOR}): run make emulators")
    port = free_port()
    command = [str(EMULATOR), "start", "--port", str(port), "--max-retries", str(max_retries)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Cloud Tasks emulator did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        stop(process, 5)


@pytest.fixture(scope="session")
def tasks_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Cloud Tasks emulator for the whole session: "127.0.0.1:PORT"."""
    log = tmp_path_factory.mktemp("tasks-emulator") / "emulator.log"
    with running_emulator(log) as host:
        yield host


@dataclass(frozen=True)
class Received:
    """One HTTP request the receiver got."""

    target: str
    body: bytes
    headers: Headers
    at: float  # time.monotonic()

    def json(self) -> Any:
        return json.loads(self.body)


Answer = Callable[[Request], int | Response]


class Receiver:
    """A local HTTP server standing in for the step functions (``POST /<target>``), in a thread.

    `answer(request)` gives each response, or just its status (default 200); every request is
    recorded (`target` is the path without its leading slash).
    """

    def __init__(self, answer: Answer | None = None) -> None:
        self.answer: Answer = answer or (lambda request: 200)
        self._received: list[Received] = []
        self._arrived = threading.Condition()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        # A short poll interval: shutdown() waits for the serving loop to look (default 0.5 s).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def received(self) -> list[Received]:
        with self._arrived:
            return list(self._received)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The requests so far once there are at least `count`; fails the test on timeout."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._received) >= count, timeout):
                pytest.fail(f"the receiver got {len(self._received)} of {count} requests")
            return list(self._received)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        request = Request(environ)
        received = Received(
            request.path.removeprefix("/"),
            request.get_data(),
            Headers(request.headers),
            time.monotonic(),
        )
        with self._arrived:
            self._received.append(received)
            self._arrived.notify_all()
        answer = self.answer(request)
        response = answer if isinstance(answer, Response) else Response(status=answer)
        return response(environ, start_response)


class EmulatedTaskQueue:
    """A CloudTasksQueue on the emulator and a Receiver that calls the bound dispatch: the
    QueueUnderTest shape of the TaskQueue contract, acting as the step functions do.

    Each instance has its own queue prefix (the emulator never serves a queue name again once
    deleted). The queues stay paused until `bind`. The receiver answers 503 for a retryable
    error before the last attempt, else 200, recording a failure for good as the steps record
    it on the job. `workers` and backoffs are the emulator's own and cannot be set.
    """

    def __init__(
        self,
        emulator: str,
        *,
        max_attempts: int = 5,
        workers: int = 1,
        base_backoff_s: float = 0.0,
        max_backoff_s: float = 0.0,
    ) -> None:
        # Imported here: this module is a pytest plugin, loaded by every run (the SDK is slow).
        from common.adapters.gcp.cloud_tasks import CloudTasksQueue, emulator_client, task_id

        if max_attempts > MAX_RETRIES + 1:
            raise ValueError(f"the emulator gives up after {MAX_RETRIES + 1} deliveries")
        self._task_id = task_id
        self.max_attempts = max_attempts
        self.client = emulator_client(emulator)
        self.receiver = Receiver(self._answer)
        self.adapter: CloudTasksQueue = CloudTasksQueue(
            project=PROJECT,
            location=LOCATION,
            queue_prefix=f"c{uuid.uuid4().hex[:10]}",
            base_url=self.receiver.url,
            client=self.client,
        )
        self.paths = [self.adapter.queue_path(q) for q in self.adapter.ensure_queues()]
        for path in self.paths:
            self.client.pause_queue(name=path)
        self._lock = threading.Condition()
        self._dispatch: Callable[[Task, Delivery], None] | None = None
        self._outstanding = 0  # enqueued, not yet answered 200
        self._names: dict[str, str] = {}  # task id -> the Task's name
        self._failures: list[TaskFailure] = []

    def enqueue(self, task: Task) -> bool:
        with self._lock:
            self._outstanding += 1  # before the emulator can dispatch it
            if task.name is not None:
                self._names[self._task_id(task.name)] = task.name
        created = False
        try:
            created = self.adapter.enqueue(task)
        finally:
            if not created:
                self._settle()
        return created

    def bind(self, dispatch: Callable[[Task, Delivery], None]) -> None:
        self._dispatch = dispatch
        for path in self.paths:
            self.client.resume_queue(name=path)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every task got its 200 and the emulator holds none; False after `timeout`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                settled = self._outstanding == 0
            if settled and not any(list(self.client.list_tasks(parent=p)) for p in self.paths):
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    @property
    def failures(self) -> list[TaskFailure]:
        with self._lock:
            return list(self._failures)

    def close(self) -> None:
        for path in self.paths:  # the emulator stops serving a queue once it is deleted
            self.client.delete_queue(name=path)
        self.receiver.close()
        self.client.transport.close()  # type: ignore[no-untyped-call]

    def _settle(self) -> None:
        with self._lock:
            self._outstanding -= 1
            self._lock.notify_all()

    def _answer(self, request: Request) -> int:
        """What a step function does: run the step, answer 503 to be retried or 200 when done."""
        # Headers as flask hands them to the step functions: case-insensitive, with .get.
        headers = cast("Mapping[str, str]", request.headers)
        delivery = task_delivery(headers, self.max_attempts)
        name = self._names.get(delivery.task_name)
        if name is not None:  # hand the contract the Task's own name, not its hashed id
            delivery = replace(delivery, task_name=name)
        task = Task(request.path.removeprefix("/"), json.loads(request.get_data()), name=name)
        dispatch = self._dispatch
        if dispatch is None:
            return 503  # not bound yet (the queues are paused until then)
        try:
            dispatch(task, delivery)
        except Exception as exc:
            if getattr(exc, "retryable", False) and not delivery.last_attempt:
                return 503
            with self._lock:
                failure = TaskFailure(task, delivery.attempt, str(exc), type(exc).__name__)
                self._failures.append(failure)
        self._settle()
        return 200


def skip_what_the_emulator_cannot_honour(test_name: str) -> None:
    """Skip a TaskQueue contract test for the emulated queue when the emulator cannot honour it."""
    reason = CONTRACT_SKIPS.get(test_name)
    if reason is not None:
        pytest.skip(f"cloudtasks emulator: {reason}")
