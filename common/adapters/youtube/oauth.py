"""Google OAuth 2 for YouTube: authorization code with PKCE (S256), offline access (a refresh
token), refresh through google-auth, revoke at Google's revoke endpoint.

Scopes: `youtube.upload` (videos.insert, thumbnails.set), `youtube.force-ssl` (captions.insert)
and `youtube.readonly` (the channel's name, view counts).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from common.adapters.http.platform_http import REVOKED_ERRORS, PlatformHttp
from common.domain.connections import ReconnectRequiredError, TokenGrant
from common.domain.errors import ProviderError

SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",
    "https://www.googleapis.com/auth/youtube.readonly",
)
AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"
REVOKE_URL = "https://oauth2.googleapis.com/revoke"
API_ROOT = "https://youtube.googleapis.com"


class GoogleOAuth:
    platform = "youtube"
    supports_pkce = True

    def __init__(
        self, client_id: str, client_secret: str, *, base_url: str = "", timeout_s: float = 30
    ) -> None:
        """`base_url` points every endpoint (consent page, token, revoke, API) at one stand-in."""
        self._client_id = client_id
        self._client_secret = client_secret
        self.configured = bool(client_id and client_secret)
        self.authorize_endpoint = f"{base_url}/o/oauth2/v2/auth" if base_url else AUTHORIZE_URL
        self.token_uri = f"{base_url}/token" if base_url else TOKEN_URL
        self._revoke_uri = f"{base_url}/revoke" if base_url else REVOKE_URL
        self.api_root = base_url or API_ROOT
        self._http = PlatformHttp("youtube", timeout_s=timeout_s)

    def authorize_url(self, *, state: str, redirect_uri: str, code_challenge: str | None) -> str:
        query = {
            "client_id": self._client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": " ".join(SCOPES),
            "access_type": "offline",  # a refresh token, so posts can go out while away
            "prompt": "consent",  # a refresh token again when reconnecting
            "include_granted_scopes": "true",
            "state": state,
        }
        if code_challenge:
            query.update(code_challenge=code_challenge, code_challenge_method="S256")
        return f"{self.authorize_endpoint}?{urlencode(query)}"

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> TokenGrant:
        form = {
            "code": code,
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "redirect_uri": redirect_uri,
            "grant_type": "authorization_code",
        }
        if code_verifier:
            form["code_verifier"] = code_verifier
        _, body = self._http.call("POST", self.token_uri, what="token exchange", data=form)
        grant = _grant(body)
        account_id, name = self._channel(grant.access_token)
        return grant.model_copy(update={"account_id": account_id, "account_name": name})

    def refresh(self, *, refresh_token: str | None, access_token: str) -> TokenGrant:
        """A new access token through google-auth (what a Google client library does)."""
        import google.auth.exceptions
        import google.auth.transport.requests
        from google.oauth2.credentials import Credentials

        if not refresh_token:
            raise ReconnectRequiredError("youtube: no refresh token was granted: connect it again")
        credentials = Credentials(  # type: ignore[no-untyped-call]
            token=None,
            refresh_token=refresh_token,
            token_uri=self.token_uri,
            client_id=self._client_id,
            client_secret=self._client_secret,
        )
        try:
            credentials.refresh(google.auth.transport.requests.Request())  # type: ignore[no-untyped-call]
        except google.auth.exceptions.RefreshError as exc:
            details = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
            if details.get("error") in REVOKED_ERRORS:
                raise ReconnectRequiredError(
                    "youtube refused the saved authorisation (invalid_grant): connect it again"
                ) from exc
            raise ProviderError(
                f"youtube token refresh failed: {details.get('error') or 'refused'}",
                provider="youtube",
                retryable=bool(getattr(exc, "retryable", False)),
            ) from exc
        except google.auth.exceptions.TransportError as exc:
            raise ProviderError(
                "youtube token refresh: no answer", provider="youtube", retryable=True
            ) from exc
        expires_in = None
        if credentials.expiry is not None:
            from datetime import UTC, datetime

            expiry = credentials.expiry.replace(tzinfo=UTC)
            expires_in = (expiry - datetime.now(UTC)).total_seconds()
        return TokenGrant(
            access_token=str(credentials.token),
            refresh_token=credentials.refresh_token or refresh_token,
            expires_in=expires_in,
            scopes=list(credentials.granted_scopes or []),
        )

    def revoke(self, *, refresh_token: str | None, access_token: str) -> bool:
        """Revoking the refresh token ends the whole grant (its access tokens too)."""
        form = {"token": refresh_token or access_token}
        self._http.call("POST", self._revoke_uri, what="revoke", data=form)
        return True

    def _channel(self, access_token: str) -> tuple[str, str]:
        """The authorised channel's id and title (channels.list mine=true)."""
        from common.adapters.youtube.client import youtube_service

        service = youtube_service(access_token, self.api_root)
        from googleapiclient.errors import HttpError

        try:
            answer: dict[str, Any] = service.channels().list(part="snippet", mine=True).execute()
        except HttpError as exc:
            raise ProviderError(
                f"youtube channels.list: {exc.status_code}", provider="youtube"
            ) from exc
        items = answer.get("items") or []
        if not items:
            raise ProviderError(
                "this Google account has no YouTube channel: create one, then connect again",
                provider="youtube",
                code="no_channel",
            )
        return str(items[0]["id"]), str(items[0].get("snippet", {}).get("title", ""))


def _grant(body: dict[str, Any]) -> TokenGrant:
    return TokenGrant(
        access_token=str(body["access_token"]),
        refresh_token=body.get("refresh_token"),
        expires_in=float(body["expires_in"]) if body.get("expires_in") else None,
        scopes=str(body.get("scope", "")).split(),
    )
