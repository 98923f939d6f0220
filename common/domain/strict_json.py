"""JSON input held to JSON's own types, which pydantic's lax mode would convert.

Lax validation is needed (query strings arrive as text: `?revision=3`), but in a JSON body it
reads `true` as 1 for an integer, `0` or `"yes"` as a boolean and `"5"` as a number, while the
API's schema promises "integer" and "boolean". `json_type_errors` walks the input along the
model's fields (nested models and lists of them included) before validation and names each
such field. `JsonObject` marks a dict parsed from a JSON body (functions/routing.py json_body):
only there are strings for numbers and booleans refused; a boolean for a number, or a number
for a boolean, is refused whatever the source.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

NUMBER = "must be a number"
BOOLEAN = "must be true or false"


class JsonObject(dict[str, Any]):
    """A JSON object exactly as a request body held it (its scalars are JSON's own types)."""


def _arms(annotation: Any) -> tuple[Any, ...]:
    """The types a field accepts (a Literal as the types of its values), None left out."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return tuple(a for arm in typing.get_args(annotation) for a in _arms(arm))
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(dict.fromkeys(type(v) for v in typing.get_args(annotation)))
    return () if annotation is type(None) else (annotation,)


def _models(arms: tuple[Any, ...]) -> list[type[BaseModel]]:
    return [a for a in arms if isinstance(a, type) and issubclass(a, BaseModel)]


def _list_items(arms: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(typing.get_args(a)[0] for a in arms if typing.get_origin(a) is list)


def _scalar_error(value: Any, arms: tuple[Any, ...], from_json: bool) -> str | None:
    numbers = int in arms or float in arms
    if isinstance(value, bool):
        return NUMBER if numbers and bool not in arms else None
    if isinstance(value, int | float):
        return BOOLEAN if bool in arms and not numbers else None
    if isinstance(value, str) and from_json and arms and set(arms) <= {int, float, bool}:
        return NUMBER if numbers else BOOLEAN
    return None


def json_type_errors(
    model: type[BaseModel], data: Any, *, from_json: bool | None = None, prefix: str = ""
) -> dict[str, str]:
    """Dotted paths of fields in `data` whose JSON type is not the one `model` declares."""
    if from_json is None:
        from_json = isinstance(data, JsonObject)
    found: dict[str, str] = {}
    if not isinstance(data, dict):
        return found
    for name, field in model.model_fields.items():
        if name not in data:
            continue
        value, path, arms = data[name], f"{prefix}{name}", _arms(field.annotation)
        error = _scalar_error(value, arms, from_json)
        if error:
            found[path] = error
        for nested in _models(arms):
            found.update(json_type_errors(nested, value, from_json=from_json, prefix=path + "."))
        items = _list_items(arms)
        if isinstance(value, list) and items:
            for index, element in enumerate(value):
                item_arms = tuple(a for item in items for a in _arms(item))
                error = _scalar_error(element, item_arms, from_json)
                if error:
                    found[f"{path}.{index}"] = error
                for nested in _models(item_arms):
                    found.update(
                        json_type_errors(
                            nested, element, from_json=from_json, prefix=f"{path}.{index}."
                        )
                    )
    return found
