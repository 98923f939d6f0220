"""Templates through the API: the built-in gallery (read-only, listed first), a user's own CRUD,
projects and series started from a template (its settings the defaults, the body overriding)."""

from __future__ import annotations

import pytest

from tests.support.api import ALICE, BOB, api_client, installed
from tests.support.fakes import RecordingQueue


@pytest.fixture
def client(make_services):
    with installed(make_services(queue=RecordingQueue())):
        yield api_client()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["error"]


def test_the_gallery_lists_eight_read_only_built_ins_first_each_with_a_format(client):
    listed = client.get("/v1/templates", headers=ALICE).get_json()["templates"]
    assert len(listed) >= 8 and all(t["builtin"] for t in listed)
    assert {"scary-story", "fun-facts", "bedtime-story", "product-teaser"} <= {
        t["id"] for t in listed
    }
    for template in listed:
        assert {"id", "name", "description", "settings"} <= set(template)
        assert template["settings"]["format"]["parts"][0]["beat"] == "hook"
    scary = client.get("/v1/templates/scary-story", headers=ALICE).get_json()
    assert scary["settings"]["format"]["pacing"] == "slow"

    assert error_of(client.delete("/v1/templates/scary-story", headers=ALICE), 403)["code"] == (
        "read_only"
    )
    patch = client.patch("/v1/templates/scary-story", json={"name": "Mine"}, headers=ALICE)
    assert error_of(patch, 403)["code"] == "read_only"


def test_a_users_template_is_created_read_changed_listed_after_the_built_ins_and_deleted(client):
    made = client.post(
        "/v1/templates",
        json={"name": "Calm facts", "settings": {"duration_s": 20, "music": False}},
        headers=ALICE,
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    template = made.get_json()
    assert template["builtin"] is False and template["settings"] == {
        "duration_s": 20,
        "music": False,
    }

    changed = client.patch(
        f"/v1/templates/{template['id']}",
        json={"name": "Calmer facts", "settings": {"aspect": "1:1"}},
        headers=ALICE,
    ).get_json()
    assert changed["name"] == "Calmer facts"
    assert changed["settings"] == {"duration_s": 20, "music": False, "aspect": "1:1"}

    listed = client.get("/v1/templates", headers=ALICE).get_json()["templates"]
    assert listed[-1]["id"] == template["id"] and listed[0]["builtin"]
    assert template["id"] not in [t["id"] for t in client.get("/v1/templates", headers=BOB)
                                  .get_json()["templates"]]  # fmt: skip
    assert client.get(f"/v1/templates/{template['id']}", headers=BOB).status_code == 404

    assert client.delete(f"/v1/templates/{template['id']}", headers=ALICE).status_code == 204
    assert client.get(f"/v1/templates/{template['id']}", headers=ALICE).status_code == 404


def test_bad_template_settings_are_a_400_naming_the_field(client):
    bad = client.post(
        "/v1/templates", json={"name": "x", "settings": {"duration_s": 5}}, headers=ALICE
    )
    assert "settings.duration_s" in error_of(bad, 400)["fields"]
    unknown = client.post(
        "/v1/templates", json={"name": "x", "settings": {"volume": 11}}, headers=ALICE
    )
    assert "settings.volume" in error_of(unknown, 400)["fields"]


def test_a_project_starts_from_a_template_and_the_body_overrides_it(client):
    made = client.post(
        "/v1/projects",
        json={
            "prompt": "An old house",
            "template_id": "scary-story",
            "settings": {"aspect": "1:1"},
        },
        headers=ALICE,
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    settings = made.get_json()["settings"]
    assert settings["aspect"] == "1:1"  # the body wins
    assert settings["duration_s"] == 45 and settings["transition"] == "dip"  # the template
    assert settings["format"]["id"] == "scary-story"

    missing = client.post(
        "/v1/projects", json={"prompt": "x", "template_id": "nope"}, headers=ALICE
    )
    assert "template_id" in error_of(missing, 400)["fields"]


def test_a_projects_settings_are_saved_as_a_template_and_a_series_starts_from_it(client):
    project = client.post(
        "/v1/projects",
        json={"prompt": "Facts", "template_id": "fun-facts", "settings": {"duration_s": 25}},
        headers=ALICE,
    ).get_json()
    saved = client.post(
        "/v1/templates",
        json={"name": "My facts", "project_id": project["id"], "settings": {"music": False}},
        headers=ALICE,
    ).get_json()
    assert saved["settings"]["duration_s"] == 25 and saved["settings"]["music"] is False
    assert saved["settings"]["format"]["id"] == "fun-facts"
    other = client.post(
        "/v1/templates", json={"name": "x", "project_id": project["id"]}, headers=BOB
    )
    assert other.status_code == 404

    series = client.post(
        "/v1/series",
        json={"theme": "Ocean facts", "template_id": saved["id"], "settings": {"aspect": "16:9"}},
        headers=ALICE,
    )
    assert series.status_code == 201, series.get_data(as_text=True)
    settings = series.get_json()["settings"]
    assert (settings["duration_s"], settings["aspect"]) == (25, "16:9")
    assert settings["format"]["id"] == "fun-facts"
