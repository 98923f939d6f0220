"""Connected accounts through the API, against the Google OAuth / YouTube stand-in driven by
google-auth and google-api-python-client: connect with PKCE, callback once, refresh on expiry,
"reconnect" when Google revoked the grant, disconnect revokes; no token in any answer, in the
stored bytes or in the logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from common.domain.connections import NotConnectedError, ReconnectRequiredError, StartConnection
from tests.integration.test_secrets_at_rest import raw_bytes
from tests.stubs.instagram_server import instagram_stub  # noqa: F401
from tests.stubs.youtube_server import youtube_stub  # noqa: F401
from tests.support.api import ALICE, BOB, api_client, installed
from tests.support.calendar import FakeClock

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
CALLBACK = "https%3A%2F%2Fstudio.example.com%2Fapi%2Fv1%2Foauth%2Fcallback"


def youtube_settings(stub) -> dict[str, object]:
    return {
        "youtube_client_id": stub.client_id,
        "youtube_client_secret": stub.client_secret,
        "youtube_base_url": stub.url,
        "public_base_url": "https://studio.example.com/api",
    }


@pytest.fixture
def world(make_services, youtube_stub):  # noqa: F811
    clock = FakeClock(NOW)
    svc = make_services(youtube_settings(youtube_stub), clock=clock)
    with installed(svc):
        yield svc, clock, youtube_stub, api_client()


def views(client, headers=ALICE) -> dict[str, dict]:
    answer = client.get("/v1/connections", headers=headers).get_json()
    return {c["platform"]: c for c in answer["connections"]}


def connect(client, stub, headers=ALICE, return_to="/#/accounts"):
    """Start, consent at the stand-in, and follow the callback; the callback's answer."""
    started = client.post("/v1/connections/youtube", json={"return_to": return_to}, headers=headers)
    assert started.status_code == 200, started.get_json()
    query = stub.consent(started.get_json()["authorize_url"])
    return client.get("/v1/oauth/callback", query_string=query)


def test_connecting_youtube_uses_pkce_and_lands_back_on_the_studio(world):
    _, _, stub, client = world
    started = client.post(
        "/v1/connections/youtube", json={"return_to": "/#/accounts"}, headers=ALICE
    )
    url = started.get_json()["authorize_url"]
    assert url.startswith(f"{stub.url}/o/oauth2/v2/auth?")
    for part in ("code_challenge_method=S256", "access_type=offline", "youtube.upload"):
        assert part in url
    assert "redirect_uri=https%3A%2F%2Fstudio.example.com%2Fapi%2Fv1%2Foauth%2Fcallback" in url

    query = stub.consent(url)
    answer = client.get("/v1/oauth/callback", query_string=query)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/#/accounts?connected=youtube"
    [token_call] = stub.of("token")
    assert len(token_call.form()["code_verifier"]) >= 43  # PKCE verifier sent, checked by the stub

    shown = views(client)
    youtube = shown["youtube"]
    assert (youtube["status"], youtube["account_id"], youtube["account_name"]) == (
        "connected",
        "UC-channel-1",
        "Lighthouse Tales",
    )
    assert shown["tiktok"] == {**shown["tiktok"], "status": "not_connected", "configured": False}
    assert views(client, BOB)["youtube"]["status"] == "not_connected"  # Bob sees none of it

    again = client.get("/v1/oauth/callback", query_string=query)
    assert again.status_code == 400 and again.get_json()["error"]["fields"] == {
        "state": "unknown or already used"
    }


