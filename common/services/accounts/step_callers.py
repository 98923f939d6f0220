"""Who may call a step target: the pipeline's own task queue, nobody else.

A step moves money (provider calls) and job state, so its HTTP target checks the caller before
reading the task:

- In the cloud, the step functions are deployed private (infra/terraform: run.invoker for the
  tasks service account only, internal ingress) and every task carries an OIDC token minted for
  that account with the step's URL as audience. When an `Authorization: Bearer` token is present
  it must be a Google-signed ID token with issuer accounts.google.com, audience = the step URL
  (`functions_base_url/<step>`, what the queue asks for), `email` = the tasks service account and
  `email_verified`. Behind IAM, Google has already checked the signature and replaces it with
  `SIGNATURE_REMOVED_BY_GOOGLE`; such a token is accepted (claims still checked) only where the
  deployment says so (`steps_behind_iam`), never on a target anyone can reach.
- Locally (serve, the Cloud Tasks emulator), the queue adds TASK_SECRET_HEADER with a secret only
  this process knows (made at startup; `task_secret` from settings when several processes must
  agree), compared in constant time.

A caller with neither is refused (401); a verified token of another account is refused (403).
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import threading
from collections.abc import Mapping
from typing import Any

from common.domain.errors import PermissionDeniedError, UnauthenticatedError
from common.ports import Clock
from common.ports.tokens import TokenDecoder
from common.services.accounts.identity import DEFAULT_SKEW_S, bearer_token, numeric_claim

TASK_SECRET_HEADER = "X-StoryGenius-Task-Secret"
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")
SIGNATURE_REMOVED = "SIGNATURE_REMOVED_BY_GOOGLE"

_lock = threading.Lock()
_process_secret = ""


def process_task_secret() -> str:
    """This process's task secret: made once, on first use, never logged or stored."""
    global _process_secret
    with _lock:
        if not _process_secret:
            _process_secret = secrets.token_urlsafe(32)
        return _process_secret


def _unsigned_claims(token: str) -> dict[str, Any]:
    """The payload of a token whose signature Google removed after checking it."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        raise UnauthenticatedError("the task's token is not a JWT") from exc
    if not isinstance(claims, dict):
        raise UnauthenticatedError("the task's token is not a JWT")
    return claims


class StepCallerVerifier:
    """Checks that a step target's caller is the pipeline's task queue (see the module doc)."""

    def __init__(
        self,
        *,
        tokens: TokenDecoder,
        clock: Clock,
        service_account: str,
        base_url: str,
        secret: str,
        trust_stripped_signatures: bool = False,
        skew_s: float = DEFAULT_SKEW_S,
    ) -> None:
        self.tokens = tokens
        self.clock = clock
        self.service_account = service_account
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.trust_stripped_signatures = trust_stripped_signatures
        self.skew_s = skew_s

    def audience(self, step: str) -> str:
        """The URL tasks for `step` are posted to, and so the audience of their OIDC tokens."""
        return f"{self.base_url}/{step}"

    def check(self, headers: Mapping[str, str], step: str) -> str:
        """Who called (`oidc:<email>` or `queue-secret`); raises when it is not our queue."""
        authorization = headers.get("Authorization") or ""
        if authorization.strip():
            token = bearer_token(authorization)
            if token is None:
                raise UnauthenticatedError("step targets take only Bearer OIDC tokens")
            return "oidc:" + self._check_oidc(token, step)
        presented = headers.get(TASK_SECRET_HEADER) or ""
        if presented and self.secret and hmac.compare_digest(presented, self.secret):
            return "queue-secret"
        if presented:
            raise UnauthenticatedError("the task secret does not match this process's")
        raise UnauthenticatedError("step targets accept only the pipeline's task queue")

    def _check_oidc(self, token: str, step: str) -> str:
        if token.endswith("." + SIGNATURE_REMOVED):
            if not self.trust_stripped_signatures:
                raise UnauthenticatedError("an unsigned token is only trusted behind Google IAM")
            claims = _unsigned_claims(token)
        else:
            claims = self.tokens.decode(token)
        now = self.clock.now().timestamp()
        if claims.get("iss") not in GOOGLE_ISSUERS:
            raise UnauthenticatedError("the task's token is not issued by Google (iss)")
        if claims.get("aud") != self.audience(step):
            raise UnauthenticatedError("the task's token is meant for another target (aud)")
        if numeric_claim(claims, "exp", "the task's token") + self.skew_s < now:
            raise UnauthenticatedError("the task's token has expired")
        if numeric_claim(claims, "iat", "the task's token") - self.skew_s > now:
            raise UnauthenticatedError("the task's token is issued in the future (iat)")
        email = claims.get("email")
        if not self.service_account:
            raise PermissionDeniedError("no tasks service account is configured to accept")
        if email != self.service_account or claims.get("email_verified") is not True:
            raise PermissionDeniedError(f"{email or 'this caller'} may not call pipeline steps")
        return str(email)
