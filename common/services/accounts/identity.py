"""Who is calling the API: the uid of a verified Firebase ID token, or a dev identity locally.

A Firebase ID token (what the app's `getIdToken()` returns) is an RS256 JWT signed by one of the
keys published for securetoken@system.gserviceaccount.com. Following Firebase's rules for
verifying it with a third-party library, it is accepted when:

- its signature verifies against the key its header names (the TokenDecoder port: RS256 only);
- `iss` is `https://securetoken.google.com/<project>` and `aud` is `<project>`;
- `exp` is in the future and `iat` in the past (allowing `skew_s` of clock difference);
- `auth_time` (when the user signed in) is present and in the past;
- `sub`, the user's uid, has the shape of every uid here (UID: letters, digits, `_` and `-`, at
  most 128; Firebase's own are 28 alphanumerics).

The uid then scopes every read and write, and is used only as an opaque key: it names documents
and storage prefixes (`uploads/<uid>/...`), so a uid such as `alice/<project>` from any identity
source is refused before it can reach one (401).

Revocation (a disabled user, signed-out sessions) is not checked here: that needs the Admin
SDK's revocation check, a network call per request; tokens live an hour.

Dev mode (local backends): `Authorization: Bearer dev:<uid>`, or no header at all for `local`.

An `Identity` also says how the user signed in (the token's `firebase.sign_in_provider`:
`password`, `google.com`, `anonymous`, ...; `dev` in dev mode): which providers are accepted and
what credit a new account starts with is policy (common/services/accounts/sign_in.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from common.domain.errors import UnauthenticatedError
from common.ports import Clock
from common.ports.tokens import TokenDecoder

FIREBASE_ISSUER = "https://securetoken.google.com/"
MAX_UID_CHARS = 128
DEFAULT_SKEW_S = 30.0
# Every uid, whoever vouches for it: safe as a document id and a storage path segment.
UID = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_UID_CHARS}}}")
LOCAL_UID = "local"
DEV_PROVIDER = "dev"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Identity:
    """A verified caller: the uid and how they signed in (`anonymous`, `password`, ...)."""

    uid: str
    provider: str

    @property
    def anonymous(self) -> bool:
        return self.provider == ANONYMOUS


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None if absent or another scheme."""
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def numeric_claim(claims: Mapping[str, Any], name: str, token: str = "the token") -> float:
    """The number in claim `name` (a time, in seconds); UnauthenticatedError naming `token` when
    it is missing or not a number (a boolean is not)."""
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnauthenticatedError(f"{token} has no valid `{name}` claim")
    return float(value)


class FirebaseTokenVerifier:
    """Checks Firebase ID tokens of one Firebase project; `uid(token)` is the caller."""

    def __init__(
        self, project: str, tokens: TokenDecoder, clock: Clock, *, skew_s: float = DEFAULT_SKEW_S
    ) -> None:
        if not project:
            raise ValueError("a Firebase project id is required to verify ID tokens")
        self.project = project
        self.tokens = tokens
        self.clock = clock
        self.skew_s = skew_s

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims once the signature and every claim rule pass."""
        claims = self.tokens.decode(token)
        now = self.clock.now().timestamp()
        if claims.get("iss") != FIREBASE_ISSUER + self.project:
            raise UnauthenticatedError("the token was issued for another Firebase project (iss)")
        if claims.get("aud") != self.project:
            raise UnauthenticatedError("the token is meant for another audience (aud)")
        if numeric_claim(claims, "exp") + self.skew_s < now:
            raise UnauthenticatedError("the token has expired: get a fresh one (getIdToken)")
        if numeric_claim(claims, "iat") - self.skew_s > now:
            raise UnauthenticatedError("the token is issued in the future (iat)")
        if numeric_claim(claims, "auth_time") - self.skew_s > now:
            raise UnauthenticatedError("the token's sign-in time is in the future (auth_time)")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.strip():
            raise UnauthenticatedError("the token names no user (sub)")
        if not UID.fullmatch(sub):
            raise UnauthenticatedError(
                f"the token's user id (sub) is not a uid: letters, digits, _ and -, "
                f"at most {MAX_UID_CHARS}"
            )
        return claims

    def uid(self, token: str) -> str:
        return self.identify(token).uid

    def identify(self, token: str) -> Identity:
        """The verified caller of `token`, with the provider they signed in with."""
        claims = self.verify(token)
        firebase = claims.get("firebase")
        provider = firebase.get("sign_in_provider") if isinstance(firebase, Mapping) else None
        return Identity(str(claims["sub"]), provider if isinstance(provider, str) else "")


class Authenticator:
    """The caller's uid from an Authorization header, by the deployment's auth mode."""

    def __init__(
        self, mode: Literal["dev", "firebase"], firebase: FirebaseTokenVerifier | None = None
    ) -> None:
        if mode == "firebase" and firebase is None:
            raise ValueError("firebase auth needs a FirebaseTokenVerifier")
        self.mode = mode
        self.firebase = firebase

    def uid(self, authorization: str) -> str:
        """The verified uid; UnauthenticatedError when the header is missing or does not verify."""
        return self.identify(authorization).uid

    def identify(self, authorization: str) -> Identity:
        """The verified caller; UnauthenticatedError when the header is missing or does not
        verify, or names a uid of the wrong shape."""
        if self.mode == "dev":
            if not authorization.strip():
                return Identity(LOCAL_UID, DEV_PROVIDER)
            token = bearer_token(authorization) or ""
            if token.startswith("dev:") and UID.fullmatch(token[4:]):
                return Identity(token[4:], DEV_PROVIDER)
            raise UnauthenticatedError(
                "sign in: Authorization: Bearer dev:<uid> (dev mode; a uid is letters, digits, "
                f"_ and -, at most {MAX_UID_CHARS})"
            )
        id_token = bearer_token(authorization)
        if id_token is None:
            raise UnauthenticatedError("sign in: Authorization: Bearer <Firebase ID token>")
        assert self.firebase is not None
        return self.firebase.identify(id_token)
