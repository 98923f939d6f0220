"""The step registry (common/domain/steps.py) is the only place a step is named: main.py's
targets, the step router, the pipeline's handlers and the Cloud Tasks queue map derive from it."""

from __future__ import annotations

import re
from pathlib import Path

import functions_framework
import pytest

from common.adapters.gcp.cloud_tasks import QUEUE_CLASSES, queue_id
from common.domain import steps
from common.domain.commands import StepCommand
from common.ports import Delivery
from common.services.pipeline.step_router import StepRouter
from functions.steps import STEPS

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "common" / "domain" / "steps.py"
STEP_NAME = re.compile(r"\bstep_(?:" + "|".join(s.name[5:] for s in steps.STEPS) + r")\b")


def spelled_step_names(paths: list[Path]) -> list[str]:
    """`path:line: name` for every step name written out in these files (code, strings,
    comments alike): outside the registry each is a copy that can drift from it."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {m}" for m in STEP_NAME.findall(line)]
    return found


def product_sources() -> list[Path]:
    files = [
        ROOT / "main.py",
        *(ROOT / "common").rglob("*.py"),
        *(ROOT / "functions").rglob("*.py"),
    ]
    return [f for f in files if f != REGISTRY]


def test_every_step_has_a_name_of_its_own_and_every_ledger_kind_one_step():
    names = [s.name for s in steps.STEPS]
    assert len(set(names)) == len(names)
    assert all(STEP_NAME.fullmatch(n) for n in names)
    kinds = [s.ledger for s in steps.STEPS if s.ledger is not None]
    assert len(set(kinds)) == len(kinds) == len(steps.PIPELINE_STEPS)


def test_no_step_name_is_spelled_outside_the_registry():
    assert spelled_step_names(product_sources()) == []


def test_a_step_name_spelled_elsewhere_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    copy = tmp_path / "router.py"
    copy.write_text('HANDLERS = {\n    "step_clip": run_clip,  # step_clipped is another word\n}\n')
    assert spelled_step_names([copy]) == ["router.py:2: step_clip"]


@pytest.mark.parametrize("step", STEPS)
def test_functions_framework_finds_every_step_as_an_http_target_of_main(step):
    app = functions_framework.create_app(step, str(ROOT / "main.py"))
    client = app.test_client()
    # No task secret: the step refuses the caller, which proves the request reached it.
    assert client.post("/", json={"job_id": "j"}).status_code in (401, 403)


def test_queue_classes_are_the_registrys():
    assert {s.name: s.queue for s in steps.STEPS} == QUEUE_CLASSES
    assert queue_id("sg", steps.CLIP.name) == "sg-video"
    assert queue_id("sg", "not_a_step") == "sg-default"


def test_the_router_is_not_built_with_a_step_left_without_a_handler():
    handlers = {spec: (lambda command, delivery: None) for spec in steps.STEPS}
    del handlers[steps.PUBLISH]
    with pytest.raises(ValueError, match="step_publish"):
        StepRouter(handlers)


def test_the_router_hands_each_step_its_payload_model(make_services):
    seen = []
    router = StepRouter({spec: lambda c, d, s=spec: seen.append((s, c)) for spec in steps.STEPS})
    router.run(steps.CLIP.name, {"job_id": "j1", "scene_id": "s01", "poll": 2}, Delivery())
    router.run(steps.PUBLISH.name, {"schedule_id": "sched1"}, Delivery())
    assert seen[0] == (steps.CLIP, StepCommand(job_id="j1", scene_id="s01", poll=2))
    assert seen[1][0] is steps.PUBLISH and seen[1][1].schedule_id == "sched1"


def test_the_pipeline_binds_a_handler_to_every_pipeline_step(make_services):
    svc = make_services()
    assert set(svc.pipeline.handlers) == set(steps.PIPELINE_STEPS)
    assert steps.PUBLISH not in svc.pipeline.handlers
