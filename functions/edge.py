"""The local server's edge: what `python main.py serve` puts between a socket and the functions.

In the cloud, Google's front end does this work (it routes by host, caps a request body at
32 MiB, times out slow clients and answers malformed requests itself). Locally the werkzeug
server would take anything, so:

- Only the configured host names are answered (`STORYGENIUS_ALLOWED_HOSTS`; `serve` fills in its
  own address and the loopback names). A web page on another site that rebinds its DNS name to
  127.0.0.1 (DNS rebinding) reaches the server with its own name in `Host` and gets a 400, so it
  can neither read nor change the local user's data.
- A request body is read with a deadline (`STORYGENIUS_BODY_READ_TIMEOUT_S`): a client that
  declares a Content-Length and sends nothing (or a trickle) gets a 408 instead of holding a
  thread forever. Bodies are refused by Content-Length before they are read (functions/api.py,
  the upload service), and functions-framework's hook that reads whatever is left of a body into
  memory after the answer (`read_request`) is taken off the API: the werkzeug server drains
  the rest in bounded reads and closes the connection.
- Every error is JSON in the API's one shape: the server's own (431 headers too large, 400
  malformed request line) and a defect that escapes a function (500).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from werkzeug.serving import WSGIRequestHandler

from functions.http import BodyTimeoutError

log = logging.getLogger(__name__)

WsgiApp = Any  # (environ, start_response) -> Iterable[bytes]
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> bytes:
    error = {"code": code, "message": message, "fields": fields or {}}
    return json.dumps({"error": error}).encode()


def allowed_hosts(host: str, port: int) -> str:
    """The Host values `serve` on `host:port` answers by default: its own address and the
    loopback names, with the port (a browser sends it for any port but 80)."""
    names = dict.fromkeys((host, *LOOPBACK))
    return ",".join(f"{name}:{port}" for name in names)


class DeadlineInput:
    """A WSGI input stream that must be read to its end by `deadline` (monotonic seconds):
    a read after it, or one that times out on the socket, raises BodyTimeoutError."""

    def __init__(self, stream: Any, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def _within_deadline(self, read: Callable[[int], bytes], size: int) -> bytes:
        if time.monotonic() > self._deadline:
            raise BodyTimeoutError("the request body did not arrive in time")
        try:
            return read(size)
        except TimeoutError as exc:  # the socket timeout of the request handler
            raise BodyTimeoutError("the request body did not arrive in time") from exc

    def read(self, size: int = -1) -> bytes:
        return self._within_deadline(self._stream.read, size)

    def readline(self, size: int = -1) -> bytes:
        return self._within_deadline(self._stream.readline, size)

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def guard(app: WsgiApp, hosts: str, body_timeout_s: float) -> WsgiApp:
    """`app` behind the host allow-list (`hosts`: comma-separated host[:port]; empty: any),
    with request bodies read under a deadline and escaping defects answered in JSON."""
    allowed = frozenset(h.strip().lower() for h in hosts.split(",") if h.strip())

    def respond(start_response: Any, status: str, body: bytes) -> Iterable[bytes]:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [body]

    def wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        host = str(environ.get("HTTP_HOST", "")).lower()
        if allowed and host not in allowed:
            why = f"this server answers only {', '.join(sorted(allowed))}"
            body = error_body("bad_host", f"Host: {why}", {"Host": why})
            return respond(start_response, "400 Bad Request", body)
        environ["wsgi.input"] = DeadlineInput(
            environ["wsgi.input"], time.monotonic() + body_timeout_s
        )
        try:
            result: Iterable[bytes] = app(environ, start_response)
        except BodyTimeoutError as exc:
            return respond(start_response, "408 Request Timeout", error_body(exc.code, exc.message))
        except Exception:
            log.exception("%s %s failed", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            body = error_body("internal", "internal error")
            return respond(start_response, "500 Internal Server Error", body)
        return result

    return wsgi


class JsonErrorsHandler(WSGIRequestHandler):
    """The werkzeug request handler with the server's own errors (a request line or headers
    too long: 414/431, a malformed request: 400) in the API's JSON shape, and a socket timeout
    on every read (the class attribute `timeout`, set by `serve`)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Access log lines name the path, never its query string: a signed /media link's
        signature works as a bearer credential, and OAuth callbacks carry one-time codes."""
        full = self.path
        self.path = full.split("?", 1)[0]
        try:
            super().log_request(code, size)
        finally:
            self.path = full

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        short, _ = self.responses.get(code, ("error", "error"))
        text = message or short
        self.log_error("code %d, message %s", code, text)
        self.send_response(code, text)
        self.send_header("Connection", "close")
        body = error_body(f"http_{code}", text) if code >= 200 and code not in (204, 304) else b""
        if body:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)
