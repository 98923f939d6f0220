"""What every DocumentStore adapter accepts, checked the same way everywhere: collection and
document names, JSON data, dotted field paths, and query filters. (SQLite stores JSON, so
Firestore is held to JSON too: both stores accept exactly the same input.)"""

from __future__ import annotations

import json
from typing import Any

from common.domain.errors import InvalidInputError

OPS = frozenset({"==", "<", "<=", ">", ">="})


def check_ref(collection: str, doc_id: str) -> None:
    """Collection and document ids: non-empty, without '/'."""
    for name, value in (("collection", collection), ("doc_id", doc_id)):
        check_name(value, name)


def check_name(value: str, name: str) -> None:
    if not value or "/" in value:
        raise InvalidInputError(
            f"bad {name} {value!r}", fields={name: "must be non-empty, without '/'"}
        )


def check_path(path: str, field_name: str) -> list[str]:
    """A dotted field path's names; none may be empty or hold a double quote."""
    names = path.split(".") if isinstance(path, str) else []
    if not names or not all(names) or any('"' in name for name in names):
        raise InvalidInputError(f"bad field path {path!r}", fields={field_name: str(path)})
    return names


def check_changes(changes: dict[str, Any]) -> None:
    for path in changes:
        check_path(path, "changes")


def check_filter(path: str, op: str, value: Any) -> None:
    """A where-clause: a field path, a known operator, a scalar value (null only with ==)."""
    if op not in OPS:
        raise InvalidInputError(f"unknown operator {op!r}", fields={"where": f"operator {op!r}"})
    check_path(path, "where")
    if value is None and op != "==":
        raise InvalidInputError("null only supports ==", fields={"where": f"{path} {op} None"})
    if value is not None and not isinstance(value, str | int | float | bool):
        raise InvalidInputError(
            f"cannot filter on a {type(value).__name__}",
            fields={"where": f"{path}: value must be str, int, float, bool or None"},
        )


def to_json(data: dict[str, Any], field_name: str = "data") -> str:
    """`data` as compact JSON text; a non-dict or non-JSON value names `field_name`."""
    if not isinstance(data, dict):
        raise InvalidInputError(f"{field_name} must be a dict", fields={field_name: "not a dict"})
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"{field_name} must be JSON", fields={field_name: str(exc)}
        ) from exc
