"""V4 signed URLs without a key file: GcsBlobStore signing through IAM signBlob.

The IAM Credentials API is answered at the transport (google-auth's `Request` callable) by a
stand-in that signs with a locally generated key as the real service would with the account's
Google-held key; the URL must then verify with that key's public half, exactly as a URL signed
with a key file does.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from google.oauth2.credentials import Credentials

from common.adapters.gcp.gcs_blobs import GcsBlobStore
from common.adapters.gcp.iam_signer import IamSigningCredentials

ACCOUNT = "storygenius-steps@sg-test.iam.gserviceaccount.com"


@dataclass
class _Response:
    status: int
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)


class SignBlobService:
    """Answers IAM Credentials `signBlob` with RSA-SHA256 over the payload, and records calls."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self, url: str, method: str = "GET", body: Any = None, headers: Any = None, **_: Any
    ) -> _Response:
        self.calls.append({"url": url, "method": method, "headers": dict(headers or {})})
        payload = base64.b64decode(json.loads(body)["payload"])
        signature = self.key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
        answer = {"keyId": "k1", "signedBlob": base64.b64encode(signature).decode()}
        return _Response(200, json.dumps(answer).encode())


@pytest.fixture
def iam_service() -> SignBlobService:
    return SignBlobService()


def _store(signer: IamSigningCredentials) -> GcsBlobStore:
    client = storage.Client(project="sg-test", credentials=AnonymousCredentials())
    return GcsBlobStore("sg-media", client=client, signer_credentials=signer)


def test_signed_url_from_iam_sign_blob_verifies_with_the_accounts_key(
    iam_service: SignBlobService,
) -> None:
    signer = IamSigningCredentials(
        ACCOUNT, source=Credentials(token="runtime-token"), request=iam_service
    )
    url = _store(signer).url("jobs/j1/video.mp4", expires_s=600)

    [call] = iam_service.calls
    assert call["method"] == "POST"
    assert call["url"] == (
        f"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{ACCOUNT}:signBlob"
    )
    assert call["headers"]["authorization"] == "Bearer runtime-token"
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["X-Goog-Credential"].startswith(f"{ACCOUNT}/")
    assert params["X-Goog-Expires"] == "600"
    _verify(url, iam_service)


def test_a_download_link_names_the_file_in_its_signed_content_disposition(
    iam_service: SignBlobService,
) -> None:
    signer = IamSigningCredentials(
        ACCOUNT, source=Credentials(token="runtime-token"), request=iam_service
    )
    url = _store(signer).url("jobs/j1/video.mp4", expires_s=600, download_name="ночной-маяк.mp4")

    params = dict(parse_qsl(urlsplit(url).query))
    assert params["response-content-disposition"] == (
        'attachment; filename="______-____.mp4"; '
        "filename*=UTF-8''%D0%BD%D0%BE%D1%87%D0%BD%D0%BE%D0%B9-%D0%BC%D0%B0%D1%8F%D0%BA.mp4"
    )
    _verify(url, iam_service)  # the name is part of what was signed: it cannot be swapped


def _verify(url: str, iam_service: SignBlobService) -> None:
    """Recompute what was signed from the URL itself (Google's V4 process) and verify it."""
    params = dict(parse_qsl(urlsplit(url).query))
    parts = urlsplit(url)
    canonical_query = "&".join(
        part for part in sorted(parts.query.split("&")) if not part.startswith("X-Goog-Signature=")
    )
    canonical = (
        f"GET\n{parts.path}\n{canonical_query}\nhost:{parts.netloc}\n\nhost\nUNSIGNED-PAYLOAD"
    )
    scope = params["X-Goog-Credential"].split("/", 1)[1]
    to_sign = "\n".join(
        [
            "GOOG4-RSA-SHA256",
            params["X-Goog-Date"],
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    ).encode()
    signature = bytes.fromhex(params["X-Goog-Signature"])
    iam_service.key.public_key().verify(signature, to_sign, padding.PKCS1v15(), hashes.SHA256())


class _ComputeCredentials(Credentials):
    """Like metadata-server credentials: the account reads "default" until refreshed."""

    def __init__(self) -> None:
        super().__init__(token="metadata-token")
        self.service_account_email = "default"
        self.refreshed = 0

    def refresh(self, request: Any) -> None:
        self.refreshed += 1
        self.service_account_email = ACCOUNT


def test_the_runtime_account_is_learned_from_its_credentials_once(
    iam_service: SignBlobService,
) -> None:
    source = _ComputeCredentials()
    signer = IamSigningCredentials(source=source, request=iam_service)
    store = _store(signer)

    store.url("a.mp4")
    store.url("b.mp4")

    assert source.refreshed == 1
    assert signer.signer_email == ACCOUNT
    assert len(iam_service.calls) == 2
    assert all(ACCOUNT in call["url"] for call in iam_service.calls)


def test_an_account_that_cannot_be_told_is_a_clear_error(iam_service: SignBlobService) -> None:
    class Anonymous(Credentials):
        def refresh(self, request: Any) -> None:
            pass

    signer = IamSigningCredentials(source=Anonymous(token="t"), request=iam_service)
    with pytest.raises(ValueError, match="STORYGENIUS_SIGNER_SERVICE_ACCOUNT"):
        signer.sign_bytes(b"x")
