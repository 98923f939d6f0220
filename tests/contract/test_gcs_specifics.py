"""GcsBlobStore's own promises, beyond the BlobStore contract: gs:// URIs, V4 signed URLs,
content types, resumable uploads, and how Cloud Storage failures map to the project's errors.

Runs against gcp-storage-emulator; error mapping runs against a tiny stub that answers every
request with one HTTP status.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from google.api_core import exceptions as api_exceptions
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession
from google.cloud import storage
from google.cloud.storage import exceptions as storage_exceptions

from common.adapters.gcp.gcs_blobs import GcsBlobStore, is_transient
from common.domain.errors import (
    InvalidInputError,
    NotFoundError,
    ProviderError,
    RetryableError,
    StoryGeniusError,
)
from tests.support.storage_emulator import SIGNER_EMAIL, emulator_client

MIB = 1024 * 1024


@pytest.fixture
def store(gcs_bucket: str, gcs_client: Any, gcs_signer: Any) -> GcsBlobStore:
    return GcsBlobStore(gcs_bucket, client=gcs_client, signer_credentials=gcs_signer)


def test_uri_names_bucket_and_key(store: GcsBlobStore, gcs_bucket: str) -> None:
    assert store.uri("jobs/j1/video.mp4") == f"gs://{gcs_bucket}/jobs/j1/video.mp4"


def test_content_type_is_stored_with_the_object(
    store: GcsBlobStore, gcs_client: Any, gcs_bucket: str, tmp_path: Path
) -> None:
    source = tmp_path / "still.png"
    source.write_bytes(b"png bytes")
    store.put("jobs/j1/video.mp4", b"mp4 bytes", "video/mp4")
    store.put_file("jobs/j1/still.png", source, "image/png")
    bucket = gcs_client.bucket(gcs_bucket)
    assert bucket.get_blob("jobs/j1/video.mp4").content_type == "video/mp4"
    assert bucket.get_blob("jobs/j1/still.png").content_type == "image/png"


def test_large_file_goes_up_in_resumable_chunks(
    storage_emulator: str, gcs_bucket: str, tmp_path: Path
) -> None:
    requests_seen: list[tuple[str, str, int]] = []

    def record(response: Any, *args: Any, **kwargs: Any) -> None:
        request = response.request
        requests_seen.append((request.method, request.url, response.status_code))

    session = AuthorizedSession(AnonymousCredentials())
    session.hooks["response"].append(record)
    client = storage.Client(
        project="test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": storage_emulator},
        _http=session,
    )
    store = GcsBlobStore(gcs_bucket, client=client)
    data = random.Random(7).randbytes(9 * MIB + 17)  # over the one-request limit
    source = tmp_path / "final.mp4"
    source.write_bytes(data)

    store.put_file("jobs/j1/final.mp4", source, "video/mp4")

    uploads = [(method, url, status) for method, url, status in requests_seen if "/upload/" in url]
    method, url, status = uploads[0]
    assert (method, status) == ("POST", 200)
    assert "uploadType=resumable" in url  # opens a resumable session...
    assert [(m, s) for m, _url, s in uploads[1:]] == [("PUT", 308), ("PUT", 200)]  # ...8 MiB, rest
    assert store.get("jobs/j1/final.mp4") == data


def test_list_leaves_out_objects_that_are_not_valid_keys(
    store: GcsBlobStore, gcs_client: Any, gcs_bucket: str
) -> None:
    bucket = gcs_client.bucket(gcs_bucket)
    for name in ["jobs/", "jobs//double.txt", "jobs/./dot.txt"]:
        bucket.blob(name).upload_from_string(b"", content_type="text/plain")
    store.put("jobs/j1/a.txt", b"a")
    assert store.list() == ["jobs/j1/a.txt"]
    assert store.list("jobs/") == ["jobs/j1/a.txt"]


def test_store_without_a_client_uses_storage_emulator_host(
    storage_emulator: str, gcs_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What bootstrap relies on: GcsBlobStore(bucket) alone honours STORAGE_EMULATOR_HOST."""
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", storage_emulator)
    store = GcsBlobStore(gcs_bucket)
    store.put("a.txt", b"through the environment")
    assert emulator_client(storage_emulator).bucket(gcs_bucket).blob("a.txt").exists()
    assert store.get("a.txt") == b"through the environment"


# --- signed URLs ------------------------------------------------------------------------------


