"""The route registry's shape and the OpenAPI 3.1 document built from it.

`functions/api.py` registers every route as a `Route` (method, path, handler, the pydantic models
of its body, query parameters and response, its status, its headers); the router dispatches on
that registry and `openapi_document()` describes the same registry, so the document cannot drift
from the routes.
Schemas come from the pydantic models (`models_json_schema`, refs under
`#/components/schemas/`), which OpenAPI 3.1 takes as JSON Schema 2020-12.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from common.domain.base import StrictModel
from common.domain.paging import NEXT_CURSOR
from common.domain.project import Project
from functions.http import Response

if TYPE_CHECKING:
    from functions.routing import Call

# A route handler: the call (functions/routing.py) in, the answer out.
Handler = Callable[["Call[Any, Any]"], Response]

# What a path parameter ({project_id}, {job_id}) may hold; the router matches the same pattern.
ID_PATTERN = r"[A-Za-z0-9_-]{1,64}"
REF = "#/components/schemas/{model}"
SECURITY_SCHEME = "bearer"

# Header parameters a route may declare, by header name.
HEADERS: dict[str, dict[str, Any]] = {
    "Idempotency-Key": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": (
            "Makes the request safe to retry: the same key from the same user returns the "
            "job of the first request (202) instead of starting another, for 24 hours. "
            "A key reused for a different request is a 400."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    }
}

EVENTS = "text/event-stream"

# Every error answer has one shape; these are the statuses a route may declare.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "invalid input; `fields` names each bad field and what is wrong with it"),
    401: ("Unauthenticated", "missing or invalid `Authorization: Bearer` token"),
    402: (
        "PaymentRequired",
        "`insufficient_credits` or `quota_exceeded`: the job's estimate does not fit the credit "
        "or today's limits; `fields` gives the shortfall",
    ),
    403: ("Forbidden", "`read_only`: the resource may be read but not changed (a built-in)"),
    404: ("NotFound", "no such resource for this user (another user's is reported the same)"),
    409: (
        "Conflict",
        "the resource's state does not allow this (stale revision, job ended, `job_running`: "
        "another job of the project runs, its id in `fields.job_id`)",
    ),
    413: ("PayloadTooLarge", "the request body is larger than the API accepts"),
    429: ("TooManyRequests", "`rate_limited`: this user's budget is spent; see `Retry-After`"),
}


class ErrorDetail(StrictModel):
    code: str = Field(description="machine-readable error code, e.g. invalid_argument")
    message: str = Field(description="what went wrong, for people")
    fields: dict[str, str] = Field(
        default_factory=dict, description="bad input fields (dotted paths) and what is wrong"
    )


class ErrorResponse(StrictModel):
    """The body of every error answer."""

    error: ErrorDetail


class Health(StrictModel):
    status: Literal["ok"] = "ok"


class ProjectList(StrictModel):
    """One page of the caller's projects, newest first."""

    projects: list[Project]
    next_cursor: str | None = Field(None, description=NEXT_CURSOR)


class JobAccepted(StrictModel):
    """A job was started (or, for a repeated Idempotency-Key, the earlier one is returned)."""

    job_id: str


@dataclass(frozen=True)
class Route:
    """One operation of the API: how the router matches it and how the document describes it."""

    method: str
    path: str
    handler: Handler
    body: type[StrictModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    headers: tuple[str, ...] = ()
    public: bool = False
    query: type[StrictModel] | None = None
    media_type: str = "application/json"
    # Media types of a raw (non-JSON) request body the handler reads and limits itself.
    raw_body: tuple[str, ...] = ()
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"{(\w+)}", rf"(?P<\1>{ID_PATTERN})", self.path)
        object.__setattr__(self, "regex", re.compile(f"^{pattern}$"))

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def error_statuses(self) -> list[int]:
        """The declared errors plus those every route of this kind can answer."""
        implied = set(self.errors)
        if self.body is not None:
            implied |= {400, 413}
        if self.raw_body:
            implied |= {400, 413}
        # Every route refuses query parameters it does not know (400 naming them).
        implied.add(400)
        if self.path_params:
            implied.add(404)
        if not self.public:
            implied.add(401)
            if self.method in ("POST", "PATCH", "DELETE", "PUT") or self.media_type == EVENTS:
                implied.add(429)  # per-user rate limits (common/services/accounts/rate_limit.py)
        return sorted(implied)


def openapi_document(routes: Sequence[Route], *, title: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `routes`, schemas generated from their pydantic models."""
    from pydantic.json_schema import JsonSchemaMode, models_json_schema

    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorResponse, "serialization")]
    for r in routes:
        if r.body is not None:
            wanted.append((r.body, "validation"))
        if r.response is not None:
            wanted.append((r.response, "serialization"))
    unique = list(dict.fromkeys(wanted))
    refs, schemas = models_json_schema(unique, ref_template=REF)

    error_content = {"application/json": {"schema": refs[ErrorResponse, "serialization"]}}
    paths: dict[str, dict[str, Any]] = {}
    for r in routes:
        paths.setdefault(r.path, {})[r.method.lower()] = _operation(r, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "responses": {
                name: {"description": description, "content": error_content}
                for name, description in ERRORS.values()
            },
            "parameters": {_param_name(h): spec for h, spec in HEADERS.items()},
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "A Firebase ID token; the local server also accepts `dev:<uid>`."
                    ),
                }
            },
        },
        "security": [{SECURITY_SCHEME: []}],
    }


def _operation(r: Route, refs: Mapping[tuple[Any, Any], dict[str, Any]]) -> dict[str, Any]:
    doc = inspect.getdoc(r.handler) or r.handler.__name__
    summary, _, description = doc.partition("\n")
    op: dict[str, Any] = {
        "operationId": r.handler.__name__,
        "summary": summary.strip(),
        "tags": [r.path.split("/")[2].split(".")[0]],
    }
    if description.strip():
        op["description"] = description.strip()
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": f"^{ID_PATTERN}$"},
        }
        for name in r.path_params
    ]
    if r.query is not None:
        parameters += _query_parameters(r.query)
    parameters += [{"$ref": f"#/components/parameters/{_param_name(h)}"} for h in r.headers]
    if parameters:
        op["parameters"] = parameters
    if r.raw_body:
        op["requestBody"] = {
            "required": True,
            "content": {t: {"schema": {"contentMediaType": t}} for t in r.raw_body},
        }
    if r.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[r.body, "validation"]}},
        }
    success: dict[str, Any] = {"description": _STATUS_TEXT.get(r.status, "success")}
    if r.status != 204:
        schema = {"type": "object"} if r.response is None else refs[r.response, "serialization"]
        if r.media_type == EVENTS:
            # A stream of events, each event's `data:` one response document (JSON).
            stream = {"type": "string", "description": "server-sent events (text/event-stream)"}
            success["content"] = {r.media_type: {"schema": stream, "x-event-data": schema}}
        else:
            success["content"] = {r.media_type: {"schema": schema}}
    op["responses"] = {str(r.status): success} | {
        str(code): {"$ref": f"#/components/responses/{ERRORS[code][0]}"}
        for code in r.error_statuses
    }
    if r.public:
        op["security"] = []
    return op


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """One query parameter per field of `model` (flat fields only: a query string is flat)."""
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        description = prop.pop("description", None)
        prop.pop("title", None)
        if description:
            param["description"] = description
        param["schema"] = prop
        parameters.append(param)
    return parameters


def _param_name(header: str) -> str:
    return header.replace("-", "")


_STATUS_TEXT = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content"}
