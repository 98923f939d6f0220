"""`GET /v1/jobs/{id}/events`: the job document as server-sent events, fed by the store's watch.

Through functions-framework's test client on the embedded default (SQLite store, its watcher
thread). The queue only records tasks: the test itself moves the job along, one change at a
time, and reads what the stream sends.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from functions.api import openapi_spec
from functions.routes.events import JobEventStream
from tests.support.api import ALICE, BOB, api_client, installed
from tests.support.fakes import RecordingQueue


@pytest.fixture
def svc(make_services):
    with installed(make_services(queue=RecordingQueue())) as svc:
        yield svc


@pytest.fixture
def client(svc):
    return api_client()


@pytest.fixture
def job_id(client) -> str:
    """Alice's queued job (nothing runs it: the tests move it along)."""
    project = client.post(
        "/v1/projects", json={"prompt": "A fox guards a forest"}, headers=ALICE
    ).get_json()
    answer = client.post(f"/v1/projects/{project['id']}/generate", headers=ALICE)
    assert answer.status_code == 202
    return answer.get_json()["job_id"]


def parse(chunk: str) -> tuple[str, Any]:
    """One frame: ('job', dict), ('end', dict), ('comment', text) or ('retry', ms)."""
    fields: dict[str, str] = {}
    for line in chunk.strip("\n").split("\n"):
        if line.startswith(":"):
            return "comment", line[1:].strip()
        name, _, value = line.partition(": ")
        fields[name] = value
    if "retry" in fields:
        return "retry", int(fields["retry"])
    return fields["event"], json.loads(fields["data"])


class Reader:
    """Reads frames from a streamed response in a thread, so the test can wait for each."""

    def __init__(self, frames: Iterator[bytes]) -> None:
        self.received: queue.Queue[tuple[str, Any] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(frames,), daemon=True)
        self.thread.start()

    def _read(self, frames: Iterator[bytes]) -> None:
        buffer = ""
        for chunk in frames:
            buffer += chunk.decode()
            while "\n\n" in buffer:
                frame, buffer = buffer.split("\n\n", 1)
                self.received.put(parse(frame))
        self.received.put(None)  # the stream closed

    def next(self, timeout: float = 10.0) -> tuple[str, Any] | None:
        return self.received.get(timeout=timeout)


def test_events_arrive_in_order_and_the_stream_ends_when_the_job_is_done(svc, client, job_id):
    response = client.get(f"/v1/jobs/{job_id}/events", headers=ALICE, buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    reader = Reader(response.response)
    assert reader.next() == ("retry", 2000)
    event, first = reader.next()
    assert (event, first["id"], first["status"], first["progress"]) == ("job", job_id, "queued", 0)

    # Each change is written only once the previous one was received: every one must arrive,
    # in the order written.
    changes = [
        {"status": "running", "stage": "script", "progress": 4},
        {"stage": "scenes", "progress": 40},
        {"stage": "assembly", "progress": 90},
        {"status": "done", "stage": "done", "progress": 100},
    ]
    seen = []
    for change in changes:
        svc.jobs.update(job_id, change)
        event, job = reader.next()
        assert event == "job"
        seen.append((job["status"], job["stage"], job["progress"]))
    assert seen == [
        ("running", "script", 4),
        ("running", "scenes", 40),
        ("running", "assembly", 90),
        ("done", "done", 100),
    ]
    assert reader.next() == ("end", {"status": "done"})
    assert reader.next() is None  # and the stream closes
    reader.thread.join(5)
    assert not reader.thread.is_alive()


def test_fast_changes_are_merged_but_never_arrive_out_of_order(svc, client, job_id):
    response = client.get(f"/v1/jobs/{job_id}/events", headers=ALICE, buffered=False)
    reader = Reader(response.response)
    for progress in range(1, 100):
        svc.jobs.update(job_id, {"status": "running", "stage": "scenes", "progress": progress})
    svc.jobs.update(job_id, {"status": "failed", "stage": "scenes", "progress": 100})
    frames = []
    while (frame := reader.next()) is not None:
        frames.append(frame)
    progress = [job["progress"] for event, job in frames if event == "job"]
    assert progress == sorted(progress)
    assert progress[0] == 0 and progress[-1] == 100
    assert frames[-1] == ("end", {"status": "failed"})


def test_a_finished_job_is_sent_once_and_the_stream_ends(svc, client, job_id):
    svc.jobs.update(job_id, {"status": "cancelled"})
    body = client.get(f"/v1/jobs/{job_id}/events", headers=ALICE).get_data(as_text=True)
    frames = [parse(f) for f in body.split("\n\n") if f.strip()]
    assert [event for event, _ in frames] == ["retry", "job", "end"]
    assert frames[1][1]["status"] == "cancelled"
    assert frames[2] == ("end", {"status": "cancelled"})


def test_another_users_job_or_an_unknown_one_is_a_404(client, job_id):
    for path, headers in ((f"/v1/jobs/{job_id}/events", BOB), ("/v1/jobs/nope/events", ALICE)):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_a_stream_needs_a_signed_in_caller(client, job_id):
    response = client.get(f"/v1/jobs/{job_id}/events", headers={"Authorization": "Bearer junk"})
    assert response.status_code == 401


def test_silence_is_filled_with_keep_alive_comments_and_a_stream_ends_at_its_limit(svc, job_id):
    stream = JobEventStream(svc.store, job_id, "alice", heartbeat_s=0.05, max_s=0.4)
    started = time.monotonic()
    frames = [parse(f) for f in stream]
    assert time.monotonic() - started < 5
    kinds = [event for event, _ in frames]
    assert kinds[:2] == ["retry", "job"]
    assert kinds.count("comment") >= 3
    assert "end" not in kinds  # the job did not end: the client reconnects


def test_closing_a_stream_stops_its_watch(svc, job_id):
    stream = JobEventStream(svc.store, job_id, "alice", heartbeat_s=0.05, max_s=30)
    frames = iter(stream)
    assert parse(next(frames))[0] == "retry"
    assert parse(next(frames))[0] == "job"
    stream.close()  # what the server does when the client goes away
    svc.jobs.update(job_id, {"status": "running", "progress": 50})
    time.sleep(0.6)  # the SQLite watcher polls every 0.25 s
    assert parse(next(frames)) == ("comment", "keep-alive")  # no job event after close
    frames.close()


def test_the_openapi_document_describes_the_route_as_an_event_stream():
    operation = openapi_spec()["paths"]["/v1/jobs/{job_id}/events"]["get"]
    content = operation["responses"]["200"]["content"]
    assert list(content) == ["text/event-stream"]
    assert content["text/event-stream"]["x-event-data"] == {"$ref": "#/components/schemas/Job"}
    assert "404" in operation["responses"]
