"""The REST API through functions-framework's test client, on the embedded default.

The queue only records tasks (RecordingQueue): no pipeline step runs in these tests.
"""

from __future__ import annotations

import threading

import pytest

from common.domain import steps
from common.domain.commands import StepCommand
from common.domain.story import Scene, Story, StyleBible
from common.ports import Delivery
from functions.api import MAX_BODY_BYTES, ROUTES
from tests.support.api import ALICE, BOB, api_client, installed
from tests.support.fakes import RecordingQueue


@pytest.fixture
def queue():
    return RecordingQueue()


@pytest.fixture
def svc(make_services, queue):
    with installed(make_services(queue=queue)) as svc:
        yield svc


@pytest.fixture
def client(svc):
    return api_client()


@pytest.fixture
def project(client):
    """Alice's project, as the API returned it."""
    response = client.post(
        "/v1/projects",
        json={"prompt": "A lighthouse keeper befriends a whale", "settings": {"duration_s": 15}},
        headers=ALICE,
    )
    assert response.status_code == 201
    return response.get_json()


def a_story(title: str = "The Keeper") -> Story:
    return Story(
        title=title,
        style=StyleBible(visual_style="ink", palette=["#112233", "#445566", "#778899"]),
        scenes=[Scene(id="s1", beat="hook", narration="Night falls.", visual_prompt="a tower")],
    )


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


# -- health, projects -------------------------------------------------------------------------


def test_health_answers_ok(client):
    assert client.get("/v1/health").get_json() == {"status": "ok"}


def test_a_project_is_created_read_and_listed_by_its_owner_only(client):
    created = client.post(
        "/v1/projects",
        json={"prompt": "A cat learns to fly", "settings": {"duration_s": 15}},
        headers=ALICE,
    )
    assert created.status_code == 201
    project = created.get_json()
    assert project["owner"] == "alice" and project["settings"]["duration_s"] == 15

    path = f"/v1/projects/{project['id']}"
    assert client.get(path, headers=ALICE).status_code == 200
    assert error_of(client.get(path, headers=BOB), 404)["code"] == "not_found"
    listed = client.get("/v1/projects", headers=ALICE).get_json()
    assert [p["id"] for p in listed["projects"]] == [project["id"]]
    assert client.get("/v1/projects", headers=BOB).get_json() == {
        "projects": [],
        "next_cursor": None,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": "ok", "settings": {"duration_s": 5}}, "settings.duration_s"),
        ({"prompt": "ok", "settings": {"aspect": "4:5"}}, "settings.aspect"),
        ({"prompt": "ok", "settings": {"voice": "../../etc/passwd"}}, "settings.voice"),
        ({"prompt": "ok", "colour": "red"}, "colour"),
        (["a", "list"], "body"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, body, field):
    error = error_of(client.post("/v1/projects", json=body), 400)
    assert error["code"] == "invalid_argument" and field in error["fields"]


@pytest.mark.parametrize(
    "data",
    ["nope", '{"prompt": NaN}', "[" * 100_000, '{"prompt": "\\ud800', b"\xff\xfe{"],
)
def test_a_body_that_is_not_json_is_a_400(client, data):
    response = client.post("/v1/projects", data=data, content_type="application/json")
    assert error_of(response, 400)["fields"] == {"body": "not JSON"}


def test_a_json_body_without_a_json_content_type_is_a_400(client):
    response = client.post("/v1/projects", data='{"prompt": "x"}', content_type="text/plain")
    assert error_of(response, 400)["fields"] == {"body": "not JSON"}


def test_unknown_routes_and_methods_are_404_and_405(client, project):
    assert error_of(client.get("/v1/nothing"), 404)["code"] == "not_found"
    response = client.put("/v1/projects")
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]
    response = client.post(f"/v1/projects/{project['id']}", headers=ALICE)
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "PATCH", "DELETE"}
    response = client.get("/v1/jobs/abc/cancel")
    assert error_of(response, 405) and response.headers["Allow"] == "POST"


