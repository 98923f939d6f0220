"""Large uploads: `uploads:start`, the bytes PUT straight to storage, `uploads:complete` checks
what landed. Locally the upload link is the server's own signed `/media/incoming/...` link
(the Cloud Storage session is pinned in tests/contract/test_gcs_specifics.py)."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from common.services.projects.upload_sessions import incoming_prefix
from functions.server import create_app
from tests.support import media_files
from tests.support.api import ALICE, BOB, installed
from tests.support.fakes import RecordingQueue


@pytest.fixture
def svc(make_services):
    with installed(make_services(queue=RecordingQueue())) as svc:
        yield svc


@pytest.fixture
def client(svc) -> Any:
    return Client(create_app())


@pytest.fixture
def project(client) -> str:
    made = client.post("/v1/projects", json={"prompt": "A fox guards a forest"}, headers=ALICE)
    return made.get_json()["id"]


def start(client, project: str, body: dict, headers=ALICE):
    return client.post(f"/v1/projects/{project}/uploads:start", json=body, headers=headers)


def complete(client, project: str, session_id: str, headers=ALICE):
    body = {"session_id": session_id}
    return client.post(f"/v1/projects/{project}/uploads:complete", json=body, headers=headers)


def test_a_large_upload_is_sent_to_its_link_then_checked_and_stored(client, svc, project):
    png = media_files.png()
    session = start(client, project, {"content_type": "image/png", "size": len(png)}).get_json()
    assert session["upload_url"].startswith(f"/media/{incoming_prefix('alice', project)}")
    early = complete(client, project, session["session_id"])
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "upload_incomplete"

    sent = client.put(session["upload_url"], data=png, content_type="image/png")
    assert sent.status_code == 200
    done = complete(client, project, session["session_id"])
    assert done.status_code == 201, done.get_data(as_text=True)
    upload = done.get_json()
    assert upload["kind"] == "image" and upload["size_bytes"] == len(png)
    listed = client.get(f"/v1/projects/{project}/uploads", headers=ALICE).get_json()
    assert [u["id"] for u in listed["uploads"]] == [upload["id"]]
    assert svc.blobs.list(incoming_prefix("alice", project)) == []


def test_a_type_not_taken_or_a_size_over_the_limit_is_refused_before_a_byte_is_sent(
    client, svc, project
):
    wrong = start(client, project, {"content_type": "text/plain", "size": 10})
    assert wrong.status_code == 400 and "content_type" in wrong.get_json()["error"]["fields"]
    limit = svc.settings.upload_max_clip_bytes
    big = start(client, project, {"content_type": "video/mp4", "size": limit + 1})
    assert big.status_code == 413 and "body" in big.get_json()["error"]["fields"]


def test_content_that_is_not_what_its_type_says_is_refused_and_swept(client, svc, project):
    junk = b"\x89PNG\r\n\x1a\n" + b"not a picture" * 50
    session = start(client, project, {"content_type": "image/png", "size": len(junk)}).get_json()
    assert client.put(session["upload_url"], data=junk).status_code == 200
    refused = complete(client, project, session["session_id"])
    assert refused.status_code == 400 and "body" in refused.get_json()["error"]["fields"]
    assert svc.blobs.list(incoming_prefix("alice", project)) == []


def test_an_upload_link_takes_only_its_size_and_is_no_read_link(client, svc, project):
    png = media_files.png()
    session = start(client, project, {"content_type": "image/png", "size": len(png)}).get_json()
    url = session["upload_url"]
    assert client.put(url, data=png + b"more").status_code == 400  # not the size announced
    bigger = url.replace(f"upload={len(png)}", f"upload={len(png) + 4}")
    assert client.put(bigger, data=png + b"more").status_code == 403  # the size is signed
    assert client.get(url).status_code == 403  # an upload link reads nothing


def test_another_user_cannot_start_or_complete_an_upload_to_my_project(client, project):
    png = media_files.png()
    body = {"content_type": "image/png", "size": len(png)}
    assert start(client, project, body, headers=BOB).status_code == 404
    session = start(client, project, body).get_json()
    assert complete(client, project, session["session_id"], headers=BOB).status_code == 404