def test_tokens_are_never_in_answers_stored_bytes_or_logs(world, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    svc, clock, stub, client = world
    connect(client, stub)
    clock.advance(hours=2)  # expired: the next use refreshes
    assert svc.connections.token("alice", "youtube").startswith("at-")
    answers = client.get("/v1/connections", headers=ALICE).get_data(as_text=True)
    issued = stub.secrets_issued()
    assert len(issued) >= 3 and stub.refreshes == 1
    stored = raw_bytes(tmp_path / "data")
    for token in issued:
        assert token not in answers
        assert token.encode() not in stored, "a token is readable in the store"
        assert token not in caplog.text, "a token was logged"


def test_an_expired_or_refused_access_token_is_refreshed_through_google_auth(world):
    svc, clock, stub, client = world
    connect(client, stub)
    first = svc.connections.token("alice", "youtube")
    assert svc.connections.token("alice", "youtube") == first and stub.refreshes == 0
    refreshed = svc.connections.token("alice", "youtube", stale=first)  # the API said 401
    assert refreshed != first and stub.refreshes == 1
    clock.advance(seconds=3600 - 30)  # within a minute of expiry
    assert svc.connections.token("alice", "youtube") not in (first, refreshed)
    assert stub.refreshes == 2


def test_a_revoked_grant_marks_the_account_reconnect_and_stops_asking(world):
    svc, clock, stub, client = world
    connect(client, stub)
    stub.revoke_grants()
    clock.advance(hours=2)
    with pytest.raises(ReconnectRequiredError):
        svc.connections.token("alice", "youtube")
    with pytest.raises(ReconnectRequiredError):
        svc.connections.token("alice", "youtube")
    assert len(stub.of("token")) == 2  # the exchange and one refresh: not asked again
    [youtube] = [
        c
        for c in client.get("/v1/connections", headers=ALICE).get_json()["connections"]
        if c["platform"] == "youtube"
    ]
    assert youtube["status"] == "reconnect" and "invalid_grant" in youtube["error"]

    connect(client, stub)  # connecting again heals it
    assert svc.connections.find("alice", "youtube").status == "connected"
    assert svc.connections.token("alice", "youtube")


def test_disconnecting_revokes_at_google_and_forgets_the_tokens(world):
    svc, _, stub, client = world
    connect(client, stub)
    refresh = next(iter(stub.grants))
    answer = client.delete("/v1/connections/youtube", headers=ALICE)
    assert answer.status_code == 200
    assert answer.get_json() == {"platform": "youtube", "revoked": True, "note": None}
    assert stub.revocations == [refresh]
    stored = svc.connections.find("alice", "youtube")
    assert stored.status == "disconnected" and stored.access_token is None
    with pytest.raises(NotConnectedError):
        svc.connections.token("alice", "youtube")


def test_bad_platforms_states_and_unconfigured_clients_are_4xx_naming_the_field(world):
    _, clock, stub, client = world
    assert client.post("/v1/connections/myspace", json={}, headers=ALICE).status_code == 404
    tiktok = client.post("/v1/connections/tiktok", json={}, headers=ALICE)
    assert tiktok.status_code == 400 and tiktok.get_json()["error"]["fields"] == {
        "platform": "not configured"
    }
    bad = client.post(
        "/v1/connections/youtube", json={"return_to": "//evil.example"}, headers=ALICE
    )
    assert bad.status_code == 400 and "return_to" in bad.get_json()["error"]["fields"]
    assert client.get("/v1/oauth/callback").status_code == 400
    started = client.post("/v1/connections/youtube", json={}, headers=ALICE).get_json()
    query = stub.consent(started["authorize_url"])
    clock.advance(minutes=11)
    late = client.get("/v1/oauth/callback", query_string=query)
    assert late.status_code == 400 and "expired" in late.get_json()["error"]["fields"]["state"]
    denied = client.post("/v1/connections/youtube", json={}, headers=ALICE).get_json()
    state = stub.consent(denied["authorize_url"])["state"]
    refused = client.get(
        "/v1/oauth/callback", query_string={"state": state, "error": "access_denied"}
    )
    assert refused.status_code == 400 and refused.get_json()["error"]["fields"] == {
        "error": "access_denied"
    }


def test_instagram_tokens_sent_in_query_strings_stay_out_of_debug_logs(
    make_services,
    instagram_stub,  # noqa: F811
    caplog,
):
    caplog.set_level(logging.DEBUG)
    settings = {
        "instagram_client_id": instagram_stub.client_id,
        "instagram_client_secret": instagram_stub.client_secret,
        "instagram_base_url": instagram_stub.url,
    }
    clock = FakeClock(NOW)
    svc = make_services(settings, clock=clock)
    started = svc.connections.start("alice", "instagram", StartConnection())
    query = instagram_stub.consent(started.authorize_url)
    svc.connections.callback(query["state"], query["code"], None)
    clock.advance(days=61)  # the long-lived token expired: refreshed with itself, in the URL
    assert svc.connections.token("alice", "instagram")
    assert "refresh_access_token" in caplog.text  # urllib3 logged the request line...
    for token in instagram_stub.secrets_issued():
        assert token not in caplog.text  # ...without the token
