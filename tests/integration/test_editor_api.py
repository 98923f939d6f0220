"""The editor, preview and export routes through functions-framework's test client.

The queue only records tasks (RecordingQueue): no pipeline step runs in these tests.
"""

from __future__ import annotations

import functions_framework
import pytest

from common.bootstrap import install
from common.domain.story import Character, Scene, Story, StyleBible
from tests.support.fakes import RecordingQueue

ALICE = {"Authorization": "Bearer dev:alice"}
BOB = {"Authorization": "Bearer dev:bob"}


@pytest.fixture
def queue():
    return RecordingQueue()


@pytest.fixture
def svc(make_services, queue):
    svc = make_services(queue=queue)
    install(svc)
    yield svc
    install(None)


@pytest.fixture
def client(svc):
    return functions_framework.create_app("api", "main.py").test_client()


def a_story() -> Story:
    return Story(
        title="The Keeper",
        style=StyleBible(
            visual_style="ink",
            palette=["#112233", "#445566", "#778899"],
            characters=[Character(id="keeper", name="Ada", description="an old keeper")],
        ),
        scenes=[
            Scene(id="s01", beat="hook", narration="Night falls.", visual_prompt="a tower",
                  characters=["keeper"]),
            Scene(id="s02", beat="development", narration="A whale sings.", visual_prompt="a bay"),
            Scene(id="s03", beat="resolution", narration="Dawn.", visual_prompt="the sea"),
        ],
    )  # fmt: skip


@pytest.fixture
def project(client, svc):
    """Alice's project with a written story, at revision 1."""
    response = client.post(
        "/v1/projects",
        json={"prompt": "A lighthouse keeper befriends a whale", "settings": {"duration_s": 15}},
        headers=ALICE,
    )
    assert response.status_code == 201
    return svc.projects.save_story(response.get_json()["id"], a_story()).model_dump(mode="json")


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def scenes_path(project) -> str:
    return f"/v1/projects/{project['id']}/scenes"


def story_of(client, project) -> dict:
    return client.get(f"/v1/projects/{project['id']}/story", headers=ALICE).get_json()


# -- PATCH a scene ------------------------------------------------------------------------------


def test_patching_a_scene_changes_it_and_bumps_the_revision(client, project):
    body = {"revision": 1, "narration": "A whale hums.", "clip_seconds": 8, "transition": "dip"}
    response = client.patch(f"{scenes_path(project)}/s02", json=body, headers=ALICE)
    assert response.status_code == 200
    edited = response.get_json()
    assert edited["revision"] == 2
    scene = edited["story"]["scenes"][1]
    assert (scene["narration"], scene["clip_seconds"], scene["transition"]) == (
        "A whale hums.",
        8,
        "dip",
    )
    assert story_of(client, project) == edited["story"]


def test_a_scene_patch_from_a_stale_revision_is_409_and_writes_nothing(client, project):
    path = f"{scenes_path(project)}/s01"
    first = client.patch(path, json={"revision": 1, "on_screen_text": "One"}, headers=ALICE)
    assert first.status_code == 200
    second = client.patch(path, json={"revision": 1, "on_screen_text": "Two"}, headers=ALICE)
    assert error_of(second, 409)["code"] == "stale_revision"
    assert story_of(client, project)["scenes"][0]["on_screen_text"] == "One"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"narration": "no revision"}, "revision"),
        ({"revision": 1, "narration": ""}, "narration"),
        ({"revision": 1, "mood": "angry"}, "mood"),
        ({"revision": 1, "clip_seconds": 7}, "clip_seconds"),
        ({"revision": 1, "visual_prompt": None}, "visual_prompt"),
        ({"revision": 1, "characters": ["ghost"]}, "characters"),
        ({"revision": 1, "id": "s09"}, "id"),
        ("text", "body"),
    ],
)
def test_a_bad_scene_patch_is_a_400_naming_the_field(client, project, body, field):
    error = error_of(client.patch(f"{scenes_path(project)}/s01", json=body, headers=ALICE), 400)
    assert field in error["fields"], error
    assert story_of(client, project) == a_story().model_dump(mode="json")


