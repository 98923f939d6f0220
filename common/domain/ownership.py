"""Whose a document is: one rule for every owner's project, job, schedule and series.

Another owner's document is reported missing (404), never forbidden (403): a caller cannot
tell an id that exists from one that does not, so ids leak nothing.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from common.domain.errors import NotFoundError


class Owned(Protocol):
    @property
    def owner(self) -> str: ...


T = TypeVar("T", bound=Owned)


def owned(item: T | None, owner: str, what: str, item_id: str) -> T:
    """`item` when it exists and `owner` owns it; NotFoundError ("job j1 not found") otherwise."""
    if item is None or item.owner != owner:
        raise NotFoundError(f"{what} {item_id} not found")
    return item
