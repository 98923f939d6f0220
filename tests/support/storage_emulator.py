"""Cloud Storage stand-in for tests: gcp-storage-emulator in a thread, in memory.

`storage_emulator` (session) yields the base URL; it starts only when a test asks for it.
`gcs_bucket` gives each test its own freshly created bucket, deleted afterwards, so tests never
see each other's objects. `gcs_signer` is a locally generated service-account key that signs
V4 URLs exactly as a real one would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

SIGNER_EMAIL = "signer@storygenius-test.iam.gserviceaccount.com"


def emulator_client(base_url: str, project: str = "test") -> Any:
    """A storage client for the emulator, configured explicitly (no environment variables)."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    return storage.Client(
        project=project,
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": base_url},
    )


def service_account_info(email: str = SIGNER_EMAIL) -> dict[str, str]:
    """A service-account key file's JSON (as a dict) with a new RSA 2048 key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return {
        "type": "service_account",
        "project_id": "storygenius-test",
        "private_key_id": uuid.uuid4().hex,
        "private_key": pem,
        "client_email": email,
        "client_id": "1234567890",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


@pytest.fixture(scope="session")
def storage_emulator() -> Iterator[str]:
    """Runs gcp-storage-emulator (in-memory) on a free port; yields ``http://127.0.0.1:PORT``."""
    from gcp_storage_emulator.server import create_server

    # Port 0 lets the OS pick a free port at bind time (no race with other processes); the
    # server's public API does not report the port, so it is read from its HTTP server.
    server = create_server("127.0.0.1", 0, in_memory=True)
    server.start()
    try:
        port = server._api._httpd.server_port
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def gcs_signer_info() -> dict[str, str]:
    """The service-account key (JSON dict) behind `gcs_signer`: tests verify signatures with it."""
    return service_account_info()


@pytest.fixture(scope="session")
def gcs_signer(gcs_signer_info: dict[str, str]) -> Any:
    """Service-account credentials that sign locally (no token is ever fetched)."""
    from google.oauth2 import service_account

    return service_account.Credentials.from_service_account_info(gcs_signer_info)


@pytest.fixture
def gcs_client(storage_emulator: str) -> Any:
    """A storage client on the emulator."""
    return emulator_client(storage_emulator)


@pytest.fixture
def gcs_bucket(gcs_client: Any) -> Iterator[str]:
    """A new, empty bucket for this test only; deleted with its objects afterwards."""
    name = f"test-{uuid.uuid4().hex[:16]}"
    bucket = gcs_client.create_bucket(name)
    yield name
    # Deleting the bucket drops its objects and their soft-deleted copies from memory too.
    for blob in list(gcs_client.list_blobs(name)):
        blob.delete()
    bucket.delete()
