"""Locally generated RSA keys, self-signed certificates and JWTs signed with them (tests)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class KeyPair:
    kid: str
    private_key: rsa.RSAPrivateKey
    cert_pem: str
    key_pem: bytes = field(repr=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@lru_cache(maxsize=8)
def key_pair(kid: str, common_name: str = "securetoken.system.gserviceaccount.com") -> KeyPair:
    """An RSA key and a self-signed certificate for it (cached: generation takes ~50 ms)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 30))
    )
    if "." in common_name and not common_name.startswith("securetoken"):
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False
        )
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        )
    cert = builder.sign(key, hashes.SHA256())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return KeyPair(
        kid=kid,
        private_key=key,
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        key_pem=key_pem,
    )


def sign_jwt(
    claims: dict[str, Any], keys: KeyPair, *, alg: str = "RS256", kid: str | None = None
) -> str:
    """A compact JWS of `claims` signed RS256 with `keys` (header kid defaults to the key's)."""
    header = {"alg": alg, "typ": "JWT", "kid": kid if kid is not None else keys.kid}
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = keys.private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64(signature)


def firebase_claims(
    uid: str, project: str, now: float, *, lifetime: int = 3600, **overrides: Any
) -> dict[str, Any]:
    """The claims of a Firebase ID token for `uid`, issued a minute before `now`."""
    claims: dict[str, Any] = {
        "iss": f"https://securetoken.google.com/{project}",
        "aud": project,
        "auth_time": int(now) - 120,
        "user_id": uid,
        "sub": uid,
        "iat": int(now) - 60,
        "exp": int(now) - 60 + lifetime,
        "email": f"{uid}@example.com",
        "email_verified": True,
        "firebase": {"identities": {}, "sign_in_provider": "password"},
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


class StaticKeys:
    """A KeySource holding fixed certificates (the pluggable key source of the verifiers)."""

    def __init__(self, *pairs: KeyPair) -> None:
        self.certs = {pair.kid: pair.cert_pem for pair in pairs}
        self.refreshes = 0

    def certificates(self, *, refresh: bool = False) -> dict[str, str]:
        self.refreshes += refresh
        return dict(self.certs)


class SettableClock:
    """A clock that stays where a test puts it."""

    def __init__(self, now: dt.datetime) -> None:
        self.at = now

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


# A fixed "now" for token tests, far from the real clock on purpose: nothing may read the latter.
NOW = dt.datetime(2031, 5, 4, 12, 0, tzinfo=dt.UTC)