def test_a_malformed_identity_is_401(client):
    response = client.get("/v1/projects", headers={"Authorization": "Bearer forged"})
    assert error_of(response, 401)["code"] == "unauthenticated"


def test_a_project_is_deleted_by_its_owner_only(client, project):
    path = f"/v1/projects/{project['id']}"
    assert client.delete(path, headers=BOB).status_code == 404
    assert client.get(path, headers=ALICE).status_code == 200
    assert client.delete(path, headers=ALICE).status_code == 204
    assert client.get(path, headers=ALICE).status_code == 404


# -- PATCH ------------------------------------------------------------------------------------


def test_patching_the_title_bumps_the_revision_and_keeps_the_story(client, svc, project):
    svc.projects.save_story(project["id"], a_story())  # revision 0 -> 1
    path = f"/v1/projects/{project['id']}"
    response = client.patch(path, json={"title": "Whale Song", "revision": 1}, headers=ALICE)
    assert response.status_code == 200
    patched = response.get_json()
    assert (patched["title"], patched["revision"]) == ("Whale Song", 2)
    assert patched["story"]["title"] == "The Keeper"
    assert client.get(path, headers=ALICE).get_json() == patched


@pytest.mark.parametrize(
    "change",
    [{"prompt": "A whale befriends a lighthouse keeper"}, {"settings": {"aspect": "1:1"}}],
)
def test_changing_the_prompt_or_settings_clears_the_story(client, svc, project, change):
    svc.projects.save_story(project["id"], a_story())
    path = f"/v1/projects/{project['id']}"
    assert client.get(f"{path}/story", headers=ALICE).status_code == 200
    patched = client.patch(path, json=change, headers=ALICE).get_json()
    assert patched["story"] is None and patched["revision"] == 2
    assert error_of(client.get(f"{path}/story", headers=ALICE), 404)["code"] == "no_story"


def test_patched_settings_merge_into_the_projects_settings(client, project):
    path = f"/v1/projects/{project['id']}"
    patched = client.patch(path, json={"settings": {"music": True}}, headers=ALICE).get_json()
    assert patched["settings"] == {**project["settings"], "music": True}
    assert patched["settings"]["duration_s"] == 15


def test_a_patch_that_changes_nothing_writes_nothing(client, project):
    path = f"/v1/projects/{project['id']}"
    same = {"prompt": project["prompt"], "settings": {"duration_s": 15}}
    assert client.patch(path, json=same, headers=ALICE).get_json() == project
    assert client.patch(path, json={}, headers=ALICE).get_json()["revision"] == 0


def test_a_patch_from_a_stale_revision_is_409_and_writes_nothing(client, project):
    path = f"/v1/projects/{project['id']}"
    first_tab = client.patch(path, json={"title": "First", "revision": 0}, headers=ALICE)
    assert first_tab.status_code == 200 and first_tab.get_json()["revision"] == 1
    second_tab = client.patch(path, json={"title": "Second", "revision": 0}, headers=ALICE)
    assert error_of(second_tab, 409)["code"] == "stale_revision"
    assert client.get(path, headers=ALICE).get_json()["title"] == "First"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"settings": {"volume": 11}}, "settings.volume"),
        ({"settings": {"duration_s": 500}}, "settings.duration_s"),
        ({"settings": {"language": "English!"}}, "settings.language"),
        ({"settings": {"music": None}}, "settings.music"),
        ({"settings": "vertical"}, "settings"),
        ({"title": None}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"prompt": " \n "}, "prompt"),
        ({"revision": -1}, "revision"),
        ({"revision": "latest"}, "revision"),
        ("just a string", "body"),
    ],
)
def test_a_bad_patch_is_a_400_naming_the_field_and_writes_nothing(client, project, body, field):
    path = f"/v1/projects/{project['id']}"
    error = error_of(client.patch(path, json=body, headers=ALICE), 400)
    assert field in error["fields"], error
    assert client.get(path, headers=ALICE).get_json() == project


