"""Errors the domain and services raise. Entry points map them to status codes; nothing else does.

Every error carries a machine `code` and a human `message`; errors about input name their `field`.
`retryable` tells the task queue whether a retry can help (timeouts, 429, 5xx) or not (bad input,
safety filter, quota).
"""

from __future__ import annotations


class StoryGeniusError(Exception):
    """Base of every error this codebase raises on purpose."""

    code = "internal"
    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(StoryGeniusError):
    """Input that fails validation. `fields` maps each bad field to what is wrong with it."""

    code = "invalid_argument"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class NotFoundError(StoryGeniusError):
    code = "not_found"


class PayloadTooLargeError(StoryGeniusError):
    """A request body over its limit (413); `fields` names `body` and the limit."""

    code = "payload_too_large"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {"body": message}


class ConflictError(StoryGeniusError):
    """A precondition failed: stale version, document already exists, state does not allow it."""

    code = "conflict"


class AlreadyExistsError(ConflictError):
    code = "already_exists"


class ProviderError(StoryGeniusError):
    """A provider (script, image, video, voice) failed. `retryable` says whether to try again."""

    code = "provider_error"

    def __init__(
        self, message: str, *, provider: str = "", retryable: bool = False, code: str = ""
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.retryable = retryable
        if code:
            self.code = code


class ContentFilteredError(ProviderError):
    """The provider refused the content (safety filter). Never retryable."""

    code = "content_filtered"

    def __init__(self, message: str, *, provider: str = "") -> None:
        super().__init__(message, provider=provider, retryable=False)


class MediaError(StoryGeniusError):
    """ffmpeg or media processing failed. `stderr` holds the tail of the tool's output."""

    code = "media_error"

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


class RetryableError(StoryGeniusError):
    """A transient failure: the task queue should deliver the step again later."""

    code = "unavailable"
    retryable = True

    def __init__(self, message: str, *, retry_after_s: float = 5.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class CancelledError(StoryGeniusError):
    code = "cancelled"


class UnauthenticatedError(StoryGeniusError):
    """No credentials, or credentials that do not verify (bad signature, expired, wrong audience).

    The message says what is wrong with the token, never anything about the resources."""

    code = "unauthenticated"


class PermissionDeniedError(StoryGeniusError):
    """Verified credentials of a caller that may not make this call (a step called by anyone but
    the pipeline's task queue)."""

    code = "permission_denied"


def error_fields(exc: BaseException) -> dict[str, str]:
    """The per-field messages of an error, empty for errors that are not about input."""
    return getattr(exc, "fields", {}) or {}
