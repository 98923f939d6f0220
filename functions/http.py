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
    PermissionDeniedError,
    StoryGeniusError,
    UnauthenticatedError,
)
from common.domain.quota import PaymentRequiredError, RateLimitedError

# (body, status, headers); or a werkzeug/flask Response for a body written while it is
# sent (the job event stream), which functions-framework passes through as it is.
Response = tuple[str, int, dict[str, str]] | StreamedResponse

JSON = {"Content-Type": "application/json"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json.dumps(body, ensure_ascii=False), status, {**JSON, **(headers or {})}


def error_response(exc: StoryGeniusError) -> Response:
    """400/404/409 for what the caller got wrong, 503 + Retry-After for what may pass."""
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidInputError):
        status = 400
        body["fields"] = exc.fields
    elif isinstance(exc, NotFoundError):
        status = 404
    elif isinstance(exc, UnauthenticatedError):
        status = 401
        headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(exc, PermissionDeniedError):
        status = 403
    elif isinstance(exc, AlreadyExistsError | ConflictError):
        status = 409
    elif isinstance(exc, PaymentRequiredError):
        status = 402  # insufficient_credits / quota_exceeded, the shortfall in fields
        body["fields"] = exc.fields
    elif isinstance(exc, RateLimitedError):
        status = 429
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
        body["fields"] = exc.fields
    elif exc.retryable:
        status = 503
        headers["Retry-After"] = str(int(getattr(exc, "retry_after_s", 5) or 5))
    else:
        status = 500
    return json_response({"error": body}, status, headers)


def framework_error(error: Any) -> Response:
    """An error functions-framework answers itself, before any target runs (its catch-all rule
    refuses a path with a newline: 404; a method it does not route: 405), in the API's one
    error shape instead of Flask's HTML page."""
    status = int(getattr(error, "code", None) or 500)
    code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
    message = str(getattr(error, "description", "") or code)
    return json_response({"error": {"code": code, "message": message, "fields": {}}}, status)
