"""Every step delivery writes one structured log line Cloud Logging reads: severity, message,
labels (job, step, stage, scene) and latency, in-process and through the HTTP step target."""

from __future__ import annotations

import io
import json
import logging

import functions_framework
import pytest

from common.domain.commands import CreateProject, StartJob
from common.logs import JsonFormatter, configure_json_logging
from common.ports import Delivery
from common.services.accounts.step_callers import TASK_SECRET_HEADER, process_task_secret
from tests.support.api import installed
from tests.support.fakes import RecordingQueue


@pytest.fixture
def lines():
    """What the step logger writes, formatted as in the cloud."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("storygenius.steps")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


@pytest.fixture
def job(make_services):
    queue = RecordingQueue()
    svc = make_services(queue=queue)
    project = svc.projects.create("u1", CreateProject(prompt="A cat learns to fly"))
    job = svc.pipeline.start("u1", StartJob(project_id=project.id))
    return svc, queue, job


def test_a_step_writes_one_json_line_with_job_stage_scene_and_latency(job, lines):
    svc, queue, started = job
    svc.steps.run("step_script", {"job_id": started.id}, Delivery(attempt=2))
    svc.steps.run("step_references", {"job_id": started.id}, Delivery())
    narration = next(t for t in queue.tasks if t.target == "step_narration")
    svc.steps.run("step_narration", narration.payload, Delivery())

    script, references, voice = lines()
    assert script["severity"] == "INFO"
    assert script["message"].startswith("step_script ok in ")
    assert (script["step"], script["job_id"], script["stage"], script["attempt"]) == (
        "step_script",
        started.id,
        "script",
        2,
    )
    assert script["outcome"] == "ok" and script["latency_ms"] >= 0
    assert script["logging.googleapis.com/labels"] == {
        "job_id": started.id,
        "step": "step_script",
        "stage": "script",
    }
    assert references["stage"] == "references"
    assert (voice["stage"], voice["scene"]) == ("scenes", narration.payload["scene_id"])
    assert voice["logging.googleapis.com/labels"]["scene"] == narration.payload["scene_id"]


def test_the_http_step_target_logs_through_the_same_dispatch(job, lines):
    svc, _, started = job
    with installed(svc):
        client = functions_framework.create_app("step_script", "main.py").test_client()
        headers = {TASK_SECRET_HEADER: process_task_secret(), "X-CloudTasks-TaskRetryCount": "0"}
        assert client.post("/", json={"job_id": started.id}, headers=headers).status_code == 200
        assert client.post("/", json={"job": "?"}, headers=headers).status_code == 200  # dropped
    done, dropped = lines()
    assert (done["step"], done["job_id"], done["outcome"]) == ("step_script", started.id, "ok")
    assert dropped["severity"] == "WARNING" and dropped["outcome"] == "dropped"


def test_a_step_publish_line_names_its_schedule(job, lines):
    svc, _, _ = job
    svc.steps.run("step_publish", {"schedule_id": "no-such-schedule"}, Delivery())
    [line] = lines()
    assert (line["step"], line["schedule_id"], line["outcome"]) == (
        "step_publish",
        "no-such-schedule",
        "ok",
    )


def test_json_logging_replaces_the_handlers_once(capsys):
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        # From a process that has not configured JSON logging yet (another module on this
        # worker may have built the process's services, which configures it).
        root.handlers[:] = [h for h in root.handlers if not isinstance(h.formatter, JsonFormatter)]
        configure_json_logging()
        configure_json_logging()  # idempotent
        assert len(root.handlers) == 1
        logging.getLogger("storygenius.test").warning("hello %s", "there", extra={"job_id": "j1"})
        entry = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert (entry["severity"], entry["message"], entry["job_id"]) == (
            "WARNING",
            "hello there",
            "j1",
        )
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
