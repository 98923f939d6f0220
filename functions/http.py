"""Mapping errors to HTTP responses: the same shape for every endpoint."""

from __future__ import annotations

import json
import math
from typing import Any

from werkzeug.wrappers import Response as StreamedResponse

from common.domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    StoryGeniusError,
    UnauthenticatedError,
)
from common.domain.quota import PaymentRequiredError, RateLimitedError

# (body, status, headers); or a werkzeug/flask Response for a body written while it is
# sent (the job event stream), which functions-framework passes through as it is.
Response = tuple[str, int, dict[str, str]] | StreamedResponse

__all__ = [
    "BodyTimeoutError",
    "Response",
    "StreamedResponse",
    "error_response",
    "error_status",
    "json_response",
]

JSON = {"Content-Type": "application/json"}


class BodyTimeoutError(StoryGeniusError):
    """The request body did not arrive within the local server's deadline (408;
    functions/edge.py)."""

    code = "request_timeout"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json.dumps(body, ensure_ascii=False), status, {**JSON, **(headers or {})}


def error_status(exc: StoryGeniusError) -> tuple[int, dict[str, str]]:
    """400/404/409/413 for what the caller got wrong, 503 + Retry-After for what may pass; the
    status and the headers that go with it."""
    if isinstance(exc, InvalidInputError):
        return 400, {}
    if isinstance(exc, NotFoundError):
        return 404, {}
    if isinstance(exc, UnauthenticatedError):
        return 401, {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, PermissionDeniedError):
        return 403, {}
    if isinstance(exc, AlreadyExistsError | ConflictError):
        return 409, {}
    if isinstance(exc, PayloadTooLargeError):
        return 413, {}
    if isinstance(exc, BodyTimeoutError):
        return 408, {}
    if isinstance(exc, PaymentRequiredError):
        return 402, {}  # insufficient_credits / quota_exceeded, the shortfall in fields
    if isinstance(exc, RateLimitedError):
        return 429, {"Retry-After": str(max(1, math.ceil(exc.retry_after_s)))}
    if exc.retryable:
        return 503, {"Retry-After": str(int(getattr(exc, "retry_after_s", 5) or 5))}
    return 500, {}


def error_response(exc: StoryGeniusError) -> Response:
    """The error's status and headers (error_status), its body in the one error shape."""
    status, headers = error_status(exc)
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if isinstance(exc, InvalidInputError | PaymentRequiredError | RateLimitedError):
        body["fields"] = exc.fields
    return json_response({"error": body}, status, headers)


def framework_error(error: Any) -> Response:
    """An error functions-framework answers itself, before any target runs (its catch-all rule
    refuses a path with a newline: 404; a method it does not route: 405), in the API's one
    error shape instead of Flask's HTML page."""
    status = int(getattr(error, "code", None) or 500)
    code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
    message = str(getattr(error, "description", "") or code)
    return json_response({"error": {"code": code, "message": message, "fields": {}}}, status)