def test_patching_a_missing_scene_story_or_another_users_project_is_404(client, svc, project):
    body = {"revision": 1, "narration": "x"}
    missing = client.patch(f"{scenes_path(project)}/s99", json=body, headers=ALICE)
    assert error_of(missing, 404)["code"] == "scene_not_found"
    assert error_of(client.patch(f"{scenes_path(project)}/s01", json=body, headers=BOB), 404)
    bare = client.post("/v1/projects", json={"prompt": "No story"}, headers=ALICE).get_json()
    response = client.patch(f"/v1/projects/{bare['id']}/scenes/s01", json=body, headers=ALICE)
    assert error_of(response, 404)["code"] == "no_story"


# -- insert, delete, reorder, style ------------------------------------------------------------


def test_a_scene_is_inserted_at_an_index(client, project):
    body = {"revision": 1, "index": 0, "scene": {"narration": "Once.", "visual_prompt": "fog"}}
    response = client.post(scenes_path(project), json=body, headers=ALICE)
    assert response.status_code == 201
    edited = response.get_json()
    assert [s["id"] for s in edited["story"]["scenes"]] == ["s04", "s01", "s02", "s03"]
    assert edited["revision"] == 2


def test_an_insert_past_the_end_is_a_400_naming_the_index(client, project):
    body = {"revision": 1, "index": 9, "scene": {"narration": "x", "visual_prompt": "y"}}
    error = error_of(client.post(scenes_path(project), json=body, headers=ALICE), 400)
    assert "index" in error["fields"]


def test_a_scene_is_deleted_with_the_revision_in_the_query(client, project):
    path = f"{scenes_path(project)}/s02"
    assert "revision" in error_of(client.delete(path, headers=ALICE), 400)["fields"]
    assert "revision" in error_of(client.delete(f"{path}?revision=x", headers=ALICE), 400)["fields"]
    response = client.delete(f"{path}?revision=1", headers=ALICE)
    assert response.status_code == 200
    assert [s["id"] for s in response.get_json()["story"]["scenes"]] == ["s01", "s03"]
    stale = client.delete(f"{scenes_path(project)}/s03?revision=1", headers=ALICE)
    assert error_of(stale, 409)["code"] == "stale_revision"


def test_scenes_are_reordered_and_a_bad_order_is_a_400(client, project):
    path = f"{scenes_path(project)}:reorder"
    bad = client.post(path, json={"revision": 1, "order": ["s01", "s02"]}, headers=ALICE)
    assert "missing ['s03']" in error_of(bad, 400)["fields"]["order"]
    response = client.post(
        path, json={"revision": 1, "order": ["s03", "s02", "s01"]}, headers=ALICE
    )
    assert response.status_code == 200
    assert [s["id"] for s in response.get_json()["story"]["scenes"]] == ["s03", "s02", "s01"]


def test_the_style_bible_is_patched_and_may_not_drop_a_character_in_use(client, project):
    path = f"/v1/projects/{project['id']}/style"
    dropped = client.patch(path, json={"revision": 1, "characters": []}, headers=ALICE)
    assert "s01" in error_of(dropped, 400)["fields"]["characters"]
    palette = ["red", "#000000", "#ffffff"]
    bad = client.patch(path, json={"revision": 1, "palette": palette}, headers=ALICE)
    assert "palette" in error_of(bad, 400)["fields"]
    response = client.patch(path, json={"revision": 1, "lighting": "moonlight"}, headers=ALICE)
    assert response.status_code == 200
    assert response.get_json()["story"]["style"]["lighting"] == "moonlight"


# -- preview and exports -----------------------------------------------------------------------


def test_a_preview_starts_a_small_fast_job(client, queue, project):
    response = client.post(f"/v1/projects/{project['id']}/preview", headers=ALICE)
    assert response.status_code == 202
    job = client.get(f"/v1/jobs/{response.get_json()['job_id']}", headers=ALICE).get_json()
    assert job["kind"] == "preview"
    render = job["render"]
    assert (render["width"], render["height"], render["video_preset"]) == (360, 640, "veryfast")
    assert [t.target for t in queue.tasks] == ["step_script"]


