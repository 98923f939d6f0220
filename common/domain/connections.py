"""Connected accounts: a user's YouTube, TikTok and Instagram accounts, authorised through each
platform's OAuth 2 authorization-code flow (with PKCE where the platform supports it), so the
calendar can post for them.

`connections/{owner}:{platform}` keeps the tokens sealed (common/domain/secrets.py), never in
plain text; what the API shows is a `ConnectionView` without them. A connection whose refresh
token the platform revoked (the user removed the app, changed their password, or the grant
expired) is `reconnect`: nothing posts through it until the user connects again, and the posts
that needed it say so.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.errors import ConflictError
from common.domain.instants import Instant
from common.domain.secrets import SealedSecret

Platform = Literal["youtube", "tiktok", "instagram"]
PLATFORMS: tuple[Platform, ...] = ("youtube", "tiktok", "instagram")
ConnectionStatus = Literal["connected", "reconnect", "disconnected"]


def connection_id(owner: str, platform: str) -> str:
    return f"{owner}:{platform}"


class Connection(StrictModel):
    """A connected account as stored (tokens sealed)."""

    owner: str
    platform: Platform
    status: ConnectionStatus = "connected"
    account_id: str = ""
    account_name: str = ""
    scopes: list[str] = Field(default_factory=list)
    access_token: SealedSecret | None = None
    refresh_token: SealedSecret | None = None
    expires_at: Instant | None = Field(None, description="when the access token expires")
    refresh_expires_at: Instant | None = None
    error: str | None = Field(None, max_length=500, description="why it needs reconnecting")
    init_times: list[Instant] = Field(
        default_factory=list, description="recent upload starts, for the platform's rate limit"
    )
    connected_at: Instant
    updated_at: Instant


class ConnectionView(StrictModel):
    """A connected account as the API shows it: who, which scopes, its state; no tokens."""

    platform: Platform
    status: ConnectionStatus | Literal["not_connected"]
    configured: bool = Field(description="whether this server has the platform's OAuth client")
    account_id: str = ""
    account_name: str = ""
    scopes: list[str] = Field(default_factory=list)
    connected_at: Instant | None = None
    error: str | None = None


class ConnectionList(StrictModel):
    connections: list[ConnectionView]


class OAuthState(StrictModel):
    """An authorisation in progress (`oauth_states/{state}`), consumed by the callback."""

    owner: str
    platform: Platform
    verifier: SealedSecret | None = Field(None, description="the PKCE code verifier, sealed")
    redirect_uri: str
    return_to: str | None = None
    expires_at: Instant


class StartConnection(StrictModel):
    """Connect a platform: where the browser returns after the platform's consent screen."""

    return_to: str | None = Field(
        None,
        max_length=300,
        pattern=r"^/[^/\\]",
        description="a path on this site (e.g. /#/accounts); absent: the callback answers JSON",
    )


class ConnectStarted(StrictModel):
    """Send the user's browser to `authorize_url`; the platform returns it to the callback."""

    platform: Platform
    authorize_url: str
    expires_at: Instant


class Disconnected(StrictModel):
    platform: Platform
    revoked: bool = Field(description="whether the platform confirmed the grant is revoked")
    note: str | None = None


class TokenGrant(StrictModel):
    """What a platform's token endpoint answered (in memory only: tokens in plain text)."""

    access_token: str = Field(repr=False)
    refresh_token: str | None = Field(None, repr=False)
    expires_in: float | None = None
    refresh_expires_in: float | None = None
    scopes: list[str] = Field(default_factory=list)
    account_id: str = ""
    account_name: str = ""


class NotConnectedError(ConflictError):
    """The user has not connected the platform (or disconnected it)."""

    code = "not_connected"


class ReconnectRequiredError(ConflictError):
    """The platform revoked the grant: the user must connect the account again."""

    code = "reconnect_required"
