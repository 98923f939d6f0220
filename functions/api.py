"""The public REST API (`/v1`), one HTTPS function. Routes translate JSON into commands, call one
service, and map results and errors to status codes; no business logic lives here.

Every route is registered with `route(...)`, which records its body, query and response models:
the router dispatches on that registry, parses the body and query into those models once, and
`GET /v1/openapi.json` describes it (functions/openapi.py). Errors always have one shape,
`{"error": {"code", "message", "fields"}}`; bad input is a 4xx, never a 500. Another user's
project or job is a 404, as if it did not exist.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from typing import Any, cast

from flask import Request

import functions.routes  # noqa: F401  (registers every route)
from common.bootstrap import Services, services
from common.domain.commands import parse
from common.domain.errors import StoryGeniusError, error_fields
from common.ports.tracing import trace_headers
from functions.http import Response, error_status, json_response
from functions.openapi import Health, Route, openapi_document
from functions.routing import (
    MAX_BODY_BYTES,
    ROUTES,
    BodyTooLargeError,
    Call,
    NoQuery,
    dump,
    json_body,
    route,
)

__all__ = ["MAX_BODY_BYTES", "ROUTES", "handle_api", "openapi_spec"]

log = logging.getLogger(__name__)

API_TITLE = "Story-Genius API"
API_VERSION = "1.0.0"


@route("GET", "/v1/health", response=Health, public=True)
def health(call: Call[None, None]) -> Response:
    """Liveness: answers when the function is up; needs no sign-in."""
    return json_response(dump(Health()))


@route("GET", "/v1/openapi.json", public=True)
def openapi(call: Call[None, None]) -> Response:
    """This API described as an OpenAPI 3.1 document."""
    return json_response(openapi_spec())


@functools.cache
def openapi_spec() -> dict[str, Any]:
    """The OpenAPI document of every registered route (built once per instance)."""
    return openapi_document(ROUTES, title=API_TITLE, version=API_VERSION)


def handle_api(request: Request) -> Response:
    """Route one request. Unknown paths are 404, known paths with another method 405."""
    # Firebase Hosting forwards `/api/v1/...` whole to this function: the prefix is not ours.
    path = request.path.removeprefix("/api").rstrip("/") or "/"
    allowed = []
    for r in ROUTES:
        match = r.regex.match(path)
        if not match:
            continue
        if r.method != request.method:
            allowed.append(r.method)
            continue
        try:
            return _traced(r, request, match.groupdict())
        except StoryGeniusError as exc:
            return _error(exc)
        except Exception:
            # A defect, not the caller's fault: log it, and still answer in the API's shape.
            log.exception("%s %s failed", request.method, path)
            return _error_body("internal", "internal error", 500)
    if allowed:
        headers = {"Allow": ", ".join(allowed)}
        return _error_body("method_not_allowed", f"use {', '.join(allowed)}", 405, headers)
    return _error_body("not_found", f"no route {path}", 404)


def _traced(r: Route, request: Request, params: Mapping[str, str]) -> Response:
    """The request as one trace span (a child of the caller's `traceparent`, if it sent one),
    with its route and status; the spans are handed to the exporters before answering."""
    svc = services()
    attributes = {"http.request.method": r.method, "http.route": r.path}
    parent = trace_headers(cast("Mapping[str, str]", request.headers))
    try:
        with svc.tracer.span(
            f"{r.method} {r.path}", attributes=attributes, parent=parent, kind="server"
        ) as span:
            try:
                response = _call(r, request, params, svc)
            except StoryGeniusError as exc:
                response = _error(exc)
            status = response[1] if isinstance(response, tuple) else response.status_code
            span.set("http.response.status_code", status)
            return response
    finally:
        svc.tracer.flush()


def _call(r: Route, request: Request, params: Mapping[str, str], svc: Services) -> Response:
    """Check the caller, take a rate-limit token (429 with Retry-After), parse the query and
    body into the route's models, then run the handler."""
    if not r.raw_body and (request.content_length or 0) > MAX_BODY_BYTES:
        raise BodyTooLargeError()
    owner = ""
    if not r.public:
        svc = services()
        # A verified Firebase ID token's `sub`, or in dev mode `Bearer dev:<uid>` or no header
        # at all (uid `local`); see common/services/accounts/identity.py and sign_in.py.
        identity = svc.authenticator.identify(request.headers.get("Authorization", ""))
        owner = svc.sign_in.admit(identity)
        svc.rate_limits.take(owner, r.method, r.path)
    # A route without a query model takes no parameters: any is a 400 naming it, like an
    # unknown field of a model (its handler gets None).
    parsed = parse(r.query or NoQuery, request.args.to_dict())
    query = parsed if r.query is not None else None
    body = None if r.body is None else parse(r.body, json_body(request))
    return r.handler(Call(request, services, owner, params, body, query))


def _error(exc: StoryGeniusError) -> Response:
    """The error answer for `exc`: its status from functions/http.py, the API's one shape."""
    status, headers = error_status(exc)
    return _error_body(exc.code, exc.message, status, headers, error_fields(exc))


def _error_body(
    code: str,
    message: str,
    status: int,
    headers: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> Response:
    body = {"code": code, "message": message, "fields": fields or {}}
    return json_response({"error": body}, status, headers)