def test_patching_another_users_project_is_404(client, project):
    path = f"/v1/projects/{project['id']}"
    assert error_of(client.patch(path, json={"title": "Mine"}, headers=BOB), 404)
    assert (
        client.patch("/v1/projects/missing", json={"title": "x"}, headers=ALICE).status_code == 404
    )
    assert client.get(path, headers=ALICE).get_json()["title"] == project["title"]


# -- story ------------------------------------------------------------------------------------


def test_the_story_is_404_no_story_until_written_then_returned(client, svc, project):
    path = f"/v1/projects/{project['id']}/story"
    assert error_of(client.get(path, headers=ALICE), 404)["code"] == "no_story"
    svc.projects.save_story(project["id"], a_story())
    response = client.get(path, headers=ALICE)
    assert response.status_code == 200
    assert Story.model_validate(response.get_json()) == a_story()
    assert error_of(client.get(path, headers=BOB), 404)["code"] == "not_found"


# -- generate ---------------------------------------------------------------------------------


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


def test_generating_another_users_project_is_404_and_starts_nothing(client, queue, project):
    response = client.post(f"/v1/projects/{project['id']}/generate", headers=BOB)
    assert error_of(response, 404)["code"] == "not_found"
    assert queue.tasks == []


def test_an_idempotency_key_repeated_returns_the_first_job(client, queue, project):
    path = f"/v1/projects/{project['id']}/generate"
    headers = {**ALICE, "Idempotency-Key": "tap-1"}
    first = client.post(path, headers=headers)
    again = client.post(path, headers=headers)
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.get_json() == again.get_json()
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(queue.tasks) == 1
    # Another key is another request: a new job once the first has ended (one at a time).
    client.post(f"/v1/jobs/{first.get_json()['job_id']}/cancel", headers=ALICE)
    other = client.post(path, headers={**ALICE, "Idempotency-Key": "tap-2"})
    assert other.get_json()["job_id"] != first.get_json()["job_id"]
    client.post(f"/v1/jobs/{other.get_json()['job_id']}/cancel", headers=ALICE)
    assert client.post(path, headers=ALICE).get_json() != first.get_json()  # no key: new job
    assert len(queue.tasks) == 3


def test_two_concurrent_requests_with_one_key_start_one_job(client, queue, project):
    path = f"/v1/projects/{project['id']}/generate"
    headers = {**ALICE, "Idempotency-Key": "double-tap"}
    barrier = threading.Barrier(4)
    answers: list[tuple[int, str, str | None]] = []

    def tap() -> None:
        barrier.wait()
        response = client.post(path, headers=headers)
        replayed = response.headers.get("Idempotent-Replayed")
        answers.append((response.status_code, response.get_json()["job_id"], replayed))

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 4
    assert {status for status, _, _ in answers} == {202}
    assert len({job_id for _, job_id, _ in answers}) == 1
    assert sorted(replayed or "" for _, _, replayed in answers) == ["", "true", "true", "true"]
    assert len(queue.tasks) == 1


def test_one_key_from_two_owners_is_two_requests(client, queue):
    jobs = []
    for who in (ALICE, BOB):
        project_id = client.post("/v1/projects", json={"prompt": "Two owners"}, headers=who)
        path = f"/v1/projects/{project_id.get_json()['id']}/generate"
        response = client.post(path, headers={**who, "Idempotency-Key": "same"})
        jobs.append(response.get_json()["job_id"])
    assert jobs[0] != jobs[1] and len(queue.tasks) == 2


def test_an_idempotency_key_reused_for_another_project_is_400(client, project):
    other = client.post("/v1/projects", json={"prompt": "Another"}, headers=ALICE).get_json()
    headers = {**ALICE, "Idempotency-Key": "k"}
    assert client.post(f"/v1/projects/{project['id']}/generate", headers=headers).status_code == 202
    response = client.post(f"/v1/projects/{other['id']}/generate", headers=headers)
    assert "Idempotency-Key" in error_of(response, 400)["fields"]


