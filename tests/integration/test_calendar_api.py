"""The calendar's routes through functions-framework's test client: schedules, series, the
webhook and usage analytics. Bad input is a 400 naming the field; another user's is a 404.

The queue only records tasks; the clock is injected.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common.adapters.webhook.publisher import WebhookPublisher
from tests.support.api import ALICE, BOB, api_client, installed
from tests.support.calendar import FakeClock
from tests.support.fakes import RecordingQueue

NOW = datetime(2026, 3, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def svc(make_services):
    # DNS answers a public address for any name: the guard's policy itself is not overridden.
    publisher = WebhookPublisher(resolve=lambda host, port: ["93.184.216.34"])
    settings = {"lead_per_video_s": 0.0, "lead_margin_s": 1800.0}
    svc = make_services(settings, queue=RecordingQueue(), clock=FakeClock(NOW), publisher=publisher)
    with installed(svc):
        yield svc


@pytest.fixture
def client(svc):
    return api_client()


@pytest.fixture
def project_id(client):
    response = client.post("/v1/projects", json={"prompt": "A whale sings"}, headers=ALICE)
    assert response.status_code == 201
    return response.get_json()["id"]


def _error(response, status):
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]


def test_a_schedule_is_stored_in_utc_and_shown_in_its_zone(client, project_id):
    body = {
        "project_id": project_id,
        "publish_at": "2026-03-30T09:00:00",
        "timezone": "Europe/London",
    }
    response = client.post("/v1/schedules", json=body, headers=ALICE)
    assert response.status_code == 201
    schedule = response.get_json()
    assert schedule["publish_at"] == "2026-03-30T08:00:00Z"  # 09:00 BST
    assert schedule["publish_at_local"] == "2026-03-30T09:00:00+01:00"
    assert schedule["generate_at"] == "2026-03-30T07:30:00Z"
    assert (schedule["status"], schedule["local_date"]) == ("scheduled", "2026-03-30")

    got = client.get(f"/v1/schedules/{schedule['id']}", headers=ALICE)
    assert got.get_json()["publish_at"] == schedule["publish_at"]
    assert client.get(f"/v1/schedules/{schedule['id']}", headers=BOB).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"publish_at": "2026-03-25T11:59:00Z"}, "publish_at"),
        ({"publish_at": "soon"}, "publish_at"),
        ({"timezone": "Atlantis/Capital"}, "timezone"),
        ({"project_id": "../etc"}, "project_id"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_schedule_input_is_a_400_naming_the_field(client, project_id, change, field):
    body = {"project_id": project_id, "publish_at": "2026-04-01T09:00:00Z", **change}
    error = _error(client.post("/v1/schedules", json=body, headers=ALICE), 400)
    assert field in error["fields"]


def test_another_users_project_cannot_be_scheduled(client, project_id):
    body = {"project_id": project_id, "publish_at": "2026-04-01T09:00:00Z"}
    assert _error(client.post("/v1/schedules", json=body, headers=BOB), 404)["code"] == "not_found"


def test_the_calendar_lists_a_range_in_the_users_zone_with_planned_series_runs(client, project_id):
    for day in ("2026-03-26", "2026-03-28", "2026-04-10"):
        body = {"project_id": project_id, "publish_at": f"{day}T18:00:00Z"}
        assert client.post("/v1/schedules", json=body, headers=ALICE).status_code == 201
    series = {"theme": "Sea tales", "cadence": {"kind": "weekly", "days": ["fri"], "time": "07:00"},
              "timezone": "America/New_York"}  # fmt: skip
    assert client.post("/v1/series", json=series, headers=ALICE).status_code == 201

    query = "from=2026-03-26&to=2026-03-31&timezone=Asia/Tokyo"
    calendar = client.get(f"/v1/schedules?{query}", headers=ALICE).get_json()
    assert calendar["start"] == "2026-03-25T15:00:00Z"  # midnight in Tokyo
    assert [s["local_date"] for s in calendar["schedules"]] == ["2026-03-27", "2026-03-29"]
    assert calendar["schedules"][0]["publish_at_local"] == "2026-03-27T03:00:00+09:00"
    assert [p["publish_at"] for p in calendar["planned"]] == ["2026-03-27T11:00:00Z"]  # EDT
    assert client.get(f"/v1/schedules?{query}", headers=BOB).get_json()["schedules"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("from=2026-04-02&to=2026-04-01", "to"),
        ("from=2026-01-01&to=2027-06-01", "to"),
        ("timezone=Nowhere/Else", "timezone"),
        ("color=red", "color"),
    ],
)
def test_a_bad_calendar_query_is_a_400_naming_the_parameter(client, query, field):
    assert field in _error(client.get(f"/v1/schedules?{query}", headers=ALICE), 400)["fields"]


def test_a_schedule_is_moved_and_cancelled_until_it_is_published(client, svc, project_id):
    body = {"project_id": project_id, "publish_at": "2026-04-01T09:00:00Z"}
    schedule_id = client.post("/v1/schedules", json=body, headers=ALICE).get_json()["id"]
    move = {"publish_at": "2026-04-02T10:00:00-04:00", "timezone": "America/New_York"}
    moved = client.patch(f"/v1/schedules/{schedule_id}", json=move, headers=ALICE)
    assert moved.status_code == 200
    assert moved.get_json()["publish_at"] == "2026-04-02T14:00:00Z"
    assert moved.get_json()["publish_at_local"] == "2026-04-02T10:00:00-04:00"
    assert client.patch(f"/v1/schedules/{schedule_id}", json=move, headers=BOB).status_code == 404
    assert client.delete(f"/v1/schedules/{schedule_id}", headers=BOB).status_code == 404

    assert client.delete(f"/v1/schedules/{schedule_id}", headers=ALICE).status_code == 204
    assert client.get(f"/v1/schedules/{schedule_id}", headers=ALICE).get_json()["status"] == (
        "cancelled"
    )
    error = _error(client.patch(f"/v1/schedules/{schedule_id}", json=move, headers=ALICE), 409)
    assert (error["code"], error["fields"]) == ("schedule_closed", {"status": "cancelled"})


def test_a_series_is_created_paused_resumed_and_deleted(client):
    body = {
        "theme": "Tales of the night sky",
        "cadence": {"kind": "daily", "time": "21:30"},
        "timezone": "Europe/Berlin",
        "settings": {"duration_s": 10, "resolution": "720p"},
        "topics": ["The comet", "The red planet"],
    }
    response = client.post("/v1/series", json=body, headers=ALICE)
    assert response.status_code == 201
    series = response.get_json()
    assert series["next_run_at"] == "2026-03-25T20:30:00Z"  # 21:30 CET
    assert series["next_run_at_local"] == "2026-03-25T21:30:00+01:00"
    assert series["upcoming"][:5] == [
        "2026-03-25T21:30:00+01:00",
        "2026-03-26T21:30:00+01:00",
        "2026-03-27T21:30:00+01:00",
        "2026-03-28T21:30:00+01:00",
        "2026-03-29T21:30:00+02:00",  # CEST from the 29th, still 21:30
    ]
    assert series["rule"] == "FREQ=DAILY;BYHOUR=21;BYMINUTE=30"
    sid = series["id"]
    listed = client.get("/v1/series", headers=ALICE).get_json()["series"]
    assert [s["id"] for s in listed] == [sid]
    assert client.get("/v1/series", headers=BOB).get_json()["series"] == []
    assert client.get(f"/v1/series/{sid}", headers=BOB).status_code == 404

    paused = client.patch(f"/v1/series/{sid}", json={"status": "paused"}, headers=ALICE).get_json()
    assert (paused["status"], paused["next_run_at"], paused["upcoming"]) == ("paused", None, [])
    resumed = client.patch(
        f"/v1/series/{sid}",
        json={"status": "active", "settings": {"duration_s": 20}},
        headers=ALICE,
    ).get_json()
    assert resumed["next_run_at"] == "2026-03-25T20:30:00Z"
    assert resumed["settings"]["duration_s"] == 20 and resumed["settings"]["resolution"] == "720p"
    assert client.patch(f"/v1/series/{sid}", json={"status": "x"}, headers=BOB).status_code in (
        400,
        404,
    )
    assert client.delete(f"/v1/series/{sid}", headers=BOB).status_code == 404
    assert client.delete(f"/v1/series/{sid}", headers=ALICE).status_code == 204
    assert client.get(f"/v1/series/{sid}", headers=ALICE).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"theme": ""}, "theme"),
        ({"theme": "x", "cadence": {"kind": "weekly"}}, "cadence"),
        ({"theme": "x", "cadence": {"kind": "rrule", "rrule": "FREQ=SECONDLY"}}, "cadence.rrule"),
        ({"theme": "x", "timezone": "UTC+3"}, "timezone"),
        ({"theme": "x", "settings": {"duration_s": 5}}, "settings.duration_s"),
        ({"theme": "x", "topics": "not a list"}, "topics"),
    ],
)
def test_bad_series_input_is_a_400_naming_the_field(client, body, field):
    assert field in _error(client.post("/v1/series", json=body, headers=ALICE), 400)["fields"]


def test_a_topic_too_long_is_refused_by_an_update_as_by_a_create(client):
    long_topic = {"topics": ["x" * 201]}
    error = _error(client.post("/v1/series", json={"theme": "t", **long_topic}, headers=ALICE), 400)
    assert "topics" in error["fields"]
    sid = client.post("/v1/series", json={"theme": "t"}, headers=ALICE).get_json()["id"]
    error = _error(client.patch(f"/v1/series/{sid}", json=long_topic, headers=ALICE), 400)
    assert "topics" in error["fields"]


def test_the_webhook_secret_is_shown_once_and_the_url_is_vetted(client):
    url = "https://hooks.example.com/storygenius"
    created = client.put("/v1/webhook", json={"url": url}, headers=ALICE).get_json()
    assert created["url"] == url and created["secret"].startswith("whsec_")
    assert created["secret_hint"] == created["secret"][-4:]
    shown = client.get("/v1/webhook", headers=ALICE).get_json()
    assert "secret" not in shown and shown["secret_hint"] == created["secret_hint"]
    again = client.put("/v1/webhook", json={"url": url}, headers=ALICE).get_json()
    assert again["secret"] != created["secret"]  # setting it again rotates the secret
    assert client.get("/v1/webhook", headers=BOB).status_code == 404

    for bad in (
        "http://hooks.example.com/x",
        "https://10.0.0.7/x",
        "https://user:pw@a.example.com/",
    ):
        assert (
            "url"
            in _error(client.put("/v1/webhook", json={"url": bad}, headers=ALICE), 400)["fields"]
        )
    assert client.delete("/v1/webhook", headers=ALICE).status_code == 204
    assert client.get("/v1/webhook", headers=ALICE).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=last-week", "from"), ("project_id=../x", "project_id"), ("to=2026-01-01", "to")],
)
def test_a_bad_usage_query_is_a_400_naming_the_parameter(client, query, field):
    error = _error(client.get(f"/v1/analytics/usage?{query}", headers=ALICE), 400)
    assert field in error["fields"]


def test_usage_of_a_user_with_nothing_is_empty_not_an_error(client):
    report = client.get("/v1/analytics/usage", headers=BOB).get_json()
    assert report["totals"]["videos"] == 0 and report["projects"] == {}
    assert report["end"] > report["start"]
