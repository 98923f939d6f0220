"""Step targets accept only the pipeline's queue: its OIDC token (cloud) or the task secret."""

from __future__ import annotations

import base64
import json

import pytest

from common.adapters.gcp.google_tokens import GoogleSignedTokens
from common.domain.errors import PermissionDeniedError, UnauthenticatedError
from common.services.accounts.step_callers import (
    SIGNATURE_REMOVED,
    TASK_SECRET_HEADER,
    StepCallerVerifier,
)
from tests.support.keys import NOW, SettableClock, StaticKeys, key_pair, sign_jwt

BASE = "https://us-central1-demo.cloudfunctions.net"
TASKS_SA = "storygenius-tasks@demo.iam.gserviceaccount.com"
GOOGLE = key_pair("google-1", common_name="accounts.google.com")
STRANGER = key_pair("stranger", common_name="accounts.google.com")


def oidc_claims(**overrides):
    now = int(NOW.timestamp())
    claims = {
        "aud": f"{BASE}/step_clip",
        "azp": "1234567890",
        "email": TASKS_SA,
        "email_verified": True,
        "exp": now + 3000,
        "iat": now - 600,
        "iss": "https://accounts.google.com",
        "sub": "1234567890",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def verifier(*, trust_stripped: bool = False, secret: str = "s3cret") -> StepCallerVerifier:
    return StepCallerVerifier(
        tokens=GoogleSignedTokens(StaticKeys(GOOGLE)),
        clock=SettableClock(NOW),
        service_account=TASKS_SA,
        base_url=BASE + "/",
        secret=secret,
        trust_stripped_signatures=trust_stripped,
    )


def bearer(claims, keys=GOOGLE) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_jwt(claims, keys)}"}


def stripped(claims) -> dict[str, str]:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'RS256', 'kid': 'x'})}.{part(claims)}.{SIGNATURE_REMOVED}"
    return {"Authorization": f"Bearer {token}"}


def test_the_queue_oidc_token_is_accepted():
    assert verifier().check(bearer(oidc_claims()), "step_clip") == f"oidc:{TASKS_SA}"
    claims = oidc_claims(iss="accounts.google.com")
    assert verifier().check(bearer(claims), "step_clip").startswith("oidc:")


@pytest.mark.parametrize(
    ("claims", "error", "why"),
    [
        (oidc_claims(aud=f"{BASE}/step_assemble"), UnauthenticatedError, "aud"),
        (oidc_claims(aud="https://evil.example.com/step_clip"), UnauthenticatedError, "aud"),
        (oidc_claims(iss="https://securetoken.google.com/demo"), UnauthenticatedError, "iss"),
        (oidc_claims(exp=int(NOW.timestamp()) - 60), UnauthenticatedError, "expired"),
        (oidc_claims(iat=int(NOW.timestamp()) + 600), UnauthenticatedError, "future"),
        (oidc_claims(email="someone@demo.iam.gserviceaccount.com"), PermissionDeniedError, "may"),
        (oidc_claims(email_verified=False), PermissionDeniedError, "may not"),
        (oidc_claims(email=None), PermissionDeniedError, "may not"),
    ],
    ids=[
        "other-step",
        "other-url",
        "firebase-issuer",
        "expired",
        "future",
        "other-account",
        "unverified-email",
        "no-email",
    ],
)
def test_tokens_not_minted_for_this_step_by_the_queue_are_refused(claims, error, why):
    with pytest.raises(error, match=why):
        verifier().check(bearer(claims), "step_clip")


def test_a_token_signed_by_anyone_else_is_refused():
    forged = sign_jwt(oidc_claims(), STRANGER, kid=GOOGLE.kid)
    with pytest.raises(UnauthenticatedError, match="signature"):
        verifier().check({"Authorization": f"Bearer {forged}"}, "step_clip")


def test_a_signature_stripped_by_google_is_trusted_only_behind_iam():
    with pytest.raises(UnauthenticatedError, match="IAM"):
        verifier().check(stripped(oidc_claims()), "step_clip")
    assert (
        verifier(trust_stripped=True)
        .check(stripped(oidc_claims()), "step_clip")
        .startswith("oidc:")
    )
    with pytest.raises(PermissionDeniedError):
        verifier(trust_stripped=True).check(stripped(oidc_claims(email="x@y.z")), "step_clip")


def test_the_task_secret_is_accepted_and_anything_else_refused():
    assert verifier().check({TASK_SECRET_HEADER: "s3cret"}, "step_clip") == "queue-secret"
    for headers in ({}, {TASK_SECRET_HEADER: "guess"}, {"Authorization": "Basic czNjcmV0"}):
        with pytest.raises(UnauthenticatedError):
            verifier().check(headers, "step_clip")
    # A bad token is not rescued by a good secret: a token present must verify.
    with pytest.raises(UnauthenticatedError):
        verifier().check({"Authorization": "Bearer x.y.z", TASK_SECRET_HEADER: "s3cret"}, "s")
    # No secret configured: an empty header matches nothing.
    with pytest.raises(UnauthenticatedError):
        verifier(secret="").check({TASK_SECRET_HEADER: ""}, "step_clip")
