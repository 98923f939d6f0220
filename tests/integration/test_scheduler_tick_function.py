"""The `scheduler_tick` target as Eventarc calls it: a Pub/Sub CloudEvent (structured mode, the
sample in tests/events/) claims what is due, once however often it is delivered."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import functions_framework
import pytest

from common.domain.commands import parse
from common.domain.series import CreateSeries
from tests.support.api import installed
from tests.support.calendar import FakeClock
from tests.support.fakes import RecordingQueue

EVENT = json.loads((Path(__file__).parents[1] / "events" / "scheduler_tick.json").read_text())
CLOUD_EVENT = {"Content-Type": "application/cloudevents+json"}


@pytest.fixture
def world(make_services):
    clock = FakeClock(datetime(2026, 3, 26, 6, 0, tzinfo=UTC))
    queue = RecordingQueue()
    settings = {"lead_per_video_s": 0.0, "lead_margin_s": 3600.0, "exact_horizon_s": 0.0}
    with installed(make_services(settings, queue=queue, clock=clock)) as svc:
        yield svc, clock, queue


def test_a_tick_event_claims_the_due_run_once_however_often_it_is_delivered(world):
    svc, clock, queue = world
    body = {"theme": "Sea tales", "cadence": {"kind": "daily", "time": "09:00"}}
    series = svc.series.create("u1", parse(CreateSeries, {**body, "timezone": "Europe/London"}))
    client = functions_framework.create_app("scheduler_tick", "main.py").test_client()

    clock.set(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    for _ in range(3):  # Pub/Sub delivers at least once
        response = client.post("/", data=json.dumps(EVENT), headers=CLOUD_EVENT)
        assert response.status_code == 200

    runs = svc.series.get("u1", series.id).runs
    assert [(r.index, r.status) for r in runs] == [(0, "generating")]
    assert [t.target for t in queue.tasks] == ["step_script"]


def test_a_tick_with_a_malformed_message_still_ticks(world):
    svc, clock, queue = world
    body = {"theme": "Sea tales", "cadence": {"kind": "daily", "time": "09:00"}}
    svc.series.create("u1", parse(CreateSeries, body))  # 09:00 UTC, generated from 08:00
    clock.set(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    broken = {**EVENT, "data": {"message": {"data": "not base64 json!"}}}
    client = functions_framework.create_app("scheduler_tick", "main.py").test_client()
    assert client.post("/", data=json.dumps(broken), headers=CLOUD_EVENT).status_code == 200
    assert [t.target for t in queue.tasks] == ["step_script"]
