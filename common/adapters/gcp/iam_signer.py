"""Signing URLs without a key file: the IAM Credentials API's signBlob, as the runtime's account.

Cloud Functions and Cloud Run run as a service account whose credentials (from the metadata
server) hold no private key, so `blob.generate_signed_url` cannot sign with them. IAM can:
`signBlob` signs bytes as a service account the caller may act as (the account needs
`roles/iam.serviceAccountTokenCreator` on itself; infra/terraform grants it). V4 signed URLs
made this way verify exactly like key-signed ones.

Nothing happens at construction: the account's email and the signer are resolved on the
first signature (one metadata request, then one signBlob call per URL).
"""

from __future__ import annotations

import threading
from typing import Any

import google.auth
from google.auth import iam
from google.auth.credentials import Signing
from google.auth.transport.requests import Request

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)


class IamSigningCredentials(Signing):
    """`google.auth.credentials.Signing` backed by IAM signBlob.

    `service_account_email` names the account to sign as; empty means the account the
    runtime's own credentials belong to. `source` (credentials) and `request` (a transport)
    default to application default credentials and a requests transport; tests pass their own.
    """

    def __init__(
        self,
        service_account_email: str = "",
        *,
        source: Any = None,
        request: Any = None,
    ) -> None:
        self._email = service_account_email
        self._source = source
        self._request = request
        self._signer: iam.Signer | None = None
        self._lock = threading.Lock()

    def _resolve(self) -> iam.Signer:
        with self._lock:
            if self._signer is None:
                request = self._request or Request()
                source = self._source
                if source is None:
                    source, _ = google.auth.default(scopes=SCOPES)
                email = self._email or getattr(source, "service_account_email", "")
                if email in ("", "default"):
                    # Compute credentials learn their account's email when first refreshed.
                    source.refresh(request)
                    email = getattr(source, "service_account_email", "")
                if not email or email == "default":
                    raise ValueError(
                        "cannot tell which service account signs URLs: set "
                        "STORYGENIUS_SIGNER_SERVICE_ACCOUNT"
                    )
                self._email = email
                self._signer = iam.Signer(request, source, email)  # type: ignore[no-untyped-call]
            return self._signer

    def sign_bytes(self, message: bytes) -> bytes:
        signature: bytes = self._resolve().sign(message)
        return signature

    @property
    def signer_email(self) -> str:
        self._resolve()
        return self._email

    @property
    def signer(self) -> iam.Signer:
        return self._resolve()
