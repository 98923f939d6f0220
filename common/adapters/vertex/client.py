"""The google-genai client on Vertex AI, and its failures turned into ours.

One client serves every Vertex provider of a process. Every request has a timeout; 408, 429 and
5xx answers (and timeouts, dropped connections) are retried by the SDK with exponential backoff
and jitter (`HttpRetryOptions`); other 4xx answers are permanent and never retried. What is still
failing after the SDK's attempts becomes a ProviderError the task queue understands: retryable
(a later delivery of the step may succeed) or not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common.domain.errors import ProviderError

if TYPE_CHECKING:
    from google import genai

log = logging.getLogger(__name__)

# Answers worth another try: timeout, throttling, server trouble.
RETRY_STATUS = (408, 429, 500, 502, 503, 504)
_MAX_RETRY_DELAY_S = 30.0
_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
# What a stub server is told; it checks nothing, but the header must be there.
STUB_TOKEN = "stub-token"


@dataclass(frozen=True)
class VertexOptions:
    """Where and how to reach Vertex AI.

    `base_url` replaces Google's endpoint (a stub server in tests). `credentials` are
    google.auth credentials; None means Application Default Credentials, looked up when the
    client is built.
    """

    project: str
    location: str = "us-central1"
    base_url: str = ""
    timeout_s: float = 120.0
    attempts: int = 4
    retry_delay_s: float = 1.0
    credentials: Any = None


def build_client(options: VertexOptions) -> genai.Client:
    """A google-genai client for the Vertex AI backend with timeouts and retries set."""
    from google import genai
    from google.genai import types

    if not options.project:
        raise ProviderError(
            "Vertex AI needs a project: set GOOGLE_CLOUD_PROJECT",
            provider="vertex",
            code="missing_configuration",
        )
    credentials = options.credentials
    if credentials is None:
        credentials = default_credentials()
    retry = types.HttpRetryOptions(
        attempts=options.attempts,
        initial_delay=options.retry_delay_s,
        max_delay=max(options.retry_delay_s, _MAX_RETRY_DELAY_S),
        exp_base=2.0,
        # Up to one first-delay of randomness, so throttled instances do not retry in step.
        jitter=options.retry_delay_s,
        http_status_codes=list(RETRY_STATUS),
    )
    return genai.Client(
        vertexai=True,
        project=options.project,
        location=options.location,
        credentials=credentials,
        http_options=types.HttpOptions(
            base_url=options.base_url or None,
            timeout=max(1, int(options.timeout_s * 1000)),
            retry_options=retry,
        ),
    )


def wire_seed(seed: int) -> int:
    """A seed the APIs accept (Gemini takes an int32, Veo a uint32): ours can be larger (scene
    seeds are the project's seed times 1000 plus the scene's offset)."""
    return seed % 2**31


def default_credentials() -> Any:
    """Application Default Credentials; ProviderError saying how to get them when missing."""
    import google.auth
    from google.auth import exceptions as auth_exceptions

    try:
        credentials, _project = google.auth.default(scopes=list(_SCOPES))
    except auth_exceptions.DefaultCredentialsError as exc:
        raise ProviderError(
            "no Google credentials for Vertex AI: run `gcloud auth application-default login` "
            "or set GOOGLE_APPLICATION_CREDENTIALS",
            provider="vertex",
            code="missing_credentials",
        ) from exc
    return credentials


def static_credentials(token: str = STUB_TOKEN) -> Any:
    """Credentials holding a fixed token that never expires (for a stub endpoint)."""
    from google.oauth2.credentials import Credentials

    return Credentials(token=token)  # type: ignore[no-untyped-call]


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Network-level failures of the HTTP stacks the SDK may use (httpx, httpx2, requests)."""
    import httpx
    import requests

    found: list[type[BaseException]] = [httpx.TransportError, requests.RequestException]
    try:
        import httpx2

        found.append(httpx2.TransportError)
    except ImportError:  # pragma: no cover - an optional SDK dependency
        pass
    return tuple(found)


def _code_for(status: int) -> str:
    if status == 429:
        return "rate_limited"
    if status in (401, 403):
        return "provider_denied"
    if status == 404:
        return "provider_not_found"
    if status >= 500 or status == 408:
        return "provider_unavailable"
    return "provider_rejected"


@contextmanager
def vertex_errors(provider: str, action: str) -> Iterator[None]:
    """Turn SDK, HTTP and auth failures inside the block into ProviderError naming `action`."""
    from google.auth import exceptions as auth_exceptions
    from google.genai import errors as genai_errors

    try:
        yield
    except genai_errors.APIError as exc:
        status = int(exc.code or 0)
        raise ProviderError(
            f"{provider} {action} failed: HTTP {status} {exc.status or ''}: "
            f"{exc.message or exc.details}".replace("  ", " "),
            provider=provider,
            retryable=status in RETRY_STATUS,
            code=_code_for(status),
        ) from exc
    except auth_exceptions.RefreshError as exc:
        raise ProviderError(
            f"{provider} {action} failed: Google credentials could not be refreshed: {exc}",
            provider=provider,
            retryable=bool(getattr(exc, "retryable", False)),
            code="provider_denied",
        ) from exc
    except auth_exceptions.TransportError as exc:
        raise ProviderError(
            f"{provider} {action} failed: could not reach Google's token service: {exc}",
            provider=provider,
            retryable=True,
            code="provider_unavailable",
        ) from exc
    except _transport_errors() as exc:
        kind = "timed out" if "timeout" in type(exc).__name__.lower() else "could not connect"
        raise ProviderError(
            f"{provider} {action} failed: {kind}: {type(exc).__name__}: {exc}",
            provider=provider,
            retryable=True,
            code="timeout" if kind == "timed out" else "provider_unavailable",
        ) from exc