def test_signed_url_is_v4_and_verifies_with_the_public_key(
    store: GcsBlobStore, gcs_bucket: str, gcs_signer_info: dict[str, str], storage_emulator: str
) -> None:
    key = "jobs/j1/🎬 scene 1.mp4"
    store.put(key, b"video", "video/mp4")
    url = store.url(key, expires_s=900)

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == storage_emulator  # the client's endpoint
    assert unquote(parts.path) == f"/{gcs_bucket}/{key}"
    pairs = [tuple(item.split("=", 1)) for item in parts.query.split("&")]
    params = {name: unquote(value) for name, value in pairs}
    assert params["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    email, datestamp, location, service, request_type = params["X-Goog-Credential"].split("/")
    assert (email, location, service, request_type) == (
        SIGNER_EMAIL,
        "auto",
        "storage",
        "goog4_request",
    )
    assert re.fullmatch(r"\d{8}T\d{6}Z", params["X-Goog-Date"])
    assert params["X-Goog-Date"].startswith(datestamp)
    assert params["X-Goog-Expires"] == "900"
    assert params["X-Goog-SignedHeaders"] == "host"
    assert re.fullmatch(r"[0-9a-f]{512}", params["X-Goog-Signature"])  # RSA 2048 = 256 bytes

    # Google's "V4 signing process": canonical request -> string to sign -> RSA-SHA256.
    def string_to_sign(query_pairs: list[tuple[str, ...]]) -> bytes:
        canonical_query = "&".join(
            f"{name}={value}" for name, value in sorted(query_pairs) if name != "X-Goog-Signature"
        )
        canonical_request = "\n".join(
            [
                "GET",
                parts.path,
                canonical_query,
                f"host:{parts.netloc}\n",
                "host",
                "UNSIGNED-PAYLOAD",
            ]
        )
        return "\n".join(
            [
                "GOOG4-RSA-SHA256",
                params["X-Goog-Date"],
                f"{datestamp}/auto/storage/goog4_request",
                hashlib.sha256(canonical_request.encode("ascii")).hexdigest(),
            ]
        ).encode("ascii")

    private_key = serialization.load_pem_private_key(
        gcs_signer_info["private_key"].encode("ascii"), password=None
    )
    assert isinstance(private_key, rsa.RSAPrivateKey)
    public_key = private_key.public_key()
    signature = bytes.fromhex(params["X-Goog-Signature"])
    public_key.verify(signature, string_to_sign(pairs), padding.PKCS1v15(), hashes.SHA256())
    # The check has teeth: a URL whose expiry was stretched no longer verifies.
    stretched = [(n, "604800" if n == "X-Goog-Expires" else v) for n, v in pairs]
    with pytest.raises(InvalidSignature):
        public_key.verify(signature, string_to_sign(stretched), padding.PKCS1v15(), hashes.SHA256())

    # The emulator does not check signatures, but serving the bytes proves path and encoding.
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"video"


def test_url_without_signer_credentials_says_what_is_missing(
    gcs_bucket: str, gcs_client: Any
) -> None:
    store = GcsBlobStore(gcs_bucket, client=gcs_client)
    store.put("a.txt", b"x")
    with pytest.raises(StoryGeniusError, match="signing credentials") as caught:
        store.url("a.txt")
    assert not caught.value.retryable


@pytest.mark.parametrize("expires_s", [0, -5, 7 * 24 * 3600 + 1])
def test_url_expiry_outside_v4_limits_is_refused(store: GcsBlobStore, expires_s: int) -> None:
    with pytest.raises(InvalidInputError) as caught:
        store.url("a.txt", expires_s=expires_s)
    assert "expires_s" in caught.value.fields


def test_signer_without_a_private_key_is_refused_up_front(gcs_client: Any) -> None:
    with pytest.raises(StoryGeniusError, match="cannot sign"):
        GcsBlobStore("bucket", client=gcs_client, signer_credentials=AnonymousCredentials())  # type: ignore[arg-type]


# --- failures ---------------------------------------------------------------------------------


@pytest.fixture
def failing_endpoint() -> Iterator[Callable[[int], str]]:
    """Starts stub endpoints that answer every request with one status and a GCS error body."""
    servers: list[ThreadingHTTPServer] = []

    def start(status: int) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _fail(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                body = json.dumps({"error": {"code": status, "message": "stubbed failure"}})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            do_GET = do_POST = do_PUT = do_DELETE = _fail

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def store_calls(store: GcsBlobStore, tmp_path: Path) -> dict[str, Callable[[], object]]:
    source = tmp_path / "src.bin"
    source.write_bytes(b"x")
    return {
        "put": lambda: store.put("a.bin", b"x"),
        "put_file": lambda: store.put_file("a.bin", source),
        "get": lambda: store.get("a.bin"),
        "download": lambda: store.download("a.bin", tmp_path / "out" / "a.bin"),
        "exists": lambda: store.exists("a.bin"),
        "delete": lambda: store.delete("a.bin"),
        "list": lambda: store.list("a"),
    }


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_failures_become_retryable(
    failing_endpoint: Callable[[int], str], status: int, tmp_path: Path
) -> None:
    # A zero retry deadline makes the client give up after its first attempt.
    store = GcsBlobStore(
        "bkt", client=emulator_client(failing_endpoint(status)), retry_deadline_s=0
    )
    for name, call in store_calls(store, tmp_path).items():
        with pytest.raises(RetryableError) as caught:
            call()
        assert caught.value.retryable, name


def test_unreachable_endpoint_is_retryable(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    closed = f"http://127.0.0.1:{server.server_port}"
    server.server_close()  # nothing listens there now: connections are refused
    store = GcsBlobStore("bkt", client=emulator_client(closed), retry_deadline_s=0)
    with pytest.raises(RetryableError):
        store.get("a.bin")


def test_permission_denied_is_a_provider_error_not_retried(
    failing_endpoint: Callable[[int], str], tmp_path: Path
) -> None:
    store = GcsBlobStore("bkt", client=emulator_client(failing_endpoint(403)), retry_deadline_s=0)
    for name, call in store_calls(store, tmp_path).items():
        with pytest.raises(ProviderError) as caught:
            call()
        assert not caught.value.retryable, name
        assert "403" in caught.value.message, name


def test_writing_to_a_missing_bucket_is_a_provider_error(gcs_client: Any) -> None:
    store = GcsBlobStore("no-such-bucket-here", client=gcs_client, retry_deadline_s=0)
    with pytest.raises(ProviderError) as caught:
        store.put("a.txt", b"x")
    assert not isinstance(caught.value, NotFoundError)


def test_failed_download_keeps_the_old_file_and_leaves_no_temp(
    failing_endpoint: Callable[[int], str], tmp_path: Path
) -> None:
    store = GcsBlobStore("bkt", client=emulator_client(failing_endpoint(503)), retry_deadline_s=0)
    dest = tmp_path / "out" / "video.mp4"
    dest.parent.mkdir()
    dest.write_bytes(b"previous download")
    with pytest.raises(RetryableError):
        store.download("jobs/j1/video.mp4", dest)
    assert dest.read_bytes() == b"previous download"
    assert [p.name for p in dest.parent.iterdir()] == ["video.mp4"]


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (api_exceptions.TooManyRequests("slow down"), True),
        (api_exceptions.InternalServerError("oops"), True),
        (api_exceptions.ServiceUnavailable("busy"), True),
        (api_exceptions.GatewayTimeout("late"), True),
        (api_exceptions.from_http_status(408, "request timeout"), True),
        (api_exceptions.RetryError("deadline exceeded", cause=None), True),
        (requests.ConnectionError("reset"), True),
        (requests.Timeout("read timed out"), True),
        (auth_exceptions.TransportError("metadata server unreachable"), True),
        (auth_exceptions.RefreshError("try later", retryable=True), True),
        (storage_exceptions.DataCorruption(None, "crc32c mismatch"), True),
        (TimeoutError("timed out"), True),
        (api_exceptions.Forbidden("no access"), False),
        (api_exceptions.BadRequest("bad name"), False),
        (api_exceptions.NotFound("no bucket"), False),
        (requests.exceptions.InvalidURL("no scheme"), False),
        (auth_exceptions.DefaultCredentialsError("no credentials"), False),
    ],
)
def test_transient_errors_are_told_apart(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient


def test_an_upload_session_takes_the_bytes_a_client_puts_to_it_in_chunks(
    store: GcsBlobStore, gcs_bucket: str
) -> None:
    """uploads:start hands the session URI to the client, which sends the file itself (in
    resumable chunks) without the bytes passing through the API."""
    data = random.Random(11).randbytes(512 * 1024 + 3)
    url = store.upload_session("incoming/alice/p1/s1", "video/mp4", len(data))
    half = 256 * 1024  # chunks are multiples of 256 KiB, the last excepted
    first = requests.put(
        url, data=data[:half], headers={"Content-Range": f"bytes 0-{half - 1}/{len(data)}"}
    )
    assert first.status_code == 308
    rest = requests.put(
        url,
        data=data[half:],
        headers={"Content-Range": f"bytes {half}-{len(data) - 1}/{len(data)}"},
    )
    assert rest.status_code in (200, 201)
    assert store.get("incoming/alice/p1/s1") == data
