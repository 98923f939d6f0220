"""Job media for browsers: `GET /v1/jobs/{id}/media` hands out signed links, and the local
server's `/media/...` route serves the folder store's files by them (Range requests included),
next to the Studio's static files at `/`.

Through the whole local WSGI app (`functions.server.create_app`), on the embedded default; the
queue only records tasks, and the test writes the job's media itself.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from werkzeug.test import Client

from common.adapters.local.link_signer import signer_for
from common.domain.job import SceneState
from functions.server import create_app
from tests.support.api import ALICE, BOB, installed
from tests.support.fakes import RecordingQueue

VIDEO = os.urandom(64 * 1024)


@pytest.fixture
def svc(make_services):
    with installed(make_services(queue=RecordingQueue())) as svc:
        yield svc


@pytest.fixture
def client(svc):
    return Client(create_app())


@pytest.fixture
def job_id(svc, client) -> str:
    """Alice's job with a video, captions and one scene's keyframe stored."""
    project = client.post(
        "/v1/projects", json={"prompt": "A fox guards a forest"}, headers=ALICE
    ).get_json()
    job_id = client.post(f"/v1/projects/{project['id']}/generate", headers=ALICE).get_json()[
        "job_id"
    ]
    video = svc.blobs.put(f"jobs/{job_id}/video.mp4", VIDEO, "video/mp4")
    vtt = svc.blobs.put(f"jobs/{job_id}/captions.vtt", b"WEBVTT\n\n", "text/vtt")
    still = svc.blobs.put("cache/images/abc.png", b"\x89PNG fake", "image/png")
    scene = SceneState(keyframe="done", keyframe_key=still).model_dump(mode="json")
    svc.jobs.update(
        job_id,
        {
            "outputs.video": video,
            "outputs.captions_vtt": vtt,
            "scene_ids": ["s1", "s2"],
            "scenes": {"s1": scene, "s2": SceneState().model_dump(mode="json")},
        },
    )
    return job_id


def links(client, job_id: str, headers=ALICE) -> dict:
    response = client.get(f"/v1/jobs/{job_id}/media", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_owner_gets_a_link_for_each_stored_output_and_keyframe(client, job_id):
    media = links(client, job_id)
    assert set(media["keyframes"]) == {"s1"}  # s2 has no picture yet
    assert media["thumbnail"] is None and media["captions_srt"] is None
    assert media["clips"] == {} and media["references"] == []
    for link in (media["video"], media["captions_vtt"], media["keyframes"]["s1"]):
        assert link.startswith("/media/")
        query = parse_qs(urlsplit(link).query)
        assert set(query) == {"expires", "signature"}
    assert urlsplit(media["video"]).path == f"/media/jobs/{job_id}/video.mp4"


def test_download_links_save_each_output_under_the_projects_title(svc, client, job_id):
    job = svc.jobs.find(job_id)
    client.patch(
        f"/v1/projects/{job.project_id}", json={"title": "The Fox’s Long Night"}, headers=ALICE
    )
    media = links(client, job_id)
    assert set(media["downloads"]) == {"video", "captions_vtt"}
    saved = client.get(media["downloads"]["video"])
    assert saved.status_code == 200 and saved.data == VIDEO
    assert saved.headers["Content-Disposition"] == ("attachment; filename=the-fox-s-long-night.mp4")
    captions = client.get(media["downloads"]["captions_vtt"])
    assert "filename=the-fox-s-long-night.vtt" in captions.headers["Content-Disposition"]
    # Played in the page (not a download), the file has no attachment header.
    assert "attachment" not in client.get(media["video"]).headers.get("Content-Disposition", "")


def test_a_download_name_in_another_script_is_kept_whole(svc, client, job_id):
    job = svc.jobs.find(job_id)
    client.patch(f"/v1/projects/{job.project_id}", json={"title": "Ночной маяк"}, headers=ALICE)
    saved = client.get(links(client, job_id)["downloads"]["video"])
    assert (
        "filename*=UTF-8''%D0%BD%D0%BE%D1%87%D0%BD%D0%BE%D0%B9-%D0%BC%D0%B0%D1%8F%D0%BA.mp4"
        in (saved.headers["Content-Disposition"])
    )


def test_a_download_name_that_is_no_plain_file_name_of_the_files_type_is_refused(client, job_id):
    video = links(client, job_id)["video"]
    for name in ("../../x.mp4", "evil.html", 'a"b.mp4', "two words.mp4", "a\r\nb.mp4", ""):
        response = client.get(f"{video}&download={quote(name, safe='')}")
        assert response.status_code == 400, name
        assert response.get_json()["error"]["message"].startswith("download: ")


def test_links_made_within_the_hour_are_the_same(client, job_id):
    assert links(client, job_id) == links(client, job_id)


def test_another_users_job_has_no_links(client, job_id):
    response = client.get(f"/v1/jobs/{job_id}/media", headers=BOB)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_link_serves_the_file_with_its_type_and_ranges_for_seeking(client, job_id):
    video = links(client, job_id)["video"]
    whole = client.get(video)
    assert whole.status_code == 200
    assert whole.data == VIDEO
    assert whole.mimetype == "video/mp4"
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert "private" in whole.headers["Cache-Control"]

    part = client.get(video, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206
    assert part.data == VIDEO[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(VIDEO)}"

    captions = client.get(links(client, job_id)["captions_vtt"])
    assert (captions.status_code, captions.mimetype) == (200, "text/vtt")
    assert client.head(video).status_code == 200


def test_a_tampered_expired_or_missing_signature_is_refused(svc, client, job_id):
    video = links(client, job_id)["video"]
    path, query = video.split("?")
    params = parse_qs(query)
    expires, signature = params["expires"][0], params["signature"][0]
    other_key = f"jobs/{job_id}/captions.vtt"  # a real file, with the video's signature
    signer = signer_for(svc.settings.data_dir)
    past = 1_000_000
    refused = [
        f"{path}?expires={expires}&signature={signature[:-2]}xx",
        f"{path}?expires={int(expires) + 3600}&signature={signature}",
        f"/media/{other_key}?expires={expires}&signature={signature}",
        f"{path}?expires={past}&signature={signer.sign(path[len('/media/') :], past)}",
        f"{path}?expires={expires}",
        path,
    ]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.get_json()["error"]["code"] == "forbidden"


def test_keys_that_leave_the_media_folder_are_refused_even_when_signed(svc, client, job_id):
    signer = signer_for(svc.settings.data_dir)
    expires = 4_000_000_000
    (svc.settings.data_dir / "secret.txt").write_text("not media")
    for key in ("../secret.txt", "jobs/../../secret.txt", "/etc/passwd", "cache//x.png"):
        url = f"/media/{key}?expires={expires}&signature={signer.sign(key, expires)}"
        response = client.get(url)
        assert response.status_code in (403, 404), key
        assert b"not media" not in response.data
    missing = "jobs/nothing-here.mp4"
    url = f"/media/{missing}?expires={expires}&signature={signer.sign(missing, expires)}"
    assert client.get(url).status_code == 404


def test_media_is_read_only(client, job_id):
    video = links(client, job_id)["video"]
    for method in ("POST", "DELETE"):
        assert client.open(video, method=method).status_code == 405
    # PUT takes only a large upload's signed upload link: a read link writes nothing.
    assert client.put(video, data=b"x").status_code == 403
    assert client.get(video).data == VIDEO


def test_the_studio_is_served_at_the_root_next_to_the_api(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert b'<script type="module" src="js/main.js">' in page.data
    script = client.get("/js/api.js")
    assert script.status_code == 200
    assert script.mimetype in ("text/javascript", "application/javascript")
    assert client.get("/v1/health").get_json() == {"status": "ok"}
    assert client.get("/js/../../main.py").status_code == 404
