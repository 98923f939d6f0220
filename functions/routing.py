"""The API's route registry and what every route shares: the call a handler gets, reading a JSON
body, dumping models.

Route modules (functions/routes/) register handlers with `@route(...)`, which records their body,
query and response models: `functions/api.py` dispatches on `ROUTES` and `GET /v1/openapi.json`
describes it (functions/openapi.py). The router parses the body and the query string into the
declared models once, before the handler runs, and hands them over in a `Call`; a handler
returns a `Response` and raises StoryGeniusError subclasses for everything the caller got wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Request
from pydantic import BaseModel

from common.bootstrap import Services
from common.domain.base import StrictModel
from common.domain.errors import InvalidInputError, PayloadTooLargeError
from common.domain.strict_json import JsonObject
from functions.openapi import Handler, Route

MAX_BODY_BYTES = 256 * 1024

ROUTES: list[Route] = []

BodyT = TypeVar("BodyT")
QueryT = TypeVar("QueryT")


class NoQuery(StrictModel):
    """The query of a route that declares none: it takes no parameters."""


@dataclass(frozen=True)
class Call(Generic[BodyT, QueryT]):
    """One request as a route handler sees it: the caller, the path parameters, the body and
    query already parsed into the route's models (None for a route without a body), and the
    process's services (`svc`, built on first use: a public route that needs none, such as
    /v1/health, builds nothing)."""

    request: Request
    services: Callable[[], Services]
    owner: str
    params: Mapping[str, str]
    body: BodyT
    query: QueryT

    @property
    def svc(self) -> Services:
        return self.services()


def route(
    method: str,
    path: str,
    *,
    body: type[StrictModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    headers: tuple[str, ...] = (),
    public: bool = False,
    query: type[StrictModel] | None = None,
    media_type: str = "application/json",
    raw_body: tuple[str, ...] = (),
) -> Callable[[Handler], Handler]:
    """Register the decorated handler for `method path` ({name} segments are path parameters),
    with what the OpenAPI document says about it (`body`/`query`: the models the router parses
    into `Call.body`/`Call.query`; `media_type`: what its success answer is; `raw_body`: the
    media types of a non-JSON body, which the handler reads and limits itself: MAX_BODY_BYTES
    does not apply to it)."""

    def register(fn: Handler) -> Handler:
        ROUTES.append(
            Route(
                method,
                path,
                fn,
                body,
                response,
                status,
                errors,
                headers,
                public=public,
                query=query,
                media_type=media_type,
                raw_body=raw_body,
            )
        )
        return fn

    return register


class BodyTooLargeError(PayloadTooLargeError):
    """A JSON body over MAX_BODY_BYTES."""

    def __init__(self) -> None:
        super().__init__(f"the request body is larger than {MAX_BODY_BYTES // 1024} KB")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_body(request: Request) -> Any:
    """The request's JSON body. Reads at most MAX_BODY_BYTES + 1 bytes, whatever the
    Content-Length said (a chunked body has none)."""
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise BodyTooLargeError()
    if not request.is_json:
        raise InvalidInputError(
            "send a JSON object with Content-Type: application/json", fields={"body": "not JSON"}
        )
    try:
        value = json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise InvalidInputError(
            "request body must be a JSON object", fields={"body": "not JSON"}
        ) from exc
    # Marked as JSON: parse() then refuses "5" for a number or 0 for a boolean.
    return JsonObject(value) if isinstance(value, dict) else value


def dump(model: BaseModel) -> Any:
    return model.model_dump(mode="json")
