"""`python main.py serve` at its edge, over real sockets: host names, slow and huge bodies, the
server's own errors (functions/edge.py). Part of the security table (tests/security/)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
from pathlib import Path

import pytest

from tests.support.processes import free_port, local_server

pytestmark = pytest.mark.slow

# Variables of other engineers' stand-ins that must not leak into this server.
FOREIGN = ("FIRESTORE_", "STORAGE_EMULATOR", "STORYGENIUS_")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve-edge")
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN)}
    env |= {
        "STORYGENIUS_DATA_DIR": str(data / "data"),
        "STORYGENIUS_LOG_LEVEL": "INFO",
        "STORYGENIUS_BODY_READ_TIMEOUT_S": "2",
    }
    port = free_port()
    with local_server(port, env, data / "serve.log") as base:
        # `serve` loads the language identifier (~100 MB) in the background as it starts: the
        # memory tests measure bodies once that is done.
        deadline = time.monotonic() + 120
        while "warmed up in" not in (data / "serve.log").read_text(errors="replace"):
            assert time.monotonic() < deadline, "serve did not warm up within 120 s"
            time.sleep(0.1)
        yield base, port, _server_pid(port)


def _server_pid(port: int) -> int:
    """The pid of `main.py serve --port PORT` (local_server yields only its URL)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in argv and str(port).encode() in argv:
                return int(entry.name)
    raise AssertionError(f"no server process on port {port}")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _request(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host="Host" in headers)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body or None)
        answer = conn.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        conn.close()


def _read_all(sock: socket.socket) -> str:
    """What the server sends until it closes the connection."""
    parts = []
    while data := sock.recv(65536):
        parts.append(data)
    return b"".join(parts).decode(errors="replace")


def _error(body: bytes) -> dict:
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def test_a_host_name_the_server_was_not_started_for_is_refused(server):
    _, port, _ = server
    status, _, body = _request(port, "GET", "/v1/projects", {"Host": "rebound.example:80"})
    assert status == 400
    assert _error(body)["fields"].keys() == {"Host"}
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        status, _, body = _request(port, "GET", "/v1/projects", {"Host": host})
        assert status == 200, body


def test_headers_too_large_are_answered_in_json(server):
    _, port, _ = server
    headers = {f"X-Filler-{i}": "x" * 100 for i in range(120)}  # http.server allows 100
    headers["Host"] = f"127.0.0.1:{port}"
    status, answer_headers, body = _request(port, "GET", "/v1/health", headers)
    assert status == 431
    assert answer_headers["Content-Type"] == "application/json"
    assert _error(body)["code"] == "http_431"


def test_a_body_declared_and_never_sent_is_a_408_within_the_deadline(server):
    _, port, _ = server
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/projects HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{" % port
        )
        answer = _read_all(sock)
    assert answer.startswith("HTTP/1.1 408"), answer
    assert '"request_timeout"' in answer
    assert time.monotonic() - started < 15


def test_a_huge_body_is_refused_without_reading_it_into_memory(server):
    """600 MB declared (a third of it sent): 413 at once, the server's peak memory flat. Before,
    functions-framework read the whole body after the answer: +800 MB."""
    _, port, pid = server
    before = _peak_rss_mb(pid)
    size, sent = 600 * 1024 * 1024, 0
    chunk = b"\0" * (1 << 20)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            b"POST /v1/projects HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (port, size)
        )
        try:
            while sent < size // 3:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server answered and closed: it need not take the rest
        answer = _read_all(sock)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert _peak_rss_mb(pid) - before < 100


def test_a_huge_chunked_body_is_refused_without_reading_it_into_memory(server):
    _, port, pid = server
    before = _peak_rss_mb(pid)
    chunk = b"\0" * (1 << 20)
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            b"POST /v1/projects HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" % port
        )
        try:
            for _ in range(200):
                sock.sendall(framed)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        answer = _read_all(sock)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert _peak_rss_mb(pid) - before < 100
