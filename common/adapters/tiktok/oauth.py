"""TikTok Login Kit (OAuth 2 v2): authorize on tiktok.com, tokens and refresh at
`/v2/oauth/token/`, revoke at `/v2/oauth/revoke/`. The client is identified by `client_key`.
Access tokens last 24 h, refresh tokens 365 days; a refresh may hand back a new refresh token.
PKCE (S256) is sent: TikTok requires it for desktop and mobile apps and accepts it on the web.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from common.adapters.http.platform_http import PlatformHttp
from common.domain.connections import ReconnectRequiredError, TokenGrant

SCOPES = ("user.info.basic", "video.publish", "video.upload")
AUTHORIZE_URL = "https://www.tiktok.com/v2/auth/authorize/"
API_ROOT = "https://open.tiktokapis.com"


class TikTokOAuth:
    platform = "tiktok"
    supports_pkce = True

    def __init__(
        self, client_key: str, client_secret: str, *, base_url: str = "", timeout_s: float = 30
    ) -> None:
        self._client_key = client_key
        self._client_secret = client_secret
        self.configured = bool(client_key and client_secret)
        self._authorize = f"{base_url}/v2/auth/authorize/" if base_url else AUTHORIZE_URL
        self.api_root = base_url or API_ROOT
        self._http = PlatformHttp("tiktok", timeout_s=timeout_s)

    def authorize_url(self, *, state: str, redirect_uri: str, code_challenge: str | None) -> str:
        query = {
            "client_key": self._client_key,
            "response_type": "code",
            "scope": ",".join(SCOPES),
            "redirect_uri": redirect_uri,
            "state": state,
        }
        if code_challenge:
            query.update(code_challenge=code_challenge, code_challenge_method="S256")
        return f"{self._authorize}?{urlencode(query)}"

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> TokenGrant:
        form = {
            "client_key": self._client_key,
            "client_secret": self._client_secret,
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
        }
        if code_verifier:
            form["code_verifier"] = code_verifier
        return self._token(form, "token exchange")

    def refresh(self, *, refresh_token: str | None, access_token: str) -> TokenGrant:
        if not refresh_token:
            raise ReconnectRequiredError("tiktok: no refresh token was granted: connect it again")
        form = {
            "client_key": self._client_key,
            "client_secret": self._client_secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        }
        return self._token(form, "token refresh")

    def revoke(self, *, refresh_token: str | None, access_token: str) -> bool:
        form = {
            "client_key": self._client_key,
            "client_secret": self._client_secret,
            "token": access_token,
        }
        self._http.call("POST", f"{self.api_root}/v2/oauth/revoke/", what="revoke", data=form)
        return True

    def _token(self, form: dict[str, str], what: str) -> TokenGrant:
        _, body = self._http.call("POST", f"{self.api_root}/v2/oauth/token/", what=what, data=form)
        if "access_token" not in body:  # TikTok answers some errors with a 200 and `error`
            raise self._http.error(what, 400, body)
        return _grant(body)


def _grant(body: dict[str, Any]) -> TokenGrant:
    return TokenGrant(
        access_token=str(body["access_token"]),
        refresh_token=body.get("refresh_token"),
        expires_in=float(body["expires_in"]) if body.get("expires_in") else None,
        refresh_expires_in=(
            float(body["refresh_expires_in"]) if body.get("refresh_expires_in") else None
        ),
        scopes=[s for s in str(body.get("scope", "")).split(",") if s],
        account_id=str(body.get("open_id", "")),
    )
