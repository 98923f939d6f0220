"""Pages of a list: `?limit=&cursor=` in, `next_cursor` out, the same for every list route.

A cursor is opaque to clients: base64url of the last item's (created_at, id), so the next page
starts right after it whatever was added or removed meanwhile (newest first; items created in
the same instant are ordered by id). A cursor that does not decode is a 400 naming `cursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.errors import InvalidInputError

DEFAULT_LIMIT = 50
MAX_LIMIT = 100

T = TypeVar("T")


class PageQuery(StrictModel):
    """The query of a list route."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items in one page")
    cursor: str | None = Field(
        None, max_length=400, description="`next_cursor` of the page before; none = the first"
    )


NEXT_CURSOR = "pass as `cursor` for the next page; null on the last page"

Position = tuple[str, str]  # (created_at as stored, id)


def encode_cursor(position: Position) -> str:
    raw = json.dumps(list(position), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """The position a cursor names; InvalidInputError naming `cursor` when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, item = json.loads(raw)
        if isinstance(created, str) and isinstance(item, str):
            return created, item
    except (binascii.Error, ValueError, TypeError):
        pass
    why = "is not a cursor this list gave out: start again without one"
    raise InvalidInputError(f"cursor: {why}", fields={"cursor": why})


def page_of(
    items: Sequence[T], position: Callable[[T], Position], query: PageQuery
) -> tuple[list[T], str | None]:
    """One page of `items` (any order) newest first, after `query.cursor`, and the cursor of
    the next page (None on the last)."""
    ordered = sorted(items, key=position, reverse=True)
    if query.cursor is not None:
        after = decode_cursor(query.cursor)
        ordered = [item for item in ordered if position(item) < after]
    page = ordered[: query.limit]
    more = len(ordered) > query.limit
    return page, encode_cursor(position(page[-1])) if more and page else None
