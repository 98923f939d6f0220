"""HttpCertificateSource against a stub of Google's key endpoint: `{kid: PEM}` JSON with
`Cache-Control: public, max-age=N, must-revalidate, no-transform` (what googleapis.com sends)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest

from common.adapters.gcp.google_tokens import (
    GoogleSignedTokens,
    HttpCertificateSource,
    max_age_s,
)
from common.domain.errors import RetryableError
from tests.support.keys import NOW, SettableClock, firebase_claims, key_pair, sign_jwt


class KeyServer:
    """Serves `certs` at /certs with `cache_control`; `status` != 200 makes it fail."""

    def __init__(self) -> None:
        self.certs: dict[str, str] = {}
        self.cache_control = "public, max-age=600, must-revalidate, no-transform"
        self.status = 200
        self.hits = 0
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.hits += 1
                body = json.dumps(stub.certs).encode()
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Cache-Control", stub.cache_control)
                self.end_headers()
                self.wfile.write(body if stub.status == 200 else b'{"error":"down"}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/certs"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server() -> Iterator[KeyServer]:
    stub = KeyServer()
    stub.certs = {"k1": key_pair("k1").cert_pem}
    yield stub
    stub.close()


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


def test_keys_are_fetched_once_and_kept_for_their_max_age(server, clock):
    source = HttpCertificateSource(server.url, clock=clock)
    assert server.hits == 0  # nothing at build time
    assert set(source.certificates()) == {"k1"}
    clock.advance(599)
    source.certificates()
    assert server.hits == 1
    clock.advance(2)
    source.certificates()
    assert server.hits == 2


def test_a_refresh_for_an_unknown_key_is_rate_limited(server, clock):
    source = HttpCertificateSource(server.url, clock=clock, min_refresh_s=30)
    source.certificates()
    server.certs["k2"] = key_pair("k2").cert_pem
    assert "k2" not in source.certificates(refresh=True)  # fetched moments ago: the cache
    clock.advance(31)
    assert "k2" in source.certificates(refresh=True)
    assert server.hits == 2


def test_the_last_keys_serve_while_the_endpoint_fails_and_none_is_a_retryable_error(server, clock):
    source = HttpCertificateSource(server.url, clock=clock)
    source.certificates()
    server.status = 503
    clock.advance(3600)
    assert set(source.certificates()) == {"k1"}
    fresh = HttpCertificateSource(server.url, clock=clock)
    with pytest.raises(RetryableError, match="signing keys"):
        fresh.certificates()


def test_a_token_verifies_against_keys_from_the_endpoint(server, clock):
    tokens = GoogleSignedTokens(HttpCertificateSource(server.url, clock=clock))
    claims = tokens.decode(sign_jwt(firebase_claims("ann", "p", NOW.timestamp()), key_pair("k1")))
    assert claims["sub"] == "ann"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("public, max-age=19845, must-revalidate, no-transform", 19845.0),
        ("max-age=0", 0.0),
        ("no-store", 0.0),
        ("private", 3600.0),
    ],
)
def test_max_age_is_read_from_cache_control(value, seconds):
    assert max_age_s({"cache-control": value}, 3600.0) == seconds