def test_an_export_starts_a_job_at_its_own_aspect_and_resolution(client, project):
    body = {"aspect": "16:9", "resolution": "720p"}
    response = client.post(f"/v1/projects/{project['id']}/exports", json=body, headers=ALICE)
    assert response.status_code == 202
    job = client.get(f"/v1/jobs/{response.get_json()['job_id']}", headers=ALICE).get_json()
    assert job["kind"] == "export"
    assert (job["render"]["width"], job["render"]["height"]) == (1280, 720)
    assert job["settings"]["aspect"] == "9:16"  # assets are the project's, cropped at assembly


@pytest.mark.parametrize(
    ("body", "field"), [({"aspect": "4:5"}, "aspect"), ({"resolution": "4k"}, "resolution")]
)
def test_a_bad_export_is_a_400_naming_the_field(client, queue, project, body, field):
    response = client.post(f"/v1/projects/{project['id']}/exports", json=body, headers=ALICE)
    assert field in error_of(response, 400)["fields"]
    assert queue.tasks == []


def test_exporting_a_project_without_a_story_is_404_no_story(client, queue):
    bare = client.post("/v1/projects", json={"prompt": "No story"}, headers=ALICE).get_json()
    response = client.post(f"/v1/projects/{bare['id']}/exports", json={}, headers=ALICE)
    assert error_of(response, 404)["code"] == "no_story"
    assert queue.tasks == []


def test_an_idempotency_key_is_one_request_per_route(client, queue, project):
    headers = {**ALICE, "Idempotency-Key": "k1"}
    first = client.post(f"/v1/projects/{project['id']}/preview", headers=headers)
    again = client.post(f"/v1/projects/{project['id']}/preview", headers=headers)
    assert first.get_json() == again.get_json() and len(queue.tasks) == 1
    other = client.post(f"/v1/projects/{project['id']}/generate", headers=headers)
    assert "Idempotency-Key" in error_of(other, 400)["fields"]


# -- openapi ------------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_editor_preview_and_export_routes(client):
    document = client.get("/v1/openapi.json").get_json()
    paths = document["paths"]
    scene = "/v1/projects/{project_id}/scenes/{scene_id}"
    expected = {
        (scene, "patch"): "UpdateScene",
        ("/v1/projects/{project_id}/scenes", "post"): "InsertScene",
        ("/v1/projects/{project_id}/scenes:reorder", "post"): "ReorderScenes",
        ("/v1/projects/{project_id}/style", "patch"): "UpdateStyle",
        ("/v1/projects/{project_id}/exports", "post"): "StartExport",
    }
    for (path, method), model in expected.items():
        op = paths[path][method]
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{model}"}
        assert {"400", "404"} <= set(op["responses"])
    assert "409" in paths[scene]["patch"]["responses"]
    assert "revision" in document["components"]["schemas"]["UpdateScene"]["required"]
    delete = paths[scene]["delete"]
    revision = next(p for p in delete["parameters"] if p.get("name") == "revision")
    assert (revision["in"], revision["required"], revision["schema"]["type"]) == (
        "query",
        True,
        "integer",
    )
    preview = paths["/v1/projects/{project_id}/preview"]["post"]
    assert "202" in preview["responses"]


# -- project settings and the edited story -------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "kept"),
    [({"music": True, "caption_style": "plain", "resolution": "720p"}, True), ({"seed": 3}, False)],
)
def test_settings_the_script_is_not_written_from_keep_the_edited_story(
    client, project, settings, kept
):
    edit = {"revision": 1, "narration": "Edited."}
    assert client.patch(f"{scenes_path(project)}/s01", json=edit, headers=ALICE).status_code == 200
    path = f"/v1/projects/{project['id']}"
    patched = client.patch(path, json={"settings": settings, "revision": 2}, headers=ALICE)
    assert patched.status_code == 200 and patched.get_json()["revision"] == 3
    story = patched.get_json()["story"]
    assert (story is not None and story["scenes"][0]["narration"] == "Edited.") is kept
