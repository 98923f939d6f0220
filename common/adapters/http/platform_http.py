"""Plain HTTP to the publishing platforms' JSON APIs (TikTok, Instagram, OAuth token endpoints),
with one error rule for all of them:

- no answer, 408, 429 or 5xx: ProviderError(retryable=True) (the step is tried again later);
- an OAuth `invalid_grant` (or the platform's own words for a revoked token): the grant is gone,
  ReconnectRequiredError, never retried;
- any other 4xx: ProviderError with the platform's reason, not retried.

Tokens travel in headers or form bodies and are never part of an error message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import requests

from common.domain.connections import ReconnectRequiredError
from common.domain.errors import ProviderError

RETRYABLE = frozenset({408, 425, 429})
# What token endpoints answer when the grant was revoked or expired for good (an API's
# "access token invalid" only means: refresh it).
REVOKED_ERRORS = frozenset({"invalid_grant"})


# Query parameters that carry credentials: tokens, client secrets, one-time codes, and upload
# session ids (a resumable session URL works as a credential for its upload).
_TOKEN_IN_URL = re.compile(
    r"((?:access_token|client_secret|refresh_token|code|upload_id)=)[^&\s\"']+"
)


class RedactTokens(logging.Filter):
    """Some platform endpoints take a token in the query string (Instagram's token exchange and
    refresh); urllib3 logs request lines at DEBUG. This keeps the value out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_URL.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                for a in record.args
            )
        record.msg = _TOKEN_IN_URL.sub(r"\1[redacted]", str(record.msg))
        return True


_REDACTOR = RedactTokens()


class PlatformHttp:
    def __init__(self, provider: str, *, timeout_s: float = 30.0) -> None:
        pool = logging.getLogger("urllib3.connectionpool")
        if _REDACTOR not in pool.filters:
            pool.addFilter(_REDACTOR)
        self.provider = provider
        self._timeout_s = timeout_s
        self._session = requests.Session()

    def call(
        self,
        method: str,
        url: str,
        *,
        what: str,
        data: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> tuple[int, Any]:
        """One request; (status, parsed JSON body or {}) for a status in `ok`, else raises."""
        try:
            response = self._session.request(
                method,
                url,
                data=content if content is not None else data,
                json=json,
                params=params,
                headers=headers,
                timeout=self._timeout_s,
            )
        except requests.RequestException as exc:
            raise ProviderError(
                f"{self.provider} {what}: no answer ({type(exc).__name__})",
                provider=self.provider,
                retryable=True,
            ) from exc
        body = _json(response)
        if response.status_code in ok:
            return response.status_code, body
        raise self.error(what, response.status_code, body)

    def error(self, what: str, status: int, body: Any) -> ProviderError | ReconnectRequiredError:
        code, reason = error_of(body)
        if code in REVOKED_ERRORS:
            return ReconnectRequiredError(
                f"{self.provider} refused the saved authorisation ({code}): connect it again"
            )
        message = f"{self.provider} {what}: {status} {code}: {reason}".rstrip(": ")[:500]
        retryable = status in RETRYABLE or status >= 500
        return ProviderError(message, provider=self.provider, retryable=retryable, code=code or "")


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"text": response.text[:300]}


def error_of(body: Any) -> tuple[str, str]:
    """(code, reason) from the error shapes the platforms use: OAuth's {"error",
    "error_description"}, TikTok's {"error": {"code", "message"}}, Graph's {"error":
    {"message", "type", "code", "error_subcode"}}, Google's {"error": {"errors": [{"reason"}]}}."""
    if not isinstance(body, dict):
        return "", ""
    error = body.get("error")
    if isinstance(error, str):
        return error, str(body.get("error_description") or "")
    if isinstance(error, dict):
        reasons = [e.get("reason", "") for e in error.get("errors", []) if isinstance(e, dict)]
        code = reasons[0] if reasons else str(error.get("code") or error.get("type") or "")
        return code, str(error.get("message") or "")
    return "", str(body.get("text") or "")
