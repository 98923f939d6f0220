"""A stand-in for Cloud KMS's REST API (what google-cloud-kms sends on its REST transport).

    POST /v1/{projects/*/locations/*/keyRings/*/cryptoKeys/*}:encrypt
         {"plaintext", "additionalAuthenticatedData", "plaintextCrc32c", ...}   (bytes base64)
      -> {"name", "ciphertext", "ciphertextCrc32c", "verifiedPlaintextCrc32c": true, ...}
    POST /v1/{...cryptoKeys/*}:decrypt {"ciphertext", "additionalAuthenticatedData", ...}
      -> {"plaintext", "plaintextCrc32c", "usedPrimary": true}

Each key is a real AES-256-GCM key held in memory, so wrong associated data or another key's
ciphertext fails as KMS fails (400 INVALID_ARGUMENT "Decryption failed"). Errors use Google's
JSON error body.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from typing import Any

import google_crc32c
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.stubs.http_stub import Reply, Request, StubServer

KEY_NAME = "projects/demo/locations/global/keyRings/storygenius/cryptoKeys/secrets"


def google_error(code: int, status: str, message: str) -> Reply:
    return Reply(code, {"error": {"code": code, "message": message, "status": status}})


def _crc(data: bytes) -> str:
    return str(google_crc32c.value(data))


class KmsStub(StubServer):
    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        super().__init__()

    def route(self, request: Request) -> str:
        return request.path.rsplit(":", 1)[-1] if ":" in request.path else "other"

    def respond(self, route: str, request: Request) -> Reply:
        name = request.path.removeprefix("/v1/").rsplit(":", 1)[0]
        if route not in ("encrypt", "decrypt") or "/cryptoKeys/" not in name:
            return google_error(404, "NOT_FOUND", f"no such method {request.path}")
        body: dict[str, Any] = request.json()
        aad = base64.b64decode(body.get("additionalAuthenticatedData", ""))
        key = AESGCM(self.keys.setdefault(name, os.urandom(32)))
        if route == "encrypt":
            plaintext = base64.b64decode(body["plaintext"])
            nonce = os.urandom(12)
            ciphertext = nonce + key.encrypt(nonce, plaintext, aad)
            return Reply(
                200,
                {
                    "name": name + "/cryptoKeyVersions/1",
                    "ciphertext": base64.b64encode(ciphertext).decode(),
                    "ciphertextCrc32c": _crc(ciphertext),
                    "verifiedPlaintextCrc32c": "plaintextCrc32c" in body,
                    "verifiedAdditionalAuthenticatedDataCrc32c": True,
                    "protectionLevel": "SOFTWARE",
                },
            )
        ciphertext = base64.b64decode(body["ciphertext"])
        try:
            plaintext = key.decrypt(ciphertext[:12], ciphertext[12:], aad)
        except (InvalidTag, ValueError):
            return google_error(
                400, "INVALID_ARGUMENT", "Decryption failed: the ciphertext is invalid."
            )
        return Reply(
            200,
            {
                "plaintext": base64.b64encode(plaintext).decode(),
                "plaintextCrc32c": _crc(plaintext),
                "usedPrimary": True,
                "protectionLevel": "SOFTWARE",
            },
        )


def kms_client(stub: KmsStub) -> Any:
    """google-cloud-kms's client on its REST transport, pointed at the stand-in."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import kms
    from google.cloud.kms_v1.services.key_management_service.transports.rest import (
        KeyManagementServiceRestTransport,
    )

    transport = KeyManagementServiceRestTransport(
        host=stub.url.removeprefix("http://"),
        credentials=AnonymousCredentials(),
        url_scheme="http",
    )
    return kms.KeyManagementServiceClient(transport=transport)


@pytest.fixture
def kms_stub() -> Iterator[KmsStub]:
    stub = KmsStub()
    yield stub
    stub.close()
