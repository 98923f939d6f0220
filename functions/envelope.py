"""Envelopes: Cloud Tasks headers and Pub/Sub messages unwrapped into typed values, in one place."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from common.domain.commands import StepCommand, parse
from common.domain.errors import InvalidInputError
from common.ports import Delivery
from common.ports.tracing import trace_headers


def _int_header(headers: Mapping[str, str], name: str, default: int) -> int:
    value = headers.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise InvalidInputError(f"header {name} is not a number", fields={name: value}) from exc


def task_delivery(headers: Mapping[str, str], max_attempts: int) -> Delivery:
    """What Cloud Tasks tells a target about this delivery (X-CloudTasks-* headers).

    TaskRetryCount counts earlier attempts, so this delivery is attempt retry_count + 1. The
    W3C trace headers the task was created with make the delivery part of the job's trace.
    """
    retries = _int_header(headers, "X-CloudTasks-TaskRetryCount", 0)
    return Delivery(
        task_name=headers.get("X-CloudTasks-TaskName", ""),
        attempt=retries + 1,
        max_attempts=max_attempts,
        trace=trace_headers(headers),
    )


def task_payload(body: bytes) -> dict[str, Any]:
    """The task's JSON body as an object (the step router parses it into its command); bad
    JSON raises InvalidInputError."""
    try:
        data: Any = json.loads(body or b"{}")
    except ValueError as exc:
        raise InvalidInputError("task body is not JSON", fields={"body": str(exc)}) from exc
    if not isinstance(data, dict):
        raise InvalidInputError("task body is not a JSON object", fields={"body": "not an object"})
    return data


def step_command(body: bytes) -> StepCommand:
    """The task's JSON body as a StepCommand; bad JSON or fields raise InvalidInputError."""
    return parse(StepCommand, task_payload(body))


@dataclass(frozen=True)
class TickEvent:
    """A scheduler tick as Pub/Sub delivers it (the CloudEvent's id and its message payload)."""

    event_id: str
    payload: dict[str, Any]


def tick_event(event: Any) -> TickEvent:
    """The CloudEvent of a Cloud Scheduler tick; a malformed message raises InvalidInputError."""
    data = getattr(event, "data", None) or {}
    if not isinstance(data, Mapping):
        raise InvalidInputError("the tick event has no Pub/Sub message", fields={"data": "?"})
    event_id = ""
    try:
        event_id = str(event["id"])
    except (KeyError, TypeError):
        event_id = str(getattr(event, "id", "") or "")
    return TickEvent(event_id=event_id, payload=pubsub_data(data))


def pubsub_data(event_data: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON payload of a Pub/Sub CloudEvent (base64 in data.message.data); {} when empty."""
    message = event_data.get("message") or {}
    raw = message.get("data")
    if not raw:
        return {}
    try:
        decoded = json.loads(base64.b64decode(raw))
    except ValueError as exc:
        raise InvalidInputError("Pub/Sub message is not base64 JSON", fields={"data": raw}) from exc
    return decoded if isinstance(decoded, dict) else {"value": decoded}
