"""What the Google Cloud API clients (Cloud Tasks, Cloud Run, Cloud Storage) raise, and how it
becomes the project's error: retryable when trying again can help (throttling, 5xx, the network),
a ProviderError naming the service otherwise (403/404 and the like: a deployment problem, such
as a missing queue, job or grant, that no retry mends)."""

from __future__ import annotations

from google.api_core import exceptions as api_exceptions
from google.auth import exceptions as auth_exceptions

from common.domain.errors import ProviderError, RetryableError

# HTTP codes (google.api_core maps gRPC status codes to these too) where trying again can help.
RETRYABLE_CODES = frozenset({408, 429, 500, 502, 503, 504})

# What a call through a generated client raises: an HTTP or gRPC error, the client's own retries
# running out, or the credentials' transport failing.
SDK_ERRORS: tuple[type[Exception], ...] = (
    api_exceptions.GoogleAPICallError,
    api_exceptions.RetryError,
    auth_exceptions.TransportError,
)


def api_error(
    exc: Exception, *, service: str, provider: str, doing: str
) -> RetryableError | ProviderError:
    """`exc` (one of SDK_ERRORS) as the project's error; `service` ("Cloud Tasks") and `doing`
    ("creating queue script") say where, `provider` is the ProviderError's."""
    if isinstance(exc, api_exceptions.GoogleAPICallError):
        message = f"{service} failed {doing}: {exc.code} {exc.message}"
        if exc.code in RETRYABLE_CODES:
            return RetryableError(message)
        return ProviderError(message, provider=provider, retryable=False)
    # RetryError (the SDK gave up retrying) or an auth transport failure: the network, not us.
    return RetryableError(f"{service} unreachable {doing}: {exc}")
