"""Review before paying, through the API on the real in-process queue: the script alone, then
the storyboard (pictures and the render's estimate, no video), then a render that paints none
of the approved pictures again (counted on the Gemini image stub); one job per project (409).

Assembly is recorded, not run (RecordingRunner): these tests are about which provider calls a
job makes, not about encoding video."""

from __future__ import annotations

import pytest

from tests.support.api import ALICE, api_client, installed
from tests.support.fakes import RecordingQueue, RecordingRunner
from tests.support.jobs import vertex_settings

pytestmark = pytest.mark.slow

PROMPT = {"prompt": "A lighthouse keeper befriends a lonely whale"}


@pytest.fixture
def gemini(make_services, vertex_stub):
    """Gemini script and images on the stub, offline clips and voice, assembly recorded."""
    runner = RecordingRunner()
    svc = make_services(vertex_settings(vertex_stub, video="offline"), runner=runner)
    with installed(svc):
        yield svc, api_client(), vertex_stub, runner


def idle(svc) -> None:
    assert svc.queue.wait_idle(120), "the queue did not drain"


def image_calls(stub) -> int:
    return sum(1 for r in stub.requests("generateContent") if "image" in r.model)


def create(client, **body) -> dict:
    response = client.post("/v1/projects", json={**PROMPT, **body}, headers=ALICE)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def job_of(client, answer) -> dict:
    assert answer.status_code == 202, answer.get_data(as_text=True)
    return client.get(f"/v1/jobs/{answer.get_json()['job_id']}", headers=ALICE).get_json()


def test_the_script_route_writes_the_story_and_renders_nothing(gemini):
    svc, client, stub, runner = gemini
    project = create(client, settings={"duration_s": 12})
    assert client.get(f"/v1/projects/{project['id']}/story", headers=ALICE).status_code == 404

    answer = client.post(f"/v1/projects/{project['id']}/script", headers=ALICE)
    idle(svc)
    job = job_of(client, answer)

    assert (job["kind"], job["status"], job["progress"]) == ("script", "done", 100)
    story = client.get(f"/v1/projects/{project['id']}/story", headers=ALICE).get_json()
    assert story["scenes"] and job["scene_ids"] == [s["id"] for s in story["scenes"]]
    assert len(stub.requests("generateContent")) == 1  # one script call, no picture
    assert runner.started == []
    assert [e.stage for e in svc.pipeline.usage.events("alice", job["id"])] == ["script"]

    # Again: another story, from the next seed.
    again = job_of(client, client.post(f"/v1/projects/{project['id']}/script", headers=ALICE))
    idle(svc)
    assert svc.projects.get("alice", project["id"]).settings.seed == 1
    assert svc.jobs.get(again["id"]).status == "done"
    assert len(stub.requests("generateContent")) == 2


def test_a_storyboard_paints_every_scene_once_and_a_render_reuses_every_picture(gemini):
    svc, client, stub, runner = gemini
    project = create(client, settings={"duration_s": 12, "resolution": "720p"})

    board = job_of(client, client.post(f"/v1/projects/{project['id']}/storyboard", headers=ALICE))
    idle(svc)
    board = client.get(f"/v1/jobs/{board['id']}", headers=ALICE).get_json()

    assert (board["kind"], board["status"], board["stage"]) == ("storyboard", "done", "done")
    assert runner.started == [] and board["outputs"]["video"] is None
    scenes = board["scene_ids"]
    assert all(board["scenes"][s]["keyframe"] == "done" for s in scenes)
    assert all(board["scenes"][s]["narration"] == "pending" for s in scenes)  # not asked
    assert set(board["outputs"]["preview"]) == set(scenes)
    painted = image_calls(stub)
    story = svc.projects.story("alice", project["id"])
    assert painted == len(story.style.characters) + len(scenes)

    # The estimate: per scene its narration (offline: free) and clip (offline: free), the
    # picture already made; here only the story's own prices, so everything is 0 but present.
    estimate = board["estimate"]
    assert set(estimate["scenes"]) == set(scenes)
    assert estimate["total_usd"] == pytest.approx(sum(estimate["scenes"].values()))

    render = job_of(client, client.post(f"/v1/projects/{project['id']}/generate", headers=ALICE))
    idle(svc)
    render = svc.jobs.get(render["id"])

    assert runner.started == [render.id]  # it reached assembly
    assert image_calls(stub) == painted  # no second call for an approved picture
    assert {render.scenes[s].keyframe_origin for s in scenes} == {"cached"}
    assert all(render.scenes[s].keyframe_key == board["scenes"][s]["keyframe_key"] for s in scenes)


