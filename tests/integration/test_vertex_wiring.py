"""Which credentials the Vertex providers send: Application Default Credentials everywhere,
also to another endpoint (STORYGENIUS_VERTEX_BASE_URL: a regional or private one checks them),
and a placeholder only where STORYGENIUS_VERTEX_AUTH=none says the endpoint checks none.

ADC here is a service-account key file whose token endpoint is a local stand-in, so the token
exchange google-auth makes is real and its token can be followed to the Vertex stub.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from common.bootstrap import provider_setup_problems
from common.config import Settings
from common.domain.assets import ImageRequest
from common.domain.errors import InvalidInputError
from tests.support.storage_emulator import service_account_info

TOKEN = "adc-token-for-vertex"


class TokenEndpoint:
    """Google's OAuth token endpoint as a service-account key file uses it: a JWT-bearer grant
    in, an access token out. Keeps the grants it was sent."""

    def __init__(self) -> None:
        self.grants: list[dict[str, list[str]]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                endpoint.grants.append(parse_qs(self.rfile.read(length).decode()))
                data = json.dumps(
                    {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/token"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def no_adc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Application Default Credentials on this machine, whatever it has configured."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "True")


@pytest.fixture
def token_endpoint() -> Iterator[TokenEndpoint]:
    endpoint = TokenEndpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture
def adc_key_file(
    no_adc: None, token_endpoint: TokenEndpoint, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Path:
    """Application Default Credentials: a service-account key whose token endpoint is local."""
    key = tmp_path / "adc.json"
    key.write_text(json.dumps({**service_account_info(), "token_uri": token_endpoint.url}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    return key


def _paint_one_keyframe(make_services: Any, stub: Any, **settings: Any) -> str:
    """Paint a keyframe with Gemini at `stub`; the Authorization header Vertex was sent."""
    svc = make_services({
        "images": "gemini", "google_cloud_project": "p", "vertex_base_url": stub.url,
        "vertex_retry_delay_s": 0.01, **settings,
    })  # fmt: skip
    svc.pipeline.providers.images.generate(
        ImageRequest(kind="keyframe", prompt="a lighthouse", width=90, height=160)
    )
    (request,) = stub.requests("generateContent")
    return {k.lower(): v for k, v in request.headers.items()}.get("authorization", "")


def test_another_endpoint_is_sent_application_default_credentials(
    make_services, vertex_stub, adc_key_file, token_endpoint
):
    authorization = _paint_one_keyframe(make_services, vertex_stub)

    assert authorization == f"Bearer {TOKEN}"
    (grant,) = token_endpoint.grants
    assert grant["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]


def test_an_endpoint_that_checks_no_credentials_is_sent_a_placeholder_and_adc_is_not_asked(
    make_services, vertex_stub, adc_key_file, token_endpoint
):
    authorization = _paint_one_keyframe(make_services, vertex_stub, vertex_auth="none")

    assert authorization.startswith("Bearer ") and TOKEN not in authorization
    assert token_endpoint.grants == []


def test_missing_credentials_are_reported_for_another_endpoint_unless_it_needs_none(no_adc):
    chosen = {"images": "gemini", "google_cloud_project": "p",
              "vertex_base_url": "https://europe-west4-aiplatform.googleapis.com"}  # fmt: skip

    (problem,) = provider_setup_problems(Settings.from_env({}, **chosen))
    assert "no Google credentials for Vertex AI" in problem
    assert provider_setup_problems(Settings.from_env({}, **chosen, vertex_auth="none")) == []


def test_the_setting_is_read_from_the_environment_and_refuses_other_values():
    assert Settings.from_env({"STORYGENIUS_VERTEX_AUTH": "none"}).vertex_auth == "none"
    assert Settings.from_env({}).vertex_auth == "adc"
    with pytest.raises(InvalidInputError, match="STORYGENIUS_VERTEX_AUTH"):
        Settings.from_env({"STORYGENIUS_VERTEX_AUTH": "stub"})
