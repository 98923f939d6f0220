"""Firebase ID token verification: signature by a published key, then every claim rule, with an
injected clock and a locally generated key pair (no network)."""

from __future__ import annotations

import pytest

from common.adapters.gcp.google_tokens import GoogleSignedTokens
from common.domain.errors import UnauthenticatedError
from common.services.accounts.identity import Authenticator, FirebaseTokenVerifier, bearer_token
from tests.support.keys import NOW, SettableClock, StaticKeys, firebase_claims, key_pair, sign_jwt

PROJECT = "demo-genius"
KEYS = key_pair("key-1")
OTHER = key_pair("key-2")


@pytest.fixture
def clock():
    return SettableClock(NOW)


@pytest.fixture
def keys():
    return StaticKeys(KEYS)


@pytest.fixture
def verifier(keys, clock):
    return FirebaseTokenVerifier(PROJECT, GoogleSignedTokens(keys), clock, skew_s=30)


def token(**overrides) -> str:
    return sign_jwt(firebase_claims("alice", PROJECT, NOW.timestamp(), **overrides), KEYS)


def test_a_valid_token_gives_its_uid(verifier):
    assert verifier.uid(token()) == "alice"


def test_the_token_expires_after_its_exp_plus_the_allowed_skew(verifier, clock):
    good = token()  # exp = NOW - 60 + 3600
    clock.advance(3540 + 29)
    assert verifier.uid(good) == "alice"
    clock.advance(2)
    with pytest.raises(UnauthenticatedError, match="expired"):
        verifier.uid(good)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "another-project"}, "audience"),
        ({"iss": "https://securetoken.google.com/another-project"}, "iss"),
        ({"iss": "https://accounts.google.com"}, "iss"),
        ({"iat": int(NOW.timestamp()) + 120}, "future"),
        ({"auth_time": int(NOW.timestamp()) + 120}, "auth_time"),
        ({"auth_time": None}, "auth_time"),
        ({"exp": None}, "exp"),
        ({"exp": True}, "exp"),
        ({"sub": ""}, "sub"),
        ({"sub": None}, "sub"),
        ({"sub": "x" * 129}, "sub"),
        ({"sub": 42}, "sub"),
    ],
    ids=[
        "wrong-audience",
        "wrong-issuer-project",
        "google-issuer",
        "issued-in-future",
        "future-auth-time",
        "no-auth-time",
        "no-exp",
        "boolean-exp",
        "empty-sub",
        "no-sub",
        "overlong-sub",
        "numeric-sub",
    ],
)
def test_claims_that_break_a_rule_are_refused(verifier, overrides, reason):
    with pytest.raises(UnauthenticatedError, match=reason):
        verifier.uid(token(**overrides))


def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(verifier):
    forged = sign_jwt(firebase_claims("alice", PROJECT, NOW.timestamp()), OTHER, kid=KEYS.kid)
    with pytest.raises(UnauthenticatedError, match="signature"):
        verifier.uid(forged)


def test_a_token_naming_an_unknown_key_triggers_one_refresh_then_is_refused(verifier, keys):
    forged = sign_jwt(firebase_claims("alice", PROJECT, NOW.timestamp()), OTHER)
    with pytest.raises(UnauthenticatedError, match="unknown key"):
        verifier.uid(forged)
    assert keys.refreshes == 1


def test_a_rotated_key_is_found_after_the_refresh(keys, clock):
    class Rotating(StaticKeys):
        def certificates(self, *, refresh: bool = False) -> dict[str, str]:
            if refresh:
                self.certs[OTHER.kid] = OTHER.cert_pem
            return super().certificates(refresh=refresh)

    verifier = FirebaseTokenVerifier(PROJECT, GoogleSignedTokens(Rotating(KEYS)), clock)
    rotated = sign_jwt(firebase_claims("bob", PROJECT, NOW.timestamp()), OTHER)
    assert verifier.uid(rotated) == "bob"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not-a-jwt",
        "a.b",
        "a.b.c.d",
        "é.é.é",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.",
        "x" * 20_000,
    ],
    ids=["empty", "word", "two-parts", "four-parts", "non-ascii", "alg-none", "huge"],
)
def test_malformed_tokens_are_refused_without_crashing(verifier, raw):
    with pytest.raises(UnauthenticatedError):
        verifier.uid(raw)


def test_tokens_signed_with_another_algorithm_are_refused(verifier):
    hs256 = sign_jwt(firebase_claims("alice", PROJECT, NOW.timestamp()), KEYS, alg="HS256")
    with pytest.raises(UnauthenticatedError, match="RS256"):
        verifier.uid(hs256)


def test_the_authenticator_reads_bearer_headers_by_mode(verifier):
    firebase = Authenticator("firebase", verifier)
    assert firebase.uid(f"Bearer {token()}") == "alice"
    assert firebase.uid(f"bearer   {token()}  ") == "alice"
    for header in ("", "Bearer", "Basic abc", "Bearer dev:alice", token()):
        with pytest.raises(UnauthenticatedError):
            firebase.uid(header)
    dev = Authenticator("dev")
    assert dev.uid("") == "local"
    assert dev.uid("Bearer dev:bob_1") == "bob_1"
    for header in ("Bearer dev:", "Bearer dev:a/b", f"Bearer {token()}", "dev:bob"):
        with pytest.raises(UnauthenticatedError):
            dev.uid(header)


def test_bearer_token_parsing():
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("BEARER  abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("") is None


def test_firebase_auth_needs_a_project_and_dev_auth_needs_local_backends_or_consent():
    from common.config import Settings
    from common.domain.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="GOOGLE_CLOUD_PROJECT"):
        Settings.from_env({"STORYGENIUS_AUTH": "firebase"})
    settings = Settings.from_env({"STORYGENIUS_AUTH": "firebase", "GOOGLE_CLOUD_PROJECT": "p"})
    assert settings.auth == "firebase"
    cloud = {"STORYGENIUS_STORE": "firestore", "GOOGLE_CLOUD_PROJECT": "p"}
    assert Settings.from_env(cloud).auth == "firebase"  # the default with cloud backends
    with pytest.raises(InvalidInputError, match="refused"):
        Settings.from_env({**cloud, "STORYGENIUS_AUTH": "dev"})
    allowed = {**cloud, "STORYGENIUS_AUTH": "dev", "STORYGENIUS_ALLOW_DEV_AUTH": "1"}
    assert Settings.from_env(allowed).auth == "dev"
