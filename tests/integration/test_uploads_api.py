"""Uploads through the API (functions-framework's test client): content sniffing, probing,
limits, storage, and the scene and project settings that name an upload.

The queue only records tasks: no pipeline step runs here.
"""

from __future__ import annotations

import io
import re

import functions_framework
import pytest

from common.bootstrap import install
from common.domain.story import Scene, Story, StyleBible
from tests.support import media_files
from tests.support.fakes import RecordingQueue

ALICE = {"Authorization": "Bearer dev:alice"}
BOB = {"Authorization": "Bearer dev:bob"}
LIMITS = {
    "upload_max_image_bytes": 50_000,
    "upload_max_clip_bytes": 400_000,
    "upload_max_music_bytes": 300_000,
    "upload_max_clip_s": 3.0,
    "upload_max_music_s": 4.0,
}


@pytest.fixture
def svc(make_services):
    svc = make_services(LIMITS, queue=RecordingQueue())
    install(svc)
    yield svc
    install(None)


@pytest.fixture
def client(svc):
    return functions_framework.create_app("api", "main.py").test_client()


@pytest.fixture
def project(client, svc):
    """Alice's project with a written two-scene story."""
    response = client.post("/v1/projects", json={"prompt": "A fox guards a forest"}, headers=ALICE)
    assert response.status_code == 201
    story = Story(
        title="The Fox",
        style=StyleBible(visual_style="ink", palette=["#112233", "#445566", "#778899"]),
        scenes=[
            Scene(id="s01", beat="hook", narration="Night falls.", visual_prompt="a wood"),
            Scene(id="s02", beat="resolution", narration="Dawn.", visual_prompt="a glade"),
        ],
    )
    return svc.projects.save_story(response.get_json()["id"], story).model_dump(mode="json")


def upload(client, project, data: bytes, content_type: str, headers=ALICE, **kwargs):
    path = f"/v1/projects/{project['id']}/uploads"
    return client.post(path, data=data, headers={**headers, "Content-Type": content_type}, **kwargs)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


# -- what is accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type", "kind", "mime"),
    [
        (lambda tmp: media_files.png(), "image/png", "image", "image/png"),
        (lambda tmp: media_files.jpeg(), "image/jpeg", "image", "image/jpeg"),
        (lambda tmp: media_files.webp(), "image/webp", "image", "image/webp"),
        (lambda tmp: media_files.clip(tmp), "video/mp4", "clip", "video/mp4"),
        (lambda tmp: media_files.webm_clip(tmp), "video/webm", "clip", "video/webm"),
        (lambda tmp: media_files.wav(), "audio/wav", "music", "audio/wav"),
        (lambda tmp: media_files.mp3(tmp), "audio/mpeg", "music", "audio/mpeg"),
        (lambda tmp: media_files.m4a(tmp), "audio/mp4", "music", "audio/mp4"),
        (lambda tmp: media_files.ogg(tmp), "audio/ogg", "music", "audio/ogg"),
    ],
)
def test_each_accepted_format_is_stored_under_the_owners_project(
    client, svc, project, tmp_path, make, content_type, kind, mime
):
    data = make(tmp_path)
    response = upload(client, project, data, content_type, query_string={"filename": "f.bin"})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert re.fullmatch(r"u[0-9a-f]{24}", body["id"])
    assert (body["kind"], body["mime"], body["size_bytes"]) == (kind, mime, len(data))
    assert body["filename"] == "f.bin"
    assert body["key"].startswith(f"uploads/alice/{project['id']}/{body['id']}.")
    assert svc.blobs.get(body["key"]) == data
    if kind == "image":
        assert (body["width"], body["height"], body["poster_key"]) == (64, 48, body["key"])
    if kind == "clip":
        assert body["duration_s"] == pytest.approx(1.0, abs=0.1)
        assert body["poster_key"].endswith(".poster.png")
        assert svc.blobs.get(body["poster_key"]).startswith(b"\x89PNG")
    if kind == "music":
        assert body["duration_s"] == pytest.approx(1.0, abs=0.1)
        assert body["poster_key"] is None


def test_the_same_file_twice_is_one_upload_and_the_project_lists_it(client, project):
    first = upload(client, project, media_files.png(), "image/png").get_json()
    again = upload(client, project, media_files.png(), "image/png").get_json()
    assert again == first
    listed = client.get(f"/v1/projects/{project['id']}/uploads", headers=ALICE).get_json()
    assert [u["id"] for u in listed["uploads"]] == [first["id"]]
    one = client.get(f"/v1/projects/{project['id']}/uploads/{first['id']}", headers=ALICE)
    assert one.get_json() == first


# -- what is refused ----------------------------------------------------------------------------


def test_the_content_decides_not_the_declared_type(client, project, tmp_path):
    error = error_of(upload(client, project, media_files.png(), "video/mp4"), 400)
    assert "png image, not a clip" in error["fields"]["body"]
    error = error_of(upload(client, project, media_files.wav(), "video/mp4"), 400)
    assert "music" in error["fields"]["body"]
    error = error_of(upload(client, project, media_files.clip(tmp_path), "audio/mp4"), 400)
    assert "clip" in error["fields"]["body"]
    text = b"just text, named like a picture"
    error = error_of(upload(client, project, text, "image/png"), 400)
    assert "none of the accepted formats" in error["fields"]["body"]


