"""The cloud shape, on this machine: functions-framework targets over HTTP, the Cloud Tasks stand-in
dispatching the steps to them, Firestore and Cloud Storage stand-ins holding the state, offline
providers. A job started through the REST API reaches `done`, and a Firestore listener sees its
progress rise to 100."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest

from common.domain.steps import QUEUE_CONCURRENCY
from common.ports import Document
from tests.support.probe import ffprobe
from tests.support.processes import free_port, local_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _call(base: str, method: str, path: str, body: object | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def cloud(firestore_emulator, storage_emulator, tasks_emulator, tmp_path):
    """The server process wired to the three stand-ins; yields (base URL, env, log path)."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    project = f"demo-{uuid.uuid4().hex[:8]}"
    bucket = f"media-{uuid.uuid4().hex[:8]}"
    client = storage.Client(
        project=project,
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": storage_emulator},
    )
    client.create_bucket(bucket)
    port = free_port()
    env = {
        **os.environ,
        "STORYGENIUS_STORE": "firestore",
        "STORYGENIUS_BLOBS": "gcs",
        "STORYGENIUS_QUEUE": "cloudtasks",
        "STORYGENIUS_AUTH": "dev",
        "STORYGENIUS_RENDER_PROFILE": "draft",  # what is checked is the cloud shape, not pixels
        "STORYGENIUS_ALLOW_DEV_AUTH": "1",
        "GOOGLE_CLOUD_PROJECT": project,
        "STORYGENIUS_BUCKET": bucket,
        "STORYGENIUS_FUNCTIONS_BASE_URL": f"http://127.0.0.1:{port}/tasks",
        "STORYGENIUS_TASKS_EMULATOR_HOST": tasks_emulator,
        "STORYGENIUS_TASKS_QUEUE_PREFIX": f"q{uuid.uuid4().hex[:6]}",
        "FIRESTORE_EMULATOR_HOST": firestore_emulator,
        "STORAGE_EMULATOR_HOST": storage_emulator,
        "STORYGENIUS_LOG_LEVEL": "INFO",
    }
    log = tmp_path / "server.log"
    with local_server(port, env, log) as base:
        yield base, env, log, client.bucket(bucket)


