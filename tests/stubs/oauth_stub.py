"""What the platforms' OAuth 2 servers share, for the stand-ins: consent (a code for a state),
the authorization-code grant with PKCE checked, refresh, revoke, and bearer checks.

Tests drive consent with `consent(authorize_url)` (what a user clicking "Allow" does: the
server's consent page answers 302 to the redirect URI with `code` and `state`), and script
faults with `revoke_grants()` (the user removed the app: refresh answers invalid_grant) and
`expire_access_tokens()` (the API answers 401 until the client refreshes).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlparse

import requests

from tests.stubs.http_stub import Reply, Request, StubServer


@dataclass
class Grant:
    account: str
    scopes: list[str]
    refresh_token: str
    revoked: bool = False
    access_tokens: list[str] = field(default_factory=list)


class OAuthStub(StubServer):
    """Subclasses set the paths and the wire shapes their platform uses."""

    client_id = "client-id"
    client_secret = "client-secret"
    access_ttl_s = 3600
    account = "account-1"

    def __init__(self) -> None:
        self.codes: dict[str, dict[str, str]] = {}
        self.grants: dict[str, Grant] = {}  # by refresh token
        self.tokens: dict[str, tuple[Grant, float]] = {}  # access token -> (grant, expiry)
        self.refreshes = 0
        self.revocations: list[str] = []
        super().__init__()

    # -- test controls ------------------------------------------------------------------------

    def consent(self, authorize_url: str) -> dict[str, str]:
        """Play the user allowing access: the consent page's redirect, as query parameters."""
        answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        location = urlparse(answer.headers["Location"])
        return {k: v[0] for k, v in parse_qs(location.query).items()}

    def revoke_grants(self) -> None:
        with self.lock:
            for grant in self.grants.values():
                grant.revoked = True

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.tokens = {t: (g, 0.0) for t, (g, _) in self.tokens.items()}

    def secrets_issued(self) -> list[str]:
        """Every access and refresh token handed out (to look for them where they must not be)."""
        with self.lock:
            return [*self.tokens, *self.grants]

    # -- the protocol -------------------------------------------------------------------------

    def authorize(self, request: Request) -> Reply:
        q = request.query
        if q.get(self.client_param) != self.client_id:
            return Reply(400, "unknown client")
        code = secrets.token_urlsafe(12)
        self.codes[code] = dict(q)
        target = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
        return Reply(302, "", {"Location": target})

    client_param = "client_id"

    def token(self, form: dict[str, str]) -> Reply:
        if form.get(self.client_param) != self.client_id or form.get("client_secret") != (
            self.client_secret
        ):
            return self.oauth_error(401, "invalid_client", "The OAuth client was not found.")
        if form.get("grant_type") == "authorization_code":
            asked = self.codes.pop(form.get("code", ""), None)
            if asked is None or asked.get("redirect_uri") != form.get("redirect_uri"):
                return self.oauth_error(400, "invalid_grant", "Malformed auth code.")
            challenge = asked.get("code_challenge")
            if challenge:
                verifier = form.get("code_verifier", "")
                digest = hashlib.sha256(verifier.encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                    return self.oauth_error(400, "invalid_grant", "Invalid code verifier.")
            scopes = asked.get("scope", "").replace(",", " ").split()
            grant = Grant(self.account, scopes, "rt-" + secrets.token_urlsafe(16))
            self.grants[grant.refresh_token] = grant
            return Reply(200, self.token_body(grant, self.issue(grant), new_refresh=True))
        if form.get("grant_type") == "refresh_token":
            grant = self.grants.get(form.get("refresh_token", ""))
            if grant is None or grant.revoked:
                return self.oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
            self.refreshes += 1
            return Reply(200, self.token_body(grant, self.issue(grant), new_refresh=False))
        return self.oauth_error(400, "unsupported_grant_type", "")

    def issue(self, grant: Grant) -> str:
        token = "at-" + secrets.token_urlsafe(16)
        grant.access_tokens.append(token)
        self.tokens[token] = (grant, time.time() + self.access_ttl_s)
        return token

    def revoke(self, token: str) -> Reply:
        grant = self.grants.get(token) or (self.tokens.get(token) or (None, 0))[0]
        if grant is None:
            return self.oauth_error(400, "invalid_token", "Token expired or revoked")
        grant.revoked = True
        for access in grant.access_tokens:
            self.tokens.pop(access, None)
        self.revocations.append(token)
        return Reply(200, {})

    def authorised(self, request: Request) -> Grant | None:
        """The grant behind the request's bearer token, if it is live."""
        found = self.tokens.get(request.bearer or request.query.get("access_token", ""))
        if found is None or found[1] < time.time() or found[0].revoked:
            return None
        return found[0]

    # -- wire shapes (overridable) ------------------------------------------------------------

    def token_body(self, grant: Grant, access: str, *, new_refresh: bool) -> dict[str, object]:
        body: dict[str, object] = {
            "access_token": access,
            "expires_in": self.access_ttl_s,
            "scope": " ".join(grant.scopes),
            "token_type": "Bearer",
        }
        if new_refresh:
            body["refresh_token"] = grant.refresh_token
        return body

    def oauth_error(self, status: int, error: str, description: str) -> Reply:
        return Reply(status, {"error": error, "error_description": description})
