"""How a parallel run hands out its work units (tests/support/scheduling.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from tests.support.scheduling import (
    costliest_first,
    load_costs,
    shared_units,
    unit_costs,
    work_unit,
)


@dataclass
class _Item:
    """The two things the ordering reads from a collected test."""

    nodeid: str
    slow: bool = False

    def get_closest_marker(self, name: str) -> object | None:
        return object() if name == "slow" and self.slow else None


def _items(*specs: str) -> list[pytest.Item]:
    return cast(
        list[pytest.Item],
        [_Item(spec.removesuffix(" slow"), spec.endswith(" slow")) for spec in specs],
    )


def _ids(items: list[Any]) -> list[str]:
    return [item.nodeid for item in items]


def test_every_browser_test_is_one_work_unit_and_any_other_test_its_module_s() -> None:
    assert work_unit("tests/browser/test_walk.py::test_a") == "tests/browser/"
    assert work_unit("tests/browser/test_studio.py::test_b[x]") == "tests/browser/"
    assert work_unit("tests/e2e/test_cli.py::test_c") == "tests/e2e/test_cli.py"
    assert work_unit("tests/unit/test_x.py::TestK::test_d") == "tests/unit/test_x.py"


def test_the_costliest_units_come_first_each_whole_and_in_its_own_order() -> None:
    items = _items(
        "tests/unit/test_a.py::one",
        "tests/e2e/test_b.py::one slow",
        "tests/e2e/test_b.py::two slow",
        "tests/browser/test_c.py::one slow",
        "tests/browser/test_d.py::one slow",
        "tests/e2e/test_e.py::one slow",
    )
    costs = {
        "tests/unit/test_a.py": 0.5,
        "tests/e2e/test_b.py": 20.0,
        "tests/browser/test_c.py": 15.0,
        "tests/browser/test_d.py": 10.0,
        "tests/e2e/test_e.py": 30.0,
    }
    costliest_first(items, costs)
    assert _ids(items) == [
        "tests/e2e/test_e.py::one",  # 30 s
        "tests/browser/test_c.py::one",  # the browser unit: 15 + 10 s
        "tests/browser/test_d.py::one",
        "tests/e2e/test_b.py::one",  # 20 s
        "tests/e2e/test_b.py::two",
        "tests/unit/test_a.py::one",
    ]


def test_a_module_not_measured_counts_as_the_median_module_if_slow_else_as_nothing() -> None:
    items = _items(
        "tests/unit/test_new_quick.py::one",
        "tests/e2e/test_new_slow.py::one slow",
        "tests/e2e/test_x.py::one slow",
        "tests/e2e/test_y.py::one slow",
        "tests/e2e/test_z.py::one slow",
    )
    costs = {"tests/e2e/test_x.py": 2.0, "tests/e2e/test_y.py": 8.0, "tests/e2e/test_z.py": 40.0}
    assert unit_costs(items, costs)["tests/e2e/test_new_slow.py"] == 8.0
    assert unit_costs(items, costs)["tests/unit/test_new_quick.py"] == 0.0
    costliest_first(items, costs)
    assert _ids(items)[:2] == ["tests/e2e/test_z.py::one", "tests/e2e/test_new_slow.py::one"]


def test_units_of_equal_cost_keep_the_collection_order() -> None:
    items = _items(
        "tests/unit/test_b.py::one", "tests/unit/test_a.py::one", "tests/unit/test_b.py::two"
    )
    costliest_first(items, {})
    # test_b came first; its second test (collected after test_a's) joins it
    assert _ids(items) == [
        "tests/unit/test_b.py::one",
        "tests/unit/test_b.py::two",
        "tests/unit/test_a.py::one",
    ]


def test_the_costs_file_is_read_as_seconds_per_module_and_a_missing_one_is_no_costs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "costs.json"
    path.write_text(json.dumps({"tests/e2e/test_x.py": 12.5}), encoding="utf-8")
    assert load_costs(path) == {"tests/e2e/test_x.py": 12.5}
    assert load_costs(tmp_path / "missing.json") == {}


def test_the_browser_tests_stay_one_unit_only_while_they_cost_at_most_half_of_the_suite() -> None:
    costs = {
        "tests/browser/test_a.py": 30.0,
        "tests/browser/test_b.py": 20.0,
        "tests/e2e/x.py": 50.0,
    }
    assert shared_units(costs) == ("tests/browser/",)
    costs["tests/e2e/x.py"] = 49.0  # the browser tests now cost more than half
    assert shared_units(costs) == ()
    items = _items("tests/browser/test_a.py::one slow", "tests/browser/test_b.py::one slow")
    assert set(unit_costs(items, costs)) == {"tests/browser/test_a.py", "tests/browser/test_b.py"}
    assert (
        work_unit("tests/browser/test_a.py::one", shared_units(costs)) == "tests/browser/test_a.py"
    )
