"""The REST API through functions-framework's test client, on the embedded default."""

from __future__ import annotations

import functions_framework
import pytest

from common.bootstrap import install
from tests.support.fakes import RecordingQueue


@pytest.fixture
def queue():
    return RecordingQueue()


@pytest.fixture
def client(make_services, queue):
    svc = make_services(queue=queue)
    install(svc)
    yield functions_framework.create_app("api", "main.py").test_client()
    install(None)


def test_health_answers_ok(client):
    assert client.get("/v1/health").get_json() == {"status": "ok"}


def test_a_project_is_created_read_and_listed_by_its_owner_only(client):
    created = client.post(
        "/v1/projects",
        json={"prompt": "A cat learns to fly", "settings": {"duration_s": 15}},
        headers={"Authorization": "Bearer dev:alice"},
    )
    assert created.status_code == 201
    project = created.get_json()
    assert project["owner"] == "alice" and project["settings"]["duration_s"] == 15

    path = f"/v1/projects/{project['id']}"
    mine = client.get(path, headers={"Authorization": "Bearer dev:alice"})
    assert mine.status_code == 200
    theirs = client.get(path, headers={"Authorization": "Bearer dev:bob"})
    assert theirs.status_code == 404
    listed = client.get("/v1/projects", headers={"Authorization": "Bearer dev:alice"}).get_json()
    assert [p["id"] for p in listed["projects"]] == [project["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": "ok", "settings": {"duration_s": 5}}, "settings.duration_s"),
        ({"prompt": "ok", "settings": {"aspect": "4:5"}}, "settings.aspect"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, body, field):
    response = client.post("/v1/projects", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_argument" and field in error["fields"]


def test_a_body_that_is_not_json_is_a_400(client):
    response = client.post("/v1/projects", data="nope", content_type="text/plain")
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"body": "not JSON"}


def test_unknown_routes_and_methods_are_404_and_405(client):
    assert client.get("/v1/nothing").status_code == 404
    response = client.put("/v1/projects")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_a_malformed_identity_is_401(client):
    response = client.get("/v1/projects", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401


def test_generate_starts_a_job_the_owner_can_read(client, queue):
    project = client.post("/v1/projects", json={"prompt": "A tiny robot waters a garden"})
    project_id = project.get_json()["id"]
    started = client.post(f"/v1/projects/{project_id}/generate")
    assert started.status_code == 202
    job_id = started.get_json()["job_id"]
    job = client.get(f"/v1/jobs/{job_id}").get_json()
    assert (job["project_id"], job["status"], job["progress"]) == (project_id, "queued", 0)
    assert [(t.target, t.payload) for t in queue.tasks] == [("step_script", {"job_id": job_id})]
    other = client.get(f"/v1/jobs/{job_id}", headers={"Authorization": "Bearer dev:eve"})
    assert other.status_code == 404
