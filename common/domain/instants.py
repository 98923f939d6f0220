"""Instants as every document stores them: UTC, to the second, as fixed-width ISO text
(`2026-03-29T08:00:00Z`), so range queries comparing text compare time in every store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer


def stamp(value: datetime) -> str:
    """`value` as fixed-width UTC text to the second (what stored times and queries compare)."""
    return to_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime without microseconds (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


# A UTC instant to the second, serialised as fixed-width text.
Instant = Annotated[
    datetime, AfterValidator(to_utc), PlainSerializer(stamp, return_type=str, when_used="json")
]
