"""Test support for the calendar: a clock the test moves, and a local HTTPS webhook receiver.

The receiver speaks plain HTTPS on 127.0.0.1 with a certificate for HOOK_HOST; the publisher
reaches it only through an explicit test override of the URL guard (`loopback_publisher`):
HOOK_HOST resolves to 127.0.0.1 and loopback is allowed, nothing else is.
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from common.adapters.webhook.publisher import WebhookPublisher
from tests.support.keys import key_pair

HOOK_HOST = "hooks.example.test"


class FakeClock:
    """A clock that stands still until the test moves it (thread-safe); with `step_s`, each
    reading also moves it on by that much (so durations measured with it are not zero)."""

    def __init__(self, start: datetime, step_s: float = 0.0) -> None:
        self._now = start
        self._step = timedelta(seconds=step_s)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            now = self._now
            self._now += self._step
            return now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now


@dataclass
class Received:
    """One delivery as the receiver saw it, and whether its signature checked out."""

    path: str
    headers: dict[str, str]
    body: bytes
    signed: bool
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """What the local webhook endpoint got. `fail_first` answers 503 to that many requests;
    `secret` is what signatures are checked against (set it once the webhook is made)."""

    port: int
    context: ssl.SSLContext
    secret: str = ""
    fail_first: int = 0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"https://{HOOK_HOST}:{self.port}/hooks/storygenius"

    def delivered(self) -> list[Received]:
        """The deliveries answered 2xx."""
        with self.lock:
            return [r for r in self.received if 200 <= r.answered < 300]


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The documented scheme, computed here independently: v1=HMAC-SHA256(secret, ts.body)."""
    timestamp = headers.get("X-StoryGenius-Timestamp", "")
    given = headers.get("X-StoryGenius-Signature", "")
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return bool(timestamp) and hmac.compare_digest(given, "v1=" + mac.hexdigest())


def _handler(receiver: Receiver) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k: v for k, v in self.headers.items()}
            with receiver.lock:
                failing = len(receiver.received) < receiver.fail_first
                status = 503 if failing else 204
                receiver.received.append(
                    Received(
                        self.path, headers, body, verify(receiver.secret, headers, body), status
                    )
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    """An HTTPS webhook endpoint on 127.0.0.1 with a certificate for HOOK_HOST."""
    keys = key_pair("webhook-receiver", common_name=HOOK_HOST)
    (tmp_path / "hook-cert.pem").write_text(keys.cert_pem)
    (tmp_path / "hook-key.pem").write_bytes(keys.key_pem)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "hook-cert.pem", tmp_path / "hook-key.pem")
    client_ctx = ssl.create_default_context(cadata=keys.cert_pem)
    state = Receiver(port=0, context=client_ctx)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    # shutdown() waits for the serving loop to look: 0.5 s by default, at every test's end.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def loopback_publisher(receiver: Receiver) -> WebhookPublisher:
    """The webhook publisher with the URL guard overridden for this test only: HOOK_HOST
    resolves to 127.0.0.1, loopback is allowed, and the receiver's certificate is trusted."""
    return WebhookPublisher(
        timeout_s=5,
        resolve=lambda host, port: ["127.0.0.1"] if host == HOOK_HOST else [],
        is_allowed=lambda address: address == "127.0.0.1",
        context=receiver.context,
    )