def test_a_picture_that_does_not_decode_is_refused(client, project):
    broken = media_files.png()[:40]  # a PNG signature and a cut-off header
    error = error_of(upload(client, project, broken, "image/png"), 400)
    assert "does not decode" in error["fields"]["body"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/octet-stream", "multipart/form-data; b=x", ""]
)
def test_a_type_that_is_not_accepted_names_the_content_type(client, project, content_type):
    error = error_of(upload(client, project, media_files.png(), content_type), 400)
    assert set(error["fields"]) == {"Content-Type"}


def test_an_empty_body_is_refused(client, project):
    error = error_of(upload(client, project, b"", "image/png"), 400)
    assert error["fields"] == {"body": "is empty"}


def test_a_body_over_its_kinds_limit_is_413_naming_the_body(client, project, svc):
    big = media_files.png(600, 600) + b"\0" * LIMITS["upload_max_image_bytes"]
    error = error_of(upload(client, project, big, "image/png"), 413)
    assert error["code"] == "payload_too_large"
    assert "MB, the limit for image uploads" in error["fields"]["body"]
    assert svc.blobs.list("uploads/") == []


def test_a_body_without_a_length_is_cut_off_at_the_limit(svc, project):
    class Endless(io.RawIOBase):
        """A body that never ends (a chunked upload without Content-Length)."""

        read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            buffer[: len(buffer)] = b"\x89PNG\r\n\x1a\n".ljust(len(buffer), b"\0")
            self.read_bytes += len(buffer)
            return len(buffer)

    body = Endless()
    from common.services.projects.uploads import UploadTooLargeError

    with pytest.raises(UploadTooLargeError):
        svc.uploads.receive("alice", project["id"], body, content_type="image/png")
    assert body.read_bytes <= LIMITS["upload_max_image_bytes"] + (1 << 20)


def test_clips_and_tracks_longer_than_the_limits_are_refused(client, project, tmp_path):
    error = error_of(upload(client, project, media_files.clip(tmp_path, 4.0), "video/mp4"), 400)
    assert "at most 3 s" in error["fields"]["body"]
    error = error_of(upload(client, project, media_files.wav(5.0), "audio/wav"), 400)
    assert "at most 4 s" in error["fields"]["body"]


def test_another_users_project_takes_no_upload(client, project):
    error_of(upload(client, project, media_files.png(), "image/png", headers=BOB), 404)


# -- naming an upload ---------------------------------------------------------------------------


def scene_patch(client, project, revision: int, **changes):
    path = f"/v1/projects/{project['id']}/scenes/s01"
    return client.patch(path, json={"revision": revision, **changes}, headers=ALICE)


def test_a_scene_can_show_an_uploaded_image_or_clip_but_not_music(client, project, tmp_path):
    image = upload(client, project, media_files.png(), "image/png").get_json()
    track = upload(client, project, media_files.wav(), "audio/wav").get_json()
    revision = project["revision"]

    error = error_of(scene_patch(client, project, revision, clip_source="upload"), 400)
    assert "upload_id" in error["fields"]
    error = error_of(scene_patch(client, project, revision, upload_id="u" + "0" * 24), 400)
    assert "no upload" in error["fields"]["upload_id"]
    error = error_of(
        scene_patch(client, project, revision, clip_source="upload", upload_id=track["id"]), 400
    )
    assert "is a music" in error["fields"]["upload_id"]

    done = scene_patch(client, project, revision, clip_source="upload", upload_id=image["id"])
    assert done.status_code == 200, done.get_data(as_text=True)
    scene = done.get_json()["story"]["scenes"][0]
    assert (scene["clip_source"], scene["upload_id"]) == ("upload", image["id"])
    done = scene_patch(client, project, revision + 1, clip_source="kenburns")
    assert done.get_json()["story"]["scenes"][0]["clip_source"] == "kenburns"


def test_the_project_can_play_an_uploaded_music_track(client, project):
    image = upload(client, project, media_files.png(), "image/png").get_json()
    track = upload(client, project, media_files.wav(), "audio/wav").get_json()
    path = f"/v1/projects/{project['id']}"
    error = error_of(
        client.patch(path, json={"settings": {"music_upload": image["id"]}}, headers=ALICE), 400
    )
    assert "not a music track" in error["fields"]["settings.music_upload"]
    done = client.patch(path, json={"settings": {"music_upload": track["id"]}}, headers=ALICE)
    assert done.status_code == 200
    settings = done.get_json()["settings"]
    assert settings["music_upload"] == track["id"]
    assert done.get_json()["story"] is not None  # music does not rewrite the story
    created = client.post(
        "/v1/projects",
        json={"prompt": "x", "settings": {"music_upload": track["id"]}},
        headers=ALICE,
    )
    assert "settings.music_upload" in error_of(created, 400)["fields"]


def test_the_openapi_document_describes_the_raw_upload_body(client):
    document = client.get("/v1/openapi.json").get_json()
    operation = document["paths"]["/v1/projects/{project_id}/uploads"]["post"]
    assert {"image/png", "video/mp4", "audio/mpeg"} <= set(operation["requestBody"]["content"])
    assert {"400", "413", "404"} <= set(operation["responses"])
