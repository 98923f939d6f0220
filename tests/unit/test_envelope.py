"""Cloud Tasks and Pub/Sub envelopes unwrapped into typed values."""

from __future__ import annotations

import base64
import json

import pytest

from common.domain.errors import InvalidInputError
from functions.envelope import pubsub_data, step_command, task_delivery


def test_retry_count_header_makes_the_attempt_number():
    delivery = task_delivery(
        {"X-CloudTasks-TaskRetryCount": "4", "X-CloudTasks-TaskName": "t1"}, max_attempts=5
    )
    assert (delivery.attempt, delivery.task_name, delivery.last_attempt) == (5, "t1", True)
    assert task_delivery({}, max_attempts=5).attempt == 1


def test_a_non_numeric_retry_header_is_bad_input():
    with pytest.raises(InvalidInputError) as info:
        task_delivery({"X-CloudTasks-TaskRetryCount": "x"}, 5)
    assert "X-CloudTasks-TaskRetryCount" in info.value.fields


def test_task_bodies_parse_into_step_commands():
    command = step_command(b'{"job_id": "j1", "scene_id": "s01", "poll": 2}')
    assert (command.job_id, command.scene_id, command.poll) == ("j1", "s01", 2)
    with pytest.raises(InvalidInputError):
        step_command(b"not json")
    with pytest.raises(InvalidInputError) as info:
        step_command(b'{"job_id": "j1", "media": "AAAA"}')
    assert "media" in info.value.fields


def test_pubsub_messages_are_base64_json():
    data = base64.b64encode(json.dumps({"tick": 1}).encode()).decode()
    assert pubsub_data({"message": {"data": data}}) == {"tick": 1}
    assert pubsub_data({"message": {}}) == {}
    with pytest.raises(InvalidInputError):
        pubsub_data({"message": {"data": "!!!"}})
