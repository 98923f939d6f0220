"""OAuthClient: one platform's OAuth 2 endpoints (authorize, token, refresh, revoke).

Adapters raise ReconnectRequiredError when the platform says the grant is gone (`invalid_grant`
and the like), ProviderError(retryable=True) for outages, ProviderError for other refusals.
"""

from __future__ import annotations

from typing import Protocol

from common.domain.connections import TokenGrant


class OAuthClient(Protocol):
    platform: str
    supports_pkce: bool
    configured: bool

    def authorize_url(self, *, state: str, redirect_uri: str, code_challenge: str | None) -> str:
        """The consent page to send the user's browser to."""

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str | None) -> TokenGrant:
        """Trade the callback's code for tokens (and who the account is)."""

    def refresh(self, *, refresh_token: str | None, access_token: str) -> TokenGrant:
        """New tokens for an expired (or refused) access token."""

    def revoke(self, *, refresh_token: str | None, access_token: str) -> bool:
        """Revoke the grant at the platform; False when the platform has no way to."""
