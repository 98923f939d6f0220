"""The Vertex stand-in itself: scripted faults belong to the requests they were scripted for.

The contract suites trust the stub to play each scripted answer to the request it was meant for;
a slow answer that takes a later test's fault makes that test fail on a busy machine only.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

from tests.stubs.vertex_server import VertexStub

PATH = "/v1beta1/projects/p/locations/us-central1/publishers/google/models/m:generateContent"


def _post(stub: VertexStub, timeout_s: float = 30) -> int:
    body = json.dumps({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}).encode()
    request = urllib.request.Request(
        stub.url + PATH, body, {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_until_received(stub: VertexStub, count: int) -> None:
    deadline = time.monotonic() + 30
    while len(stub.requests("generateContent")) < count:
        assert time.monotonic() < deadline, "the stub never received the request"
        time.sleep(0.01)


def test_a_slow_answer_keeps_the_outcome_it_had_when_it_arrived(vertex_stub):
    vertex_stub.delay("generateContent", 1.0)
    statuses: list[int] = []
    slow = threading.Thread(target=lambda: statuses.append(_post(vertex_stub)))
    slow.start()
    _wait_until_received(vertex_stub, 1)

    # Scripted while the slow request is still waiting: meant for the next request only.
    vertex_stub.fail("generateContent", 403)
    slow.join(30)

    assert statuses == [200]
    assert _post(vertex_stub) == 403
    assert _post(vertex_stub) == 200


def test_a_slow_answer_finishing_after_a_reset_takes_nothing_from_the_next_test(vertex_stub):
    vertex_stub.delay("generateContent", 1.0)
    slow = threading.Thread(target=_post, args=(vertex_stub,))
    slow.start()
    _wait_until_received(vertex_stub, 1)

    vertex_stub.reset()  # what the fixture does between tests
    vertex_stub.fail("generateContent", 503)
    slow.join(30)

    assert _post(vertex_stub) == 503


def _call(stub: VertexStub, verb: str, body: dict) -> dict:
    path = PATH.replace(":generateContent", f":{verb}")
    request = urllib.request.Request(
        stub.url + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_a_timed_operation_runs_until_its_seconds_have_passed_since_it_started(vertex_stub):
    from tests.stubs.vertex_server import VideoOutcome

    start = {"instances": [{"prompt": "a whale"}], "parameters": {"durationSeconds": 4}}
    vertex_stub.default_video = VideoOutcome(polls=0, seconds=60)
    long = _call(vertex_stub, "predictLongRunning", start)["name"]
    vertex_stub.default_video = VideoOutcome(polls=0, seconds=0.2)
    short = _call(vertex_stub, "predictLongRunning", start)["name"]
    time.sleep(0.3)

    assert "done" not in _call(vertex_stub, "fetchPredictOperation", {"operationName": long})
    done = _call(vertex_stub, "fetchPredictOperation", {"operationName": short})
    assert done["done"] is True and done["response"]["videos"]


def test_a_latency_delays_only_the_answers_of_its_kind(vertex_stub):
    vertex_stub.latency.update({"image": 0.5, "predictLongRunning": 30.0})
    image = {
        "contents": [{"role": "user", "parts": [{"text": "a whale"}]}],
        "generationConfig": {"responseModalities": ["IMAGE"]},
    }

    started = time.monotonic()
    assert _call(vertex_stub, "generateContent", image)["candidates"]
    assert time.monotonic() - started >= 0.5
    # A text answer waiting 30 s (another kind's latency) would time out here.
    assert _post(vertex_stub, timeout_s=20) == 200
