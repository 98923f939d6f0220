"""Shared fixtures: a fresh embedded data dir per test, and services built on it; and how the
suite is laid out for parallel runs (pytest-xdist, `make test`).

Parallel runs (`-n auto --dist loadscope`) keep each work unit on one worker, so its fixtures (a
rendered project, a served Studio) are made once: a unit is a module, or the whole of
tests/browser. Units are handed out costliest first, from measured CPU seconds
(tests/support/scheduling.py), so the last ones a worker picks up are quick and no worker is left
alone with a long one at the end.

Tests that need a cloud stand-in (Firestore, Cloud Storage, Cloud Tasks) are marked `emulator`
here, from the fixtures and adapter parameters they use, so `make test-fast` can leave them out.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from common.bootstrap import Services, build_services
from common.config import Settings
from tests.support.scheduling import costliest_first, load_costs, make_scheduler

# Session fixtures that start the cloud stand-ins (each starts only when a test asks for it).
pytest_plugins = [
    "tests.support.firestore_emulator",
    "tests.support.storage_emulator",
    "tests.support.tasks_emulator",
    "tests.stubs.vertex_server",
]

# What makes a test need a cloud stand-in: one of these fixtures, or a contract fixture
# parametrized with one of these adapters (they look the emulator up lazily).
EMULATOR_FIXTURES = frozenset({
    "firestore_emulator", "storage_emulator", "tasks_emulator", "gcs_client", "gcs_bucket",
})  # fmt: skip
EMULATED_ADAPTERS = frozenset({"firestore", "gcs", "cloudtasks"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that need a cloud stand-in; put the costliest work units first."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        values = callspec.params.values() if callspec is not None else ()
        adapters = {value for value in values if isinstance(value, str)} & EMULATED_ADAPTERS
        if adapters or EMULATOR_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.emulator)
    costliest_first(items, load_costs())


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Loadscope hands out our work units (tests/browser whole), not bare modules."""
    return make_scheduler(config, log)


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Whatever a test does to the root logger (building the process's services or serving
    configures JSON logging for the whole process) is undone after it: with pytest-xdist a worker
    runs many modules, and a handler left behind would change what the next one sees."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers and not type(handler).__module__.startswith("_pytest"):
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _no_function_target_left() -> Iterator[None]:
    """functions_framework.create_app() sets FUNCTION_TARGET in the process's environment and
    leaves it there; a later test on the same pytest-xdist worker then runs "on Cloud Functions"
    for the GCP resource detector (tests/contract/test_cloud_observability.py failed so,
    depending on which modules its worker had run). Removed after every test."""
    yield
    os.environ.pop("FUNCTION_TARGET", None)


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