@pytest.mark.parametrize(("key", "status"), [("k" * 200, 202), ("k" * 201, 400), ("", 400)])
def test_idempotency_keys_are_at_most_200_characters(client, queue, project, key, status):
    path = f"/v1/projects/{project['id']}/generate"
    response = client.post(path, headers={**ALICE, "Idempotency-Key": key})
    assert response.status_code == status
    if status == 400:
        assert "Idempotency-Key" in error_of(response, 400)["fields"]
        assert queue.tasks == []


# -- jobs -------------------------------------------------------------------------------------


def start_job(client, project) -> str:
    response = client.post(f"/v1/projects/{project['id']}/generate", headers=ALICE)
    return response.get_json()["job_id"]


def test_cancelling_a_job_marks_it_cancelled_and_its_steps_do_nothing(client, svc, queue, project):
    job_id = start_job(client, project)
    response = client.post(f"/v1/jobs/{job_id}/cancel", headers=ALICE)
    assert response.status_code == 202
    job = response.get_json()
    assert job["status"] == "cancelled" and job["finished_at"] is not None
    assert client.get(f"/v1/jobs/{job_id}", headers=ALICE).get_json() == job

    # The queued first step is delivered after the cancel: it must not run.
    svc.pipeline.handle(steps.SCRIPT, StepCommand(job_id=job_id), Delivery())
    assert svc.jobs.get(job_id).status == "cancelled"
    assert svc.projects.get("alice", project["id"]).story is None
    assert [t.target for t in queue.tasks] == ["step_script"]


@pytest.mark.parametrize("status", ["done", "failed", "cancelled"])
def test_cancelling_a_finished_job_is_409_with_its_status(client, svc, project, status):
    job_id = start_job(client, project)
    svc.jobs.update(job_id, {"status": status})
    error = error_of(client.post(f"/v1/jobs/{job_id}/cancel", headers=ALICE), 409)
    assert error["code"] == "job_finished" and error["fields"] == {"status": status}
    assert svc.jobs.get(job_id).status == status


def test_another_users_job_cannot_be_read_or_cancelled(client, svc, project):
    job_id = start_job(client, project)
    assert error_of(client.post(f"/v1/jobs/{job_id}/cancel", headers=BOB), 404)
    assert error_of(client.get(f"/v1/jobs/{job_id}", headers=BOB), 404)
    assert svc.jobs.get(job_id).status == "queued"
    assert client.post("/v1/jobs/nope/cancel", headers=ALICE).status_code == 404


# -- limits, openapi --------------------------------------------------------------------------


def big_body() -> bytes:
    return b'{"prompt": "' + b"x" * MAX_BODY_BYTES + b'"}'


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_body_over_the_limit_is_413_by_its_content_length(client, project, method):
    path = "/v1/projects" if method == "post" else f"/v1/projects/{project['id']}"
    response = getattr(client, method)(
        path, data=big_body(), content_type="application/json", headers=ALICE
    )
    assert error_of(response, 413)["code"] == "payload_too_large"


@pytest.mark.parametrize("claimed", ["", "10"])
def test_a_body_over_the_limit_is_413_whatever_its_content_length_claims(client, claimed):
    # A chunked body has no Content-Length; a lying one claims less than it sends.
    response = client.post(
        "/v1/projects",
        data=big_body(),
        content_type="application/json",
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": claimed},
    )
    assert error_of(response, 413)["code"] == "payload_too_large"
    assert client.get("/v1/projects").get_json() == {"projects": [], "next_cursor": None}


def test_a_body_just_under_the_limit_is_accepted(client):
    body = b'{"prompt": "ok", "title": "' + b" " * (MAX_BODY_BYTES - 40) + b'"}'
    response = client.post("/v1/projects", data=body, content_type="application/json")
    assert len(body) <= MAX_BODY_BYTES and response.status_code == 201


def test_the_openapi_document_is_served_without_sign_in_and_names_every_route(client):
    response = client.get("/v1/openapi.json", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    served = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served == {(r.path, r.method.lower()) for r in ROUTES}


def test_paths_forwarded_by_firebase_hosting_under_api_are_routed(client):
    assert client.get("/api/v1/health").get_json() == {"status": "ok"}