def test_a_job_flows_through_tasks_firestore_and_storage_to_a_video(cloud, tmp_path, monkeypatch):
    from common.adapters.gcp.firestore_store import FirestoreDocumentStore

    base, env, log, bucket = cloud
    status, project = _call(
        base,
        "POST",
        "/v1/projects",
        {"prompt": "A lighthouse keeper befriends a lonely whale", "settings": {
            "duration_s": 10, "resolution": "720p"}},
    )  # fmt: skip
    assert status == 201, project
    status, started = _call(base, "POST", f"/v1/projects/{project['id']}/generate")
    assert status == 202, started
    job_id = started["job_id"]

    # A client-side listener, as the app uses: progress only ever rises, and ends at 100.
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", env["FIRESTORE_EMULATOR_HOST"])
    store = FirestoreDocumentStore(env["GOOGLE_CLOUD_PROJECT"])
    seen: list[tuple[str, int]] = []
    ended = threading.Event()

    def listen(doc: Document | None) -> None:
        if doc is not None:
            seen.append((doc.data["status"], doc.data["progress"]))
            if doc.data["status"] in ("done", "failed", "cancelled"):
                ended.set()

    unsubscribe = store.watch("jobs", job_id, listen)
    try:
        assert ended.wait(300), (seen[-3:], log.read_text()[-3000:])
    finally:
        unsubscribe()

    job = store.get("jobs", job_id)
    assert job is not None
    assert job.data["status"] == "done", (job.data["error"], log.read_text()[-3000:])
    progress = [p for _, p in seen]
    assert progress == sorted(progress) and progress[-1] == 100

    # The media is in the bucket, and the video is real.
    names = {blob.name for blob in bucket.list_blobs(prefix=f"jobs/{job_id}/")}
    assert {f"jobs/{job_id}/{n}" for n in ("video.mp4", "thumbnail.jpg", "captions.srt")} <= names
    video = tmp_path / "video.mp4"
    bucket.blob(job.data["outputs"]["video"]).download_to_filename(str(video))
    info = ffprobe(video)
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}

    # Every step arrived over HTTP from the tasks stand-in, with its headers.
    # Plain or JSON log lines (where the quotes are escaped).
    # The job is done before step_assemble's answer is logged (the step finishes the job, then
    # answers): wait for that line rather than read the log too early.
    posted = r'\\?"POST /tasks/(step_\w+) HTTP/1\.1\\?" 200'
    deadline = time.monotonic() + 60
    while not (delivered := Counter(re.findall(posted, log.read_text())))["step_assemble"]:
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.1)
    scenes = len(job.data["scene_ids"])
    assert delivered["step_script"] >= 1 and delivered["step_references"] >= 1
    assert delivered["step_narration"] >= scenes and delivered["step_keyframe"] >= scenes
    assert delivered["step_clip"] >= scenes and delivered["step_assemble"] >= 1

    # One trace: every step arrived with the traceparent of the span that enqueued it.
    status, trace = _call(base, "GET", f"/v1/jobs/{job_id}/trace")
    assert status == 200, trace
    spans = {s["span_id"]: s for s in trace["spans"]}
    assert len(trace["trace_ids"]) == 1
    steps = [s for s in spans.values() if s["name"].startswith("step_")]
    assert Counter(s["name"] for s in steps)["step_clip"] >= scenes
    for step in steps:
        parent = spans[step["parent_span_id"]]["name"]
        if step["name"] == "step_script":
            assert parent == "POST /v1/projects/{project_id}/generate"
        else:
            assert parent.startswith("step_"), (step["name"], parent)

    # The steps are private: a caller without the queue's secret is refused.
    status, refused = _call(base, "POST", "/tasks/step_assemble", {"job_id": job_id})
    assert (status, refused["error"]["code"]) == (401, "unauthenticated")


def test_the_cli_makes_a_video_on_firestore_and_cloud_storage(
    firestore_emulator, storage_emulator, tmp_path
):
    """`python main.py make` with STORYGENIUS_STORE=firestore and STORYGENIUS_BLOBS=gcs."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    project = f"demo-{uuid.uuid4().hex[:8]}"
    bucket = f"media-{uuid.uuid4().hex[:8]}"
    storage.Client(
        project=project,
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": storage_emulator},
    ).create_bucket(bucket)
    env = {
        **os.environ,
        "STORYGENIUS_STORE": "firestore",
        "STORYGENIUS_BLOBS": "gcs",
        "STORYGENIUS_ALLOW_DEV_AUTH": "1",
        "STORYGENIUS_AUTH": "dev",
        "STORYGENIUS_RENDER_PROFILE": "draft",  # what is checked is the cloud shape, not pixels
        "GOOGLE_CLOUD_PROJECT": project,
        "STORYGENIUS_BUCKET": bucket,
        "FIRESTORE_EMULATOR_HOST": firestore_emulator,
        "STORAGE_EMULATOR_HOST": storage_emulator,
        # One step of each queue class at a time: the Firestore stand-in does not isolate
        # transactions (tests/contract/test_document_store.py), so two scenes' fan-in writes at
        # once could lose one there (a job "stalled: no task left to run", 1 run in 4 since the
        # in-process queue runs each class at its own limit). Firestore itself isolates them.
        "STORYGENIUS_QUEUE_CONCURRENCY": ",".join(f"{name}=1" for name in QUEUE_CONCURRENCY),
    }
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "main.py", "make", "A robot learns to paint", "--seconds", "10",
         "--resolution", "720p", "--quiet", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    info = ffprobe(out / "video.mp4")
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}
    summary = json.loads((out / "job.json").read_text())
    assert summary["outputs"]["video"] == f"jobs/{summary['id']}/video.mp4"
