"""The webhook sender connects to the address it vetted, with TLS checked for the original name."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.adapters.http.outbound_urls import open_vetted_connection
from common.domain.errors import InvalidInputError
from tests.support.keys import key_pair

HOST = "hooks.example.test"


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, bytes]] = []  # noqa: RUF012 (one server per test module)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        _Recorder.seen.append((self.path, self.headers.get("Host", ""), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, ssl.SSLContext]]:
    """An HTTPS server on 127.0.0.1 with a certificate for HOST; a client context trusting it."""
    keys = key_pair("webhook", common_name=HOST)
    (tmp_path / "cert.pem").write_text(keys.cert_pem)
    (tmp_path / "key.pem").write_bytes(keys.key_pem)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    client_ctx = ssl.create_default_context(cadata=keys.cert_pem)
    _Recorder.seen.clear()
    yield server.server_address[1], client_ctx
    server.shutdown()
    server.server_close()


def loopback_allowed(address: str) -> bool:
    return address == "127.0.0.1"


def test_the_connection_goes_to_the_vetted_address_with_the_host_name_for_tls(tls_server):
    port, context = tls_server
    lookups: list[str] = []

    def resolve(host: str, p: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    conn, target = open_vetted_connection(
        f"https://{HOST}:{port}/in?x=1",
        resolve=resolve,
        context=context,
        is_allowed=loopback_allowed,
        timeout=5,
    )
    conn.request("POST", target.path, body=b'{"ok":true}', headers={"Content-Type": "json"})
    assert conn.getresponse().status == 204
    conn.close()
    assert lookups == [HOST]  # resolved once, while vetting
    assert _Recorder.seen == [("/in?x=1", f"{HOST}:{port}", b'{"ok":true}')]


def test_a_certificate_for_another_name_is_refused(tls_server):
    port, context = tls_server
    conn, target = open_vetted_connection(
        f"https://other.example.test:{port}/",
        resolve=lambda host, p: ["127.0.0.1"],
        context=context,
        is_allowed=loopback_allowed,
        timeout=5,
    )
    with pytest.raises(ssl.SSLCertVerificationError):
        conn.request("POST", target.path, body=b"{}")
    assert _Recorder.seen == []


def test_with_the_default_policy_a_rebound_name_never_connects(tls_server):
    port, context = tls_server
    with pytest.raises(InvalidInputError, match="non-public"):
        open_vetted_connection(
            f"https://{HOST}:{port}/", resolve=lambda host, p: ["127.0.0.1"], context=context
        )
    assert _Recorder.seen == []
