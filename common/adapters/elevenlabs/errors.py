"""ElevenLabs SDK and transport errors as our ProviderError: retryable or permanent.

Retryable: 429 (too_many_concurrent_requests, system_busy), 408, 409, 5xx, timeouts, lost
connections, and a 2xx whose body is not the documented JSON (a later delivery may fare better;
the narrator does not repeat that one itself, as the call may have been billed). Permanent:
401/403 (key), quota_exceeded (whatever its status), and the other 4xx (400, 404, 422: the
request is wrong and stays wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.domain.errors import ProviderError

PROVIDER = "elevenlabs"
_RETRYABLE_4XX = (408, 409, 429)


@dataclass(frozen=True)
class Failure:
    """A failed call: the error to raise, and the wait the server asked for (Retry-After)."""

    error: ProviderError
    retry_after_s: float | None = None

    @property
    def repeatable(self) -> bool:
        """Whether the narrator may try again at once (a retryable error of an unbilled call)."""
        return self.error.retryable and self.error.code != "bad_response"


def translate(exc: Exception) -> Failure | None:
    """The Failure an SDK or httpx exception stands for; None for an exception of another kind
    (a defect: let it propagate)."""
    import httpx
    from elevenlabs.core.api_error import ApiError
    from elevenlabs.core.parse_error import ParsingError

    if isinstance(exc, httpx.TimeoutException):
        return Failure(_error(f"ElevenLabs timed out ({type(exc).__name__})", True, "timeout"))
    if isinstance(exc, httpx.TransportError):
        return Failure(_error(f"cannot reach ElevenLabs: {exc}", True, "unavailable"))
    if isinstance(exc, ParsingError):
        return Failure(bad_response("ElevenLabs returned a response of unexpected shape"))
    if isinstance(exc, ApiError):
        return _api_failure(exc.status_code or 0, exc.body, exc.headers or {})
    return None


def _api_failure(status: int, body: Any, headers: dict[str, str]) -> Failure:
    reason, message = detail(body)
    said = f"{reason}: {message}" if reason and message else reason or message or "no detail"
    if 200 <= status < 300:
        return Failure(bad_response(f"ElevenLabs answered {status} with a body that is not JSON"))
    if reason == "quota_exceeded":
        return Failure(_error(f"ElevenLabs quota exceeded ({said})", False, "quota_exceeded"))
    if status in (401, 403):
        return Failure(
            _error(f"ElevenLabs refused the API key ({status}: {said})", False, "unauthorized")
        )
    if status == 429:
        return Failure(
            _error(f"ElevenLabs is busy (429 {said})", True, "rate_limited"),
            retry_after_s=_retry_after(headers),
        )
    if status in _RETRYABLE_4XX or status >= 500:
        return Failure(
            _error(f"ElevenLabs failed ({status}: {said})", True, "unavailable"),
            retry_after_s=_retry_after(headers),
        )
    return Failure(
        _error(f"ElevenLabs rejected the request ({status}: {said})", False, "invalid_request")
    )


def detail(body: Any) -> tuple[str, str]:
    """(status, message) of an error body: {"detail": {"status", "message"}} as ElevenLabs sends,
    or FastAPI's {"detail": [{"loc", "msg"}]} for a 422; a text body is the message."""
    if isinstance(body, str):
        return "", body.strip()[:300]
    if not isinstance(body, dict):
        return "", ""
    found = body.get("detail", body)
    if isinstance(found, dict):
        return str(found.get("status") or ""), str(found.get("message") or "")[:300]
    if isinstance(found, list):
        parts = []
        for item in found[:3]:
            if isinstance(item, dict):
                where = ".".join(str(p) for p in item.get("loc") or [])
                parts.append(f"{where}: {item.get('msg', '')}" if where else str(item.get("msg")))
        return "", "; ".join(parts)
    return "", str(found)[:300]


def _retry_after(headers: dict[str, str]) -> float | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lowered:
            return max(float(lowered["retry-after-ms"]) / 1000, 0.0)
        if "retry-after" in lowered:
            return max(float(lowered["retry-after"]), 0.0)
    except ValueError:
        return None  # an HTTP date: our own backoff will do
    return None


def bad_response(message: str) -> ProviderError:
    """A response that is not what the API documents (retryable: see the module doc)."""
    return _error(message, True, "bad_response")


def _error(message: str, retryable: bool, code: str) -> ProviderError:
    return ProviderError(message, provider=PROVIDER, retryable=retryable, code=code)
