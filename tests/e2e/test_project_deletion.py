"""Deleting a project through the REST API deletes what was uploaded to it and its jobs, and
nothing else (the jobs' outputs, schedules and links: tests/security/test_http_edge.py).

The embedded default (SQLite documents, blobs in a folder); the queue only records tasks, so a
job stays where the test leaves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.bootstrap import Services
from common.domain import steps
from common.domain.commands import StepCommand
from common.ports import Delivery
from common.services.projects.uploads import upload_prefix
from tests.support import media_files
from tests.support.api import ALICE, api_client, installed
from tests.support.fakes import RecordingQueue

pytestmark = pytest.mark.slow  # clips are probed with ffmpeg

OWNER = "alice"


@pytest.fixture
def svc(make_services) -> Iterator[Services]:
    with installed(make_services(queue=RecordingQueue())) as svc:
        yield svc


@pytest.fixture
def client(svc: Services) -> Any:
    return api_client()


def create(client: Any, prompt: str) -> str:
    response = client.post("/v1/projects", json={"prompt": prompt}, headers=ALICE)
    assert response.status_code == 201
    return response.get_json()["id"]


def upload(client: Any, project: str, data: bytes, content_type: str) -> dict[str, Any]:
    headers = {**ALICE, "Content-Type": content_type}
    response = client.post(f"/v1/projects/{project}/uploads", data=data, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_deleting_a_project_deletes_its_uploads_and_only_its_own(client, svc, tmp_path: Path):
    doomed, kept = create(client, "A fox guards a forest"), create(client, "A cat learns to fly")
    image = upload(client, doomed, media_files.png(), "image/png")
    clip = upload(client, doomed, media_files.clip(tmp_path), "video/mp4")
    other = upload(client, kept, media_files.png(), "image/png")  # the same bytes, another home
    gone = svc.blobs.list(upload_prefix(OWNER, doomed))
    kept_blobs = svc.blobs.list(upload_prefix(OWNER, kept))
    # Each upload's file and manifest; the clip's poster too.
    assert len(gone) == 5 and {image["key"], clip["key"], clip["poster_key"]} <= set(gone)
    assert len(kept_blobs) == 2 and other["key"] in kept_blobs

    assert client.delete(f"/v1/projects/{doomed}", headers=ALICE).status_code == 204

    assert svc.blobs.list(upload_prefix(OWNER, doomed)) == []
    assert not any(svc.blobs.exists(key) for key in gone)
    assert client.get(f"/v1/projects/{doomed}", headers=ALICE).status_code == 404
    assert client.get(f"/v1/projects/{doomed}/uploads", headers=ALICE).status_code == 404
    assert client.delete(f"/v1/projects/{doomed}", headers=ALICE).status_code == 404
    # The other project keeps its upload, though it holds the very same bytes.
    assert svc.blobs.list(upload_prefix(OWNER, kept)) == kept_blobs
    listed = client.get(f"/v1/projects/{kept}/uploads", headers=ALICE).get_json()["uploads"]
    assert [u["id"] for u in listed] == [other["id"]]
    assert svc.blobs.get(other["key"]) == media_files.png()


@pytest.mark.parametrize("blob", ["file", "manifest"])
def test_an_upload_racing_the_delete_of_its_project_leaves_nothing_behind(
    client, svc, monkeypatch: pytest.MonkeyPatch, blob: str
):
    project = create(client, "A fox guards a forest")
    put, put_file = svc.blobs.put, svc.blobs.put_file

    def deleted_meanwhile(write: Any) -> Any:
        def racing(key: str, *args: Any, **kwargs: Any) -> str:
            stored = write(key, *args, **kwargs)
            if key.endswith(".json") == (blob == "manifest"):  # the project goes right after
                assert client.delete(f"/v1/projects/{project}", headers=ALICE).status_code == 204
            return stored

        return racing

    monkeypatch.setattr(svc.blobs, "put", deleted_meanwhile(put))
    monkeypatch.setattr(svc.blobs, "put_file", deleted_meanwhile(put_file))
    headers = {**ALICE, "Content-Type": "image/png"}
    response = client.post(
        f"/v1/projects/{project}/uploads", data=media_files.png(), headers=headers
    )
    assert response.status_code == 404
    assert svc.blobs.list(upload_prefix(OWNER, project)) == []


def test_a_delete_that_dies_midway_is_finished_by_deleting_again(
    client, svc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = create(client, "A fox guards a forest")
    upload(client, project, media_files.png(), "image/png")
    upload(client, project, media_files.clip(tmp_path), "video/mp4")
    delete = svc.blobs.delete
    deleted: list[str] = []

    def dies_on_the_third(key: str) -> None:
        if len(deleted) == 2:
            raise OSError("the process died")
        delete(key)
        deleted.append(key)

    monkeypatch.setattr(svc.blobs, "delete", dies_on_the_third)
    assert client.delete(f"/v1/projects/{project}", headers=ALICE).status_code == 500
    # Manifests went first: what is left is files no manifest lists, under a project still there.
    assert all(key.endswith(".json") for key in deleted)
    assert client.get(f"/v1/projects/{project}/uploads", headers=ALICE).get_json() == {
        "uploads": [],
        "next_cursor": None,
    }
    assert len(svc.blobs.list(upload_prefix(OWNER, project))) == 3

    monkeypatch.setattr(svc.blobs, "delete", delete)
    assert client.delete(f"/v1/projects/{project}", headers=ALICE).status_code == 204
    assert svc.blobs.list(upload_prefix(OWNER, project)) == []
    assert client.get(f"/v1/projects/{project}", headers=ALICE).status_code == 404


def test_a_project_with_a_job_in_flight_is_deleted_with_the_job_which_never_runs_again(client, svc):
    project = create(client, "A fox guards a forest")
    upload(client, project, media_files.png(), "image/png")
    job = client.post(f"/v1/projects/{project}/generate", headers=ALICE).get_json()["job_id"]

    assert client.delete(f"/v1/projects/{project}", headers=ALICE).status_code == 204
    assert svc.blobs.list(upload_prefix(OWNER, project)) == []
    assert client.get(f"/v1/jobs/{job}", headers=ALICE).status_code == 404

    assert isinstance(svc.queue, RecordingQueue)
    (task,) = svc.queue.tasks  # the job's first step, not yet delivered: it finds no job
    svc.pipeline.handle(steps.BY_NAME[task.target], StepCommand(**task.payload), Delivery())
    assert svc.jobs.find(job) is None
    assert svc.blobs.list(f"jobs/{job}/") == []
    assert [t.target for t in svc.queue.tasks] == [task.target]  # nothing enqueued after it
