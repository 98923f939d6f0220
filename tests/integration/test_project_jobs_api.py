"""`GET /v1/projects/{id}/jobs`: a project's jobs, newest first, for its owner only."""

from __future__ import annotations

import pytest

from tests.support.api import ALICE, BOB, api_client, installed
from tests.support.fakes import RecordingQueue


@pytest.fixture
def client(make_services):
    with installed(make_services(queue=RecordingQueue())):
        yield api_client()


def create(client, prompt: str) -> str:
    response = client.post("/v1/projects", json={"prompt": prompt}, headers=ALICE)
    return response.get_json()["id"]


def test_a_projects_jobs_are_listed_newest_first_and_only_its_own(client):
    project, other = create(client, "A fox guards a forest"), create(client, "A cat flies")
    first = client.post(f"/v1/projects/{project}/generate", headers=ALICE).get_json()["job_id"]
    client.post(f"/v1/jobs/{first}/cancel", headers=ALICE)  # one job at a time per project
    second = client.post(f"/v1/projects/{project}/preview", headers=ALICE).get_json()["job_id"]
    client.post(f"/v1/projects/{other}/generate", headers=ALICE)

    response = client.get(f"/v1/projects/{project}/jobs", headers=ALICE)
    assert response.status_code == 200
    jobs = response.get_json()["jobs"]
    assert [(j["id"], j["kind"]) for j in jobs] == [(second, "preview"), (first, "generate")]
    empty = create(client, "Nothing made yet")
    assert client.get(f"/v1/projects/{empty}/jobs", headers=ALICE).get_json() == {
        "jobs": [],
        "next_cursor": None,
    }


def test_another_users_project_has_no_jobs_to_list(client):
    project = create(client, "A fox guards a forest")
    client.post(f"/v1/projects/{project}/generate", headers=ALICE)
    response = client.get(f"/v1/projects/{project}/jobs", headers=BOB)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
