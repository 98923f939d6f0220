"""How `make test` hands the suite out to its pytest-xdist workers: costliest work first.

A work unit is what one worker runs whole, so the fixtures it shares are made once: a module,
except the Studio's browser tests, which are one unit (each worker that ran any would start its
own served Studio and Chromium) while they cost at most half of the suite (more, and the worker
running them would finish last, alone: then each module is a unit again). Units are handed out
heaviest first (longest-processing-time first: the last units a worker picks up are quick, so no
worker is left alone with a long one at the end). A unit's cost is the CPU seconds its modules
took in a measured run, kept in `module_costs.json` (`python -m tests.support.cpu_report --costs
FOLDER` writes it); a module not measured yet counts as the median measured module if it has a
slow test, else as nothing.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import pytest

COSTS_FILE = Path(__file__).with_name("module_costs.json")

# Every test under these folders is one work unit (while it costs at most half of the suite).
SHARED_UNITS = ("tests/browser/",)


def shared_units(costs: Mapping[str, float]) -> tuple[str, ...]:
    """The folders of SHARED_UNITS kept whole: those that cost at most half of all modules."""
    total = sum(costs.values())
    return tuple(
        unit
        for unit in SHARED_UNITS
        if sum(cost for module, cost in costs.items() if module.startswith(unit)) <= total / 2
    )


def work_unit(nodeid: str, shared: tuple[str, ...] = SHARED_UNITS) -> str:
    """The work unit of a test id: its module, or the folder of a shared unit."""
    module = nodeid.split("::", 1)[0]
    return next((unit for unit in shared if module.startswith(unit)), module)


def load_costs(path: Path = COSTS_FILE) -> dict[str, float]:
    """Measured CPU seconds per module ({} when the file is missing)."""
    if not path.is_file():
        return {}
    return {str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def unit_costs(items: list[pytest.Item], costs: Mapping[str, float]) -> dict[str, float]:
    """Each work unit's cost: the sum of its modules' measured costs, or the guess for one
    not measured (the median measured module if it has a slow test)."""
    shared = shared_units(costs)
    modules: dict[str, set[str]] = defaultdict(set)
    slow: set[str] = set()
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        modules[work_unit(item.nodeid, shared)].add(module)
        if item.get_closest_marker("slow"):
            slow.add(module)
    guess = statistics.median(costs.values()) if costs else 1.0
    return {
        unit: sum(costs.get(m, guess if m in slow else 0.0) for m in members)
        for unit, members in modules.items()
    }


def costliest_first(items: list[pytest.Item], costs: Mapping[str, float]) -> None:
    """Sort `items` in place so the work units come costliest first; within a unit the
    collection order stays (a sort on the unit's cost alone is stable), and units of equal
    cost keep theirs."""
    shared = shared_units(costs)
    per_unit = unit_costs(items, costs)
    units = {item.nodeid: work_unit(item.nodeid, shared) for item in items}
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(units[item.nodeid], index)
    items.sort(key=lambda item: (-per_unit[units[item.nodeid]], first_seen[units[item.nodeid]]))


def make_scheduler(config: pytest.Config, log: object) -> object | None:
    """xdist's loadscope scheduler with our work units (None for any other --dist mode)."""
    if config.getoption("dist", "no") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    shared = shared_units(load_costs())  # the workers order their collection from the same file

    class WorkUnitScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid, shared)

    return WorkUnitScheduling(config, log)
