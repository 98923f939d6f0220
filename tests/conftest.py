"""Shared fixtures: a fresh embedded data dir per test, and services built on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from common.bootstrap import Services, build_services
from common.config import Settings

# Session fixtures that start the cloud stand-ins (each starts only when a test asks for it).
pytest_plugins = [
    "tests.support.firestore_emulator",
    "tests.support.storage_emulator",
    "tests.support.tasks_emulator",
    "tests.stubs.vertex_server",
]


@pytest.fixture
def make_services(tmp_path: Path) -> Iterator[Callable[..., Services]]:
    """Build services on a temporary data dir; every built instance is closed after the test."""
    built: list[Services] = []

    def make(settings: dict[str, Any] | None = None, **overrides: Any) -> Services:
        values = {"data_dir": tmp_path / "data", "progress_interval_s": 0.0, **(settings or {})}
        svc = build_services(Settings.from_env({}, **values), **overrides)
        built.append(svc)
        return svc

    yield make
    for svc in built:
        svc.close()
