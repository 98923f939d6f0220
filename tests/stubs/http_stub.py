"""A base for platform stand-ins: a threaded local HTTP server that records every request,
answers through the subclass's `respond`, and plays scripted faults first.

A fault is queued per route name (`stub.fault("upload", Reply(503, ...))`) and applies to the
next request of that route; `Drop(after_bytes)` reads that many body bytes, keeps them (the
subclass sees them through `partial`), and closes the connection without answering, as a
network failure mid-upload does.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))

    @property
    def bearer(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else ""


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Drop:
    """Close the connection after reading `after_bytes` of the body, without an answer."""

    after_bytes: int = 0


class StubServer:
    """Subclasses implement `route(request) -> str` and `respond(route, request) -> Reply`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.lock = threading.RLock()
        self._faults: dict[str, deque[Reply | Drop]] = defaultdict(deque)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # shutdown() waits for the serving loop to look (every poll_interval, 0.5 s by default):
        # half a second of every test that closes a stub.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fault(self, route: str, *replies: Reply | Drop) -> None:
        with self.lock:
            self._faults[route].extend(replies)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def of(self, route: str) -> list[Request]:
        """The requests received on `route`."""
        with self.lock:
            return [r for r in self.requests if self.route(r) == route]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- for subclasses -----------------------------------------------------------------------

    def route(self, request: Request) -> str:
        raise NotImplementedError

    def respond(self, route: str, request: Request) -> Reply:
        raise NotImplementedError

    def partial(self, route: str, request: Request) -> None:
        """A request whose connection was dropped after `request.body` arrived."""

    # -- the server ---------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                parsed = urlparse(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Request(self.command, parsed.path, dict(parse_qsl(parsed.query)), headers)
                name = stub.route(request)
                length = int(headers.get("content-length", "0") or 0)
                with stub.lock:
                    queued = stub._faults.get(name)
                    fault = queued.popleft() if queued else None
                if isinstance(fault, Drop):
                    request.body = self.rfile.read(min(fault.after_bytes, length))
                    with stub.lock:
                        stub.requests.append(request)
                        stub.partial(name, request)
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                request.body = self.rfile.read(length) if length else b""
                with stub.lock:
                    stub.requests.append(request)
                    reply = fault if fault is not None else stub.respond(name, request)
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                body = reply.body
                if isinstance(body, dict | list):
                    data = json.dumps(body).encode()
                    content_type = "application/json"
                elif isinstance(body, str):
                    data, content_type = body.encode(), "text/plain"
                else:
                    data, content_type = body or b"", "application/octet-stream"
                self.send_response(reply.status)
                headers = {"Content-Type": content_type, **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
