"""Google's public signing keys over HTTP (cached as Google says), and RS256 signature checks.

Two key sets are used, both served as JSON `{key id: x509 certificate PEM}` with a
`Cache-Control: max-age=N` header that says how long they stay valid:
- Firebase ID tokens: FIREBASE_CERTS_URL (securetoken@system.gserviceaccount.com);
- Google-signed OIDC tokens (what Cloud Tasks attaches to a task): GOOGLE_OIDC_CERTS_URL.

`HttpCertificateSource` fetches on first use only (no I/O at build time), keeps the keys until
their max-age runs out, refetches early when a token names an unknown key id (rotation) but at
most once per `min_refresh_s`, and serves the last keys it had when a refetch fails. Signature
checks use google-auth (`google.auth.crypt.verify_signature` on the token's signed section,
`google.auth.jwt.decode(verify=False)` for the payload); claims are checked in services with the
injected clock (google-auth's own claim checks read the system clock).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from common.domain.errors import RetryableError, UnauthenticatedError
from common.ports import Clock, SystemClock
from common.ports.tokens import KeySource

log = logging.getLogger(__name__)

FIREBASE_CERTS_URL = (
    "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"
)
GOOGLE_OIDC_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"

# url -> (body, headers). The default is urllib; tests point the source at a stub server.
Fetch = Callable[[str, float], tuple[bytes, Mapping[str, str]]]

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*(\d+)", re.IGNORECASE)
MAX_TOKEN_CHARS = 16 * 1024


def fetch_url(url: str, timeout: float) -> tuple[bytes, Mapping[str, str]]:
    """GET `url`: its body and headers (urllib; raises OSError on failure)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read(), dict(response.headers.items())


def max_age_s(headers: Mapping[str, str], default: float) -> float:
    """The Cache-Control max-age of a response, `default` when absent (no-store/no-cache: 0)."""
    value = next((v for k, v in headers.items() if k.lower() == "cache-control"), "")
    if re.search(r"\bno-(store|cache)\b", value, re.IGNORECASE):
        return 0.0
    match = _MAX_AGE.search(value)
    return float(match.group(1)) if match else default


class HttpCertificateSource:
    """KeySource on a URL serving `{kid: PEM}`, cached for the response's max-age."""

    def __init__(
        self,
        url: str,
        *,
        clock: Clock | None = None,
        fetch: Fetch = fetch_url,
        timeout_s: float = 10.0,
        default_max_age_s: float = 3600.0,
        min_refresh_s: float = 30.0,
    ) -> None:
        self.url = url
        self._clock = clock or SystemClock()
        self._fetch = fetch
        self._timeout_s = timeout_s
        self._default_max_age_s = default_max_age_s
        self._min_refresh_s = min_refresh_s
        self._lock = threading.Lock()
        self._certs: dict[str, str] = {}
        self._fetched_at: datetime | None = None
        self._expires_at: datetime | None = None
        self.fetches = 0  # how many times the URL was fetched (observability, tests)

    def certificates(self, *, refresh: bool = False) -> Mapping[str, str]:
        with self._lock:
            now = self._clock.now()
            fresh = self._expires_at is not None and now < self._expires_at
            age = None if self._fetched_at is None else now - self._fetched_at
            recently = age is not None and age < timedelta(seconds=self._min_refresh_s)
            # Refresh on demand (an unknown key id) at most once per min_refresh_s.
            if self._certs and ((fresh and not refresh) or (refresh and recently)):
                return dict(self._certs)
            try:
                body, headers = self._fetch(self.url, self._timeout_s)
                certs = _parse_certs(body)
            except (OSError, ValueError) as exc:
                if self._certs:
                    log.warning("keeping the keys of %s: refetch failed: %s", self.url, exc)
                    return dict(self._certs)
                raise RetryableError(f"cannot fetch signing keys from {self.url}: {exc}") from exc
            self.fetches += 1
            self._certs = certs
            self._fetched_at = now
            self._expires_at = now + timedelta(seconds=max_age_s(headers, self._default_max_age_s))
            return dict(certs)


def _parse_certs(body: bytes) -> dict[str, str]:
    data = json.loads(body)
    if not isinstance(data, dict) or not data:
        raise ValueError("the key document is not a non-empty JSON object")
    certs = {str(k): v for k, v in data.items() if isinstance(v, str) and "BEGIN" in v}
    if not certs:
        raise ValueError("the key document holds no PEM certificates")
    return certs


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class GoogleSignedTokens:
    """TokenDecoder: RS256 JWS checked against a KeySource's certificates with google-auth."""

    def __init__(self, keys: KeySource) -> None:
        self.keys = keys

    def decode(self, token: str) -> dict[str, Any]:
        from google.auth import crypt, exceptions, jwt

        if len(token) > MAX_TOKEN_CHARS or not token.isascii() or token.count(".") != 2:
            raise UnauthenticatedError("the token is not a signed JWT")
        header_part, payload_part, signature_part = token.split(".")
        try:
            header = json.loads(_b64decode(header_part))
            signature = _b64decode(signature_part)
        except ValueError as exc:
            raise UnauthenticatedError("the token is not a signed JWT") from exc
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            raise UnauthenticatedError("the token must be signed with RS256")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise UnauthenticatedError("the token names no signing key (kid)")
        certs = self.keys.certificates()
        if kid not in certs:
            certs = self.keys.certificates(refresh=True)  # keys rotate
        if kid not in certs:
            raise UnauthenticatedError("the token is signed with an unknown key")
        signed = f"{header_part}.{payload_part}".encode("ascii")
        try:
            valid = crypt.verify_signature(  # type: ignore[no-untyped-call]
                signed, signature, [certs[kid]], crypt.RSAVerifier
            )
            payload = jwt.decode(token, verify=False)  # type: ignore[no-untyped-call]
        except (ValueError, TypeError, exceptions.GoogleAuthError) as exc:
            raise UnauthenticatedError(f"the token cannot be read: {exc}") from exc
        if not valid:
            raise UnauthenticatedError("the token's signature does not verify")
        if not isinstance(payload, dict):
            raise UnauthenticatedError("the token's payload is not a JSON object")
        return dict(payload)