def test_a_new_picture_for_one_scene_repaints_that_scene_alone(gemini):
    svc, client, stub, _ = gemini
    project = create(client, settings={"duration_s": 12})
    client.post(f"/v1/projects/{project['id']}/storyboard", headers=ALICE)
    idle(svc)
    painted = image_calls(stub)
    latest = client.get(f"/v1/projects/{project['id']}", headers=ALICE).get_json()
    first = latest["story"]["scenes"][0]["id"]

    edit = client.patch(
        f"/v1/projects/{project['id']}/scenes/{first}",
        json={"picture_seed": 7, "revision": latest["revision"]},
        headers=ALICE,
    )
    assert edit.status_code == 200, edit.get_data(as_text=True)
    again = job_of(client, client.post(f"/v1/projects/{project['id']}/storyboard", headers=ALICE))
    idle(svc)
    again = svc.jobs.get(again["id"])

    assert image_calls(stub) == painted + 1
    assert again.scenes[first].keyframe_origin == "generated"
    others = [s for s in again.scene_ids if s != first]
    assert {again.scenes[s].keyframe_origin for s in others} == {"cached"}


def test_a_storyboard_estimates_the_render_at_the_configured_prices(make_services, vertex_stub):
    runner = RecordingRunner()
    svc = make_services(vertex_settings(vertex_stub, video="veo", voice="offline"), runner=runner)
    with installed(svc):
        client = api_client()
        project = create(client, settings={"duration_s": 12})
        board = client.post(
            f"/v1/projects/{project['id']}/storyboard?narration=true", headers=ALICE
        )
        idle(svc)
        job = svc.jobs.get(board.get_json()["job_id"])

    assert job.status == "done", job.error
    assert all(job.scenes[s].narration == "done" for s in job.scene_ids)
    story = svc.projects.story("alice", project["id"])
    veo = svc.pipeline.providers.choice.video.price.cost(1)
    assert veo > 0
    for scene in story.scenes:  # pictures and voice made: what is left is each clip
        assert job.estimate.scenes[scene.id] == pytest.approx(scene.clip_seconds * veo)
    assert job.estimate.total_usd == pytest.approx(sum(s.clip_seconds for s in story.scenes) * veo)
    assert vertex_stub.requests("predictLongRunning") == []  # no clip was started


def test_a_second_job_while_one_runs_is_409_naming_the_running_job(make_services):
    queue = RecordingQueue()  # nothing runs: the first job stays queued
    with installed(make_services(queue=queue)) as svc:
        client = api_client()
        project = create(client)
        first = client.post(f"/v1/projects/{project['id']}/generate", headers=ALICE)
        assert first.status_code == 202
        running = first.get_json()["job_id"]

        for route in ("generate", "storyboard", "script", "preview"):
            second = client.post(f"/v1/projects/{project['id']}/{route}", headers=ALICE)
            assert second.status_code == 409, (route, second.get_data(as_text=True))
            error = second.get_json()["error"]
            assert error["code"] == "job_running" and error["fields"] == {"job_id": running}
            assert running in error["message"]
        assert svc.projects.get("alice", project["id"]).settings.seed == 0  # script: no rewrite

        assert (
            client.get(f"/v1/projects/{project['id']}", headers=ALICE).get_json()["last_job_id"]
            == running
        )
        client.post(f"/v1/jobs/{running}/cancel", headers=ALICE)
        again = client.post(f"/v1/projects/{project['id']}/generate", headers=ALICE)
        assert again.status_code == 202 and again.get_json()["job_id"] != running
