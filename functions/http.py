"""Mapping errors to HTTP responses: the same shape for every endpoint."""

from __future__ import annotations

import json
from typing import Any

from common.domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    StoryGeniusError,
)

Response = tuple[str, int, dict[str, str]]

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
    elif isinstance(exc, AlreadyExistsError | ConflictError):
        status = 409
    elif exc.retryable:
        status = 503
        headers["Retry-After"] = str(int(getattr(exc, "retry_after_s", 5) or 5))
    else:
        status = 500
    return json_response({"error": body}, status, headers)
