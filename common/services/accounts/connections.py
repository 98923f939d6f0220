"""Connected accounts: the OAuth 2 dance, tokens sealed at rest, refresh, disconnect.

    start    -> a one-time `state` (10 minutes) with the PKCE verifier sealed beside it, and the
                platform's consent URL;
    callback -> the state is consumed (once: a replayed callback finds nothing), the code traded
                for tokens, the tokens sealed into `connections/{owner}:{platform}`;
    token    -> the access token, refreshed first when it expires within a minute (or when the
                platform refused it: `stale`); a refresh the platform refuses for good marks the
                connection `reconnect` and raises ReconnectRequiredError, so posts stop asking;
    disconnect -> revoke at the platform, then forget the tokens (status `disconnected`).

Tokens are opened only in memory, only here; views and errors never carry them.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TypeVar

from common.domain.connections import (
    PLATFORMS,
    Connection,
    ConnectionView,
    ConnectStarted,
    Disconnected,
    NotConnectedError,
    OAuthState,
    Platform,
    ReconnectRequiredError,
    StartConnection,
    TokenGrant,
    connection_id,
)
from common.domain.errors import InvalidInputError, NotFoundError, ProviderError
from common.ports import Clock, DocumentStore, Transaction
from common.ports.oauth import OAuthClient
from common.services.accounts.secrets import SecretBox

log = logging.getLogger(__name__)
T = TypeVar("T")

CONNECTIONS_COLLECTION = "connections"  # connections/{owner}:{platform}
STATES_COLLECTION = "oauth_states"  # oauth_states/{state}: authorisations in progress
STATE_TTL = timedelta(minutes=10)
REFRESH_AHEAD = timedelta(seconds=60)
RATE_WINDOW = timedelta(seconds=60)


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) per RFC 7636: 64 URL-safe characters, its SHA-256 base64url."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def as_platform(name: str) -> Platform:
    """`name` as a Platform; NotFoundError for any other (a path parameter, say)."""
    for platform in PLATFORMS:
        if platform == name:
            return platform
    raise NotFoundError(f"platform {name!r}: must be one of {', '.join(PLATFORMS)}")


def _context(owner: str, platform: str, which: str) -> str:
    return f"{CONNECTIONS_COLLECTION}/{connection_id(owner, platform)}/{which}"


class ConnectionService:
    def __init__(
        self,
        *,
        store: DocumentStore,
        clock: Clock,
        box: SecretBox,
        clients: Mapping[str, OAuthClient],
        redirect_uri: str,
    ) -> None:
        self._store = store
        self._clock = clock
        self._box = box
        self._clients = clients
        self.redirect_uri = redirect_uri

    # -- the user's side ------------------------------------------------------------------

    def list(self, owner: str) -> list[ConnectionView]:
        """Every platform, connected or not (and whether this server can connect it)."""
        views = []
        for platform in PLATFORMS:
            client = self._clients.get(platform)
            found = self.find(owner, platform)
            configured = bool(client and client.configured)
            if found is None or found.status == "disconnected":
                views.append(
                    ConnectionView(platform=platform, status="not_connected", configured=configured)
                )
                continue
            views.append(
                ConnectionView(
                    platform=platform,
                    status=found.status,
                    configured=configured,
                    account_id=found.account_id,
                    account_name=found.account_name,
                    scopes=found.scopes,
                    connected_at=found.connected_at,
                    error=found.error,
                )
            )
        return views

    def start(self, owner: str, platform: str, command: StartConnection) -> ConnectStarted:
        client = self._client(platform)
        now = self._clock.now()
        state = secrets.token_urlsafe(24)
        verifier, challenge = pkce_pair() if client.supports_pkce else (None, None)
        record = OAuthState(
            owner=owner,
            platform=as_platform(client.platform),
            verifier=None if verifier is None else self._box.seal(verifier, f"oauth/{state}"),
            redirect_uri=self.redirect_uri,
            return_to=command.return_to,
            expires_at=now + STATE_TTL,
        )
        self._store.create(STATES_COLLECTION, state, record.model_dump(mode="json"))
        url = client.authorize_url(
            state=state, redirect_uri=self.redirect_uri, code_challenge=challenge
        )
        return ConnectStarted(
            platform=record.platform, authorize_url=url, expires_at=record.expires_at
        )

    def callback(self, state: str, code: str | None, error: str | None) -> OAuthState:
        """Finish an authorisation; returns the consumed state (who, which platform, where the
        browser goes back to). InvalidInputError naming `state` or `code` otherwise."""
        record = self._consume(state)
        if error:
            raise InvalidInputError(
                f"the platform answered {error}: nothing was connected",
                fields={"error": error[:100]},
            )
        if not code:
            raise InvalidInputError("code: missing from the callback", fields={"code": "missing"})
        client = self._client(record.platform)
        verifier = (
            None if record.verifier is None else self._box.open(record.verifier, f"oauth/{state}")
        )
        grant = client.exchange(code=code, redirect_uri=record.redirect_uri, code_verifier=verifier)
        now = self._clock.now()
        connection = Connection(
            owner=record.owner,
            platform=record.platform,
            account_id=grant.account_id,
            account_name=grant.account_name,
            connected_at=now,
            updated_at=now,
        )
        self._apply(connection, grant, now)
        self._save(connection)
        log.info(
            "connected %s for %s",
            record.platform,
            record.owner,
            extra={"platform": record.platform},
        )
        return record

    def disconnect(self, owner: str, platform: str) -> Disconnected:
        """Revoke the grant at the platform, then forget it here (posting stops at once)."""
        client = self._client(platform)
        found = self.find(owner, platform)
        if found is None or found.status == "disconnected":
            return Disconnected(platform=as_platform(platform), revoked=False, note="not connected")
        revoked, note = False, None
        try:
            access = self._open(found, "access") or ""
            revoked = client.revoke(refresh_token=self._open(found, "refresh"), access_token=access)
            if not revoked:
                note = f"{platform} has no revoke endpoint: remove the app in its settings too"
        except (ProviderError, ReconnectRequiredError) as exc:
            note = f"the platform did not confirm the revocation: {exc.message}"[:300]

        def forget(c: Connection) -> None:
            c.status = "disconnected"
            c.access_token = c.refresh_token = None
            c.expires_at = c.refresh_expires_at = None

        self._mutate(owner, platform, forget)
        return Disconnected(platform=as_platform(platform), revoked=revoked, note=note)

    # -- the publisher's side -------------------------------------------------------------

    def find(self, owner: str, platform: str) -> Connection | None:
        doc = self._store.get(CONNECTIONS_COLLECTION, connection_id(owner, platform))
        return None if doc is None else Connection.model_validate(doc.data)

    def token(self, owner: str, platform: str, *, stale: str | None = None) -> str:
        """A usable access token. `stale`: the platform refused this one, refresh it."""
        connection = self._usable(owner, platform)
        now = self._clock.now()
        access = self._open(connection, "access")
        fresh = connection.expires_at is None or connection.expires_at - REFRESH_AHEAD > now
        if access and fresh and access != stale:
            return access
        return self._refresh(connection, access or "")

    def take_init_slot(self, owner: str, platform: str, per_minute: int) -> float:
        """Count an upload start against the platform's per-token rate limit: 0 when it may
        start now, else the seconds to wait (nothing counted)."""
        now = self._clock.now()

        def take(c: Connection) -> float:
            recent = [t for t in c.init_times if now - t < RATE_WINDOW]
            if len(recent) >= per_minute:
                c.init_times = recent
                return (recent[0] + RATE_WINDOW - now).total_seconds()
            c.init_times = [*recent, now]
            return 0.0

        return self._mutate(owner, platform, take)

    def _usable(self, owner: str, platform: str) -> Connection:
        connection = self.find(owner, platform)
        if connection is None or connection.status == "disconnected":
            raise NotConnectedError(f"{platform} is not connected: connect it under Accounts")
        if connection.status == "reconnect":
            raise ReconnectRequiredError(f"reconnect {platform}: {connection.error or 'revoked'}")
        return connection

    def _refresh(self, connection: Connection, access: str) -> str:
        client = self._client(connection.platform)
        owner, platform = connection.owner, connection.platform
        try:
            grant = client.refresh(
                refresh_token=self._open(connection, "refresh"), access_token=access
            )
        except ReconnectRequiredError as exc:
            reason = exc.message

            def mark(c: Connection) -> None:
                c.status = "reconnect"
                c.error = reason[:500]

            self._mutate(owner, platform, mark)
            log.warning("%s for %s needs reconnecting: %s", platform, owner, reason)
            raise
        now = self._clock.now()
        self._mutate(owner, platform, lambda c: self._apply(c, grant, now))
        return grant.access_token

    # -- storage --------------------------------------------------------------------------

    def _apply(self, c: Connection, grant: TokenGrant, now: datetime) -> None:
        c.status = "connected"
        c.error = None
        c.access_token = self._box.seal(grant.access_token, _context(c.owner, c.platform, "access"))
        if grant.refresh_token:
            c.refresh_token = self._box.seal(
                grant.refresh_token, _context(c.owner, c.platform, "refresh")
            )
        c.expires_at = (
            None if grant.expires_in is None else now + timedelta(seconds=grant.expires_in)
        )
        if grant.refresh_expires_in is not None:
            c.refresh_expires_at = now + timedelta(seconds=grant.refresh_expires_in)
        if grant.scopes:
            c.scopes = grant.scopes
        c.updated_at = now

    def _open(self, c: Connection, which: str) -> str | None:
        sealed = c.access_token if which == "access" else c.refresh_token
        if sealed is None:
            return None
        return self._box.open(sealed, _context(c.owner, c.platform, which))

    def _save(self, connection: Connection) -> None:
        key = connection_id(connection.owner, connection.platform)
        self._store.set(CONNECTIONS_COLLECTION, key, connection.model_dump(mode="json"))

    def _mutate(self, owner: str, platform: str, fn: Callable[[Connection], T]) -> T:
        key = connection_id(owner, platform)
        now = self._clock.now()

        def run(tx: Transaction) -> T:
            doc = tx.get(CONNECTIONS_COLLECTION, key)
            if doc is None:
                raise NotConnectedError(f"{platform} is not connected")
            connection = Connection.model_validate(doc.data)
            value = fn(connection)
            connection.updated_at = now
            tx.set(CONNECTIONS_COLLECTION, key, connection.model_dump(mode="json"))
            return value

        return self._store.transaction(run)

    def _consume(self, state: str) -> OAuthState:
        now = self._clock.now()

        def take(tx: Transaction) -> OAuthState | None:
            doc = tx.get(STATES_COLLECTION, state) if 8 <= len(state) <= 128 else None
            if doc is None:
                return None
            tx.delete(STATES_COLLECTION, state)
            return OAuthState.model_validate(doc.data)

        record = self._store.transaction(take)
        if record is None or record.expires_at < now:
            why = "unknown or already used" if record is None else "expired: start again"
            raise InvalidInputError(f"state: {why}", fields={"state": why})
        return record

    def _client(self, platform: str) -> OAuthClient:
        client = self._clients.get(as_platform(platform))
        if client is None or not client.configured:
            raise InvalidInputError(
                f"{platform}: this server has no OAuth client for it (see README: connecting "
                "platforms)",
                fields={"platform": "not configured"},
            )
        return client
