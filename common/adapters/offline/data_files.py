"""Data files shipped inside the offline providers' packages (their data/ folders)."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any


def load_toml(package: str, name: str) -> dict[str, Any]:
    """`package`'s data/<name> (e.g. "zh/lines.toml"), parsed; read when called, never at import."""
    return tomllib.loads((files(package) / "data" / name).read_text(encoding="utf-8"))
