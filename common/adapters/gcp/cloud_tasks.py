"""CloudTasksQueue: the TaskQueue port on Cloud Tasks HTTP targets, one queue per step class.

Each step is an HTTP function at ``{base_url}/{target}``. A task carries the step's ids as a JSON
body and, in the cloud, an OIDC token for the pipeline's service account (the step functions are
private). Queues are split by step class so each gets its own rate limits in Terraform: Veo clips
must not starve narration, and assembly runs one at a time.

Named tasks get a deterministic id, so Cloud Tasks itself refuses a duplicate (ALREADY_EXISTS)
for about an hour after the first ran: a second guard behind the step ledger. Only this module
imports the Cloud Tasks SDK.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping

import grpc
from google.api_core import exceptions as api_exceptions
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport
from google.protobuf import duration_pb2, timestamp_pb2

from common.adapters.gcp.api_errors import SDK_ERRORS, api_error
from common.domain.errors import InvalidInputError, ProviderError, RetryableError
from common.domain.steps import DEFAULT_QUEUE_CLASS, QUEUE_CLASSES
from common.ports.tasks import Task, TraceContext

log = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 64 * 1024  # Cloud Tasks allows 100 KB for the whole task; payloads are ids
MAX_DELAY_S = 30 * 24 * 3600.0  # schedule_time may be at most 30 days ahead
DISPATCH_DEADLINE_S = 1800  # the longest Cloud Tasks waits for an HTTP target (30 min)
MAX_TASK_ID_LENGTH = 500
CALL_TIMEOUT_S = 20.0

_NOT_ID_CHAR = re.compile(r"[^A-Za-z0-9_-]")

Client = tasks_v2.CloudTasksClient


def queue_id(prefix: str, target: str) -> str:
    """The queue a step target's tasks go to: ``<prefix>-<class>``, the class the step
    registry gives it (``-default`` if unknown); Terraform creates the same queues."""
    return f"{prefix}-{QUEUE_CLASSES.get(target, DEFAULT_QUEUE_CLASS)}"


def queue_ids(prefix: str) -> list[str]:
    """Every queue the pipeline uses, each once, in a stable order."""
    classes = dict.fromkeys([*QUEUE_CLASSES.values(), DEFAULT_QUEUE_CLASS])
    return [f"{prefix}-{name}" for name in classes]


def task_id(name: str) -> str:
    """The Cloud Tasks id for a task name: deterministic, hash-prefixed, within the id rules.

    Ids allow only ``[A-Za-z0-9_-]`` and 500 characters. The hash of the whole name comes first
    because Cloud Tasks shards by id prefix (sequential ids slow dispatch) and because it keeps
    two names apart that sanitize or truncate to the same text.
    """
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{digest}-{_NOT_ID_CHAR.sub('_', name)}"[:MAX_TASK_ID_LENGTH]


def emulator_client(host: str) -> Client:
    """A client for a Cloud Tasks emulator at ``host:port`` (plain gRPC, no credentials)."""
    host = host.removeprefix("http://").removeprefix("https://").rstrip("/")
    channel = grpc.insecure_channel(host)
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))


class CloudTasksQueue:
    """TaskQueue on Cloud Tasks: each task is an HTTP POST to the step function it names.

    `queue_for` maps a target to a queue id (default: `queue_id` with `queue_prefix`). The SDK
    client is built on first use unless one is given (tests pass an emulator client). `headers`
    go with every task: the local task secret where there is no service account to sign an
    OIDC token (emulator; see common/services/accounts/step_callers.py). `trace_context`
    gives the W3C trace headers of the enqueuing span, sent with the task so its delivery
    continues the job's trace.
    """

    def __init__(
        self,
        *,
        project: str,
        location: str,
        queue_prefix: str,
        base_url: str,
        service_account: str = "",
        client: Client | None = None,
        queue_for: Callable[[str], str] | None = None,
        headers: Mapping[str, str] | None = None,
        trace_context: TraceContext | None = None,
    ) -> None:
        given = {"project": project, "location": location, "base_url": base_url}
        missing = {name: "required" for name, value in given.items() if not value}
        if missing:
            raise InvalidInputError("Cloud Tasks queue settings are incomplete", fields=missing)
        self.project = project
        self.location = location
        self.queue_prefix = queue_prefix
        self.base_url = base_url.rstrip("/")
        self.service_account = service_account
        # Sent with every task (the local task secret where there is no OIDC token).
        self.headers = dict(headers or {})
        self._trace_context = trace_context
        self._client = client
        self.queue_for: Callable[[str], str] = queue_for or functools.partial(
            queue_id, queue_prefix
        )

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = tasks_v2.CloudTasksClient()
        return self._client

    def url(self, target: str) -> str:
        """The HTTP function a task for `target` is delivered to."""
        return f"{self.base_url}/{target}"

    def queue_path(self, queue: str) -> str:
        return self.client.queue_path(self.project, self.location, queue)

    def enqueue(self, task: Task) -> bool:
        """Create the task; False when Cloud Tasks already knows its name (a duplicate)."""
        queue = self.queue_for(task.target)
        cloud_task = self.cloud_task(task, queue)
        try:
            self.client.create_task(
                parent=self.queue_path(queue), task=cloud_task, timeout=CALL_TIMEOUT_S
            )
        except api_exceptions.AlreadyExists:
            log.info("task %s (%s) already exists: not queued again", task.name, task.target)
            return False
        except SDK_ERRORS as exc:
            raise _tasks_error(exc, f"queueing {task.target} in {queue}") from exc
        return True

    def cloud_task(self, task: Task, queue: str) -> tasks_v2.Task:
        """The Cloud Tasks message for `task` (validated: small JSON body, delay within limits)."""
        try:
            body = json.dumps(task.payload, separators=(",", ":")).encode()
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(
                f"task {task.target} payload is not JSON", fields={"payload": str(exc)}
            ) from exc
        if len(body) > MAX_PAYLOAD_BYTES:
            raise InvalidInputError(
                f"task {task.target} payload is {len(body)} bytes; pass ids, not data",
                fields={"payload": f"over {MAX_PAYLOAD_BYTES} bytes"},
            )
        if not math.isfinite(task.delay_s) or task.delay_s > MAX_DELAY_S:
            raise InvalidInputError(
                f"task {task.target} delay is out of range",
                fields={"delay_s": f"{task.delay_s} is not between 0 and {MAX_DELAY_S:.0f}"},
            )
        url = self.url(task.target)
        http_request = tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST,
            url=url,
            headers={**self.headers, **self._trace(), "Content-Type": "application/json"},
            body=body,
        )
        if self.service_account:
            http_request.oidc_token = tasks_v2.OidcToken(
                service_account_email=self.service_account, audience=url
            )
        cloud_task = tasks_v2.Task(
            http_request=http_request,
            dispatch_deadline=duration_pb2.Duration(seconds=DISPATCH_DEADLINE_S),
        )
        if task.name is not None:
            cloud_task.name = self.client.task_path(
                self.project, self.location, queue, task_id(task.name)
            )
        if task.delay_s > 0:
            schedule_time = timestamp_pb2.Timestamp()
            schedule_time.FromNanoseconds(time.time_ns() + int(task.delay_s * 1e9))
            cloud_task.schedule_time = schedule_time
        return cloud_task

    def _trace(self) -> dict[str, str]:
        return dict(self._trace_context()) if self._trace_context is not None else {}

    def ensure_queues(self, names: Iterable[str] | None = None) -> list[str]:
        """Create the queues (default: every queue of `queue_prefix`) unless they exist.

        For emulators and local setups; in the cloud Terraform creates the queues with their rate
        limits and retry settings. Returns the queue ids.
        """
        ids = list(names) if names is not None else queue_ids(self.queue_prefix)
        parent = self.client.common_location_path(self.project, self.location)
        for queue in ids:
            try:
                self.client.create_queue(
                    parent=parent,
                    queue=tasks_v2.Queue(name=self.queue_path(queue)),
                    timeout=CALL_TIMEOUT_S,
                )
            except api_exceptions.AlreadyExists:
                continue
            except SDK_ERRORS as exc:
                raise _tasks_error(exc, f"creating queue {queue}") from exc
        return ids


def _tasks_error(exc: Exception, doing: str) -> RetryableError | ProviderError:
    return api_error(exc, service="Cloud Tasks", provider="cloud_tasks", doing=doing)
