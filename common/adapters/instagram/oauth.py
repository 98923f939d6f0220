"""Instagram API with Instagram Login: authorize on instagram.com, a short-lived token from
`api.instagram.com/oauth/access_token`, traded at once for a long-lived one (60 days) on
`graph.instagram.com`, which is refreshed (`ig_refresh_token`) before it runs out. There is no
refresh token and no PKCE, and Instagram Login has no revoke endpoint: disconnecting forgets the
token, and the user removes the app under Settings > Apps and websites.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from common.adapters.http.platform_http import PlatformHttp
from common.domain.connections import ReconnectRequiredError, TokenGrant
from common.domain.errors import ProviderError

SCOPES = ("instagram_business_basic", "instagram_business_content_publish")
AUTHORIZE_URL = "https://www.instagram.com/oauth/authorize"
TOKEN_URL = "https://api.instagram.com/oauth/access_token"
GRAPH_ROOT = "https://graph.instagram.com"


class InstagramOAuth:
    platform = "instagram"
    supports_pkce = False

    def __init__(
        self, client_id: str, client_secret: str, *, base_url: str = "", timeout_s: float = 30
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self.configured = bool(client_id and client_secret)
        self._authorize = f"{base_url}/oauth/authorize" if base_url else AUTHORIZE_URL
        self._token_url = f"{base_url}/oauth/access_token" if base_url else TOKEN_URL
        self.graph_root = base_url or GRAPH_ROOT
        self._http = PlatformHttp("instagram", timeout_s=timeout_s)

    def authorize_url(self, *, state: str, redirect_uri: str, code_challenge: str | None) -> str:
        query = {
            "client_id": self._client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": ",".join(SCOPES),
            "state": state,
        }
        return f"{self._authorize}?{urlencode(query)}"

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> TokenGrant:
        form = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        }
        _, body = self._http.call("POST", self._token_url, what="token exchange", data=form)
        short: dict[str, Any] = (body.get("data") or [body])[0]
        params = {
            "grant_type": "ig_exchange_token",
            "client_secret": self._client_secret,
            "access_token": str(short["access_token"]),
        }
        _, long_lived = self._http.call(
            "GET", f"{self.graph_root}/access_token", what="long-lived token", params=params
        )
        user_id = str(short.get("user_id", ""))
        _, me = self._http.call(
            "GET",
            f"{self.graph_root}/me",
            what="account",
            params={"fields": "user_id,username", "access_token": long_lived["access_token"]},
        )
        permissions = short.get("permissions", "")
        scopes = permissions if isinstance(permissions, list) else str(permissions).split(",")
        return TokenGrant(
            access_token=str(long_lived["access_token"]),
            expires_in=float(long_lived.get("expires_in") or 0) or None,
            scopes=[s for s in scopes if s],
            account_id=str(me.get("user_id") or user_id),
            account_name=str(me.get("username", "")),
        )

    def refresh(self, *, refresh_token: str | None, access_token: str) -> TokenGrant:
        """A long-lived token is refreshed with itself (it must be at least a day old)."""
        params = {"grant_type": "ig_refresh_token", "access_token": access_token}
        try:
            _, body = self._http.call(
                "GET",
                f"{self.graph_root}/refresh_access_token",
                what="token refresh",
                params=params,
            )
        except ProviderError as exc:
            if exc.code == "190":  # the token was revoked or expired: only consent renews it
                raise ReconnectRequiredError(
                    "instagram refused the saved authorisation: connect it again"
                ) from exc
            raise
        return TokenGrant(
            access_token=str(body["access_token"]),
            expires_in=float(body.get("expires_in") or 0) or None,
        )

    def revoke(self, *, refresh_token: str | None, access_token: str) -> bool:
        return False  # Instagram Login has no revoke endpoint (see the module docstring)
