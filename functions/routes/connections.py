"""Connected accounts: connect YouTube, TikTok or Instagram (OAuth 2), the callback the platform
sends the browser back to, and disconnect. Tokens never appear in any answer."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from common.domain.base import StrictModel
from common.domain.connections import ConnectionList, ConnectStarted, Disconnected, StartConnection
from functions.http import Response, json_response
from functions.routing import Call, dump, route


class CallbackQuery(StrictModel):
    """What the platform appends to the redirect URI (the other parameters platforms add, such
    as Google's `scope` and `authuser`, are ignored)."""

    model_config = ConfigDict(extra="ignore")

    state: str = Field(min_length=1, max_length=200)
    code: str | None = Field(None, max_length=2000)
    error: str | None = Field(None, max_length=200)


class Connected(StrictModel):
    platform: str
    status: str


@route("GET", "/v1/connections", response=ConnectionList)
def list_connections(call: Call[None, None]) -> Response:
    """Your accounts on each platform: connected, `reconnect` (the platform revoked access:
    connect again) or `not_connected`, and whether this server can connect it at all."""
    views = call.svc.connections.list(call.owner)
    return json_response(dump(ConnectionList(connections=views)))


@route(
    "POST",
    "/v1/connections/{platform}",
    body=StartConnection,
    response=ConnectStarted,
    errors=(404,),
)
def start_connection(call: Call[StartConnection, None]) -> Response:
    """Start connecting `youtube`, `tiktok` or `instagram`: send the browser to
    `authorize_url`; the platform returns it to `/v1/oauth/callback`, and from there to
    `return_to`. Within 10 minutes, once."""
    started = call.svc.connections.start(call.owner, call.params["platform"], call.body)
    return json_response(dump(started))


@route("GET", "/v1/oauth/callback", query=CallbackQuery, response=Connected, public=True)
def connection_callback(call: Call[None, CallbackQuery]) -> Response:
    """Where the platform sends the browser back (the OAuth redirect URI). Signed in by the
    one-time `state`, not by a token. Redirects to the `return_to` given at the start (with
    `?connected=<platform>`), else answers JSON."""
    query = call.query
    state = call.svc.connections.callback(query.state, query.code, query.error)
    if state.return_to:
        joiner = "&" if "?" in state.return_to else "?"
        location = f"{state.return_to}{joiner}connected={state.platform}"
        return "", 302, {"Location": location, "Cache-Control": "no-store"}
    return json_response({"platform": state.platform, "status": "connected"})


@route("DELETE", "/v1/connections/{platform}", response=Disconnected, errors=(404,))
def disconnect(call: Call[None, None]) -> Response:
    """Disconnect: the grant is revoked at the platform (where it has a way to) and the tokens
    forgotten; scheduled posts to it stop."""
    return json_response(dump(call.svc.connections.disconnect(call.owner, call.params["platform"])))
