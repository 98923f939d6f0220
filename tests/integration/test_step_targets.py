"""Step targets at the HTTP edge, through functions-framework: Cloud Tasks headers in, 2xx when
the task is finished with, 503 + Retry-After while a retry can help."""

from __future__ import annotations

import functions_framework
import pytest

from common.bootstrap import install
from common.domain import steps
from common.domain.assets import Narration, NarrationRequest
from common.domain.commands import CreateProject, StartJob
from common.domain.errors import ProviderError
from common.services.accounts.step_callers import TASK_SECRET_HEADER, process_task_secret
from tests.support.fakes import RecordingQueue

# What the pipeline's queue sends locally (common/services/accounts/step_callers.py).
QUEUE = {TASK_SECRET_HEADER: process_task_secret()}


class BusyNarrator:
    """The voice provider answers 429 (retryable) every time."""

    id = "busy-narrator/1"
    uses_context = False

    def narrate(self, request: NarrationRequest) -> Narration:
        raise ProviderError("too_many_concurrent_requests", provider=self.id, retryable=True)


@pytest.fixture
def narration_task(make_services):
    """A job whose story exists, and the step_narration task for its first scene."""
    queue = RecordingQueue()
    svc = make_services({"max_attempts": 3}, queue=queue, voice=BusyNarrator())
    install(svc)
    project = svc.projects.create("u1", CreateProject(prompt="A cat learns to fly"))
    job = svc.pipeline.start("u1", StartJob(project_id=project.id))
    from common.ports import Delivery

    for target in ("step_script", "step_references"):
        task = next(t for t in queue.tasks if t.target == target)
        svc.pipeline.handle(steps.BY_NAME[target], _command(task.payload), Delivery())
    task = next(t for t in queue.tasks if t.target == "step_narration")
    client = functions_framework.create_app("step_narration", "main.py").test_client()
    yield svc, job.id, task, client
    install(None)


def _command(payload):
    from common.domain.commands import StepCommand, parse

    return parse(StepCommand, payload)


def test_a_retryable_failure_answers_503_with_retry_after_and_leaves_the_job_running(
    narration_task,
):
    svc, job_id, task, client = narration_task
    response = client.post(
        "/",
        json=task.payload,
        headers={**QUEUE, "X-CloudTasks-TaskRetryCount": "0", "X-CloudTasks-TaskName": "t"},
    )
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert svc.jobs.get(job_id).status == "running"


def test_the_last_attempt_records_the_failure_and_answers_2xx_so_the_queue_stops(narration_task):
    svc, job_id, task, client = narration_task
    retry = {**QUEUE, "X-CloudTasks-TaskRetryCount": "2"}
    response = client.post("/", json=task.payload, headers=retry)
    assert response.status_code == 200
    job = svc.jobs.get(job_id)
    assert job.status == "failed"
    assert (job.error.stage, job.error.scene, job.error.retryable) == (
        "scenes",
        task.payload["scene_id"],
        True,
    )


def test_a_malformed_or_forged_task_is_acknowledged_and_changes_nothing(narration_task):
    svc, job_id, task, client = narration_task
    before = svc.jobs.get(job_id)
    oops = client.post("/", data=b"{oops", content_type="application/json", headers=QUEUE)
    assert oops.status_code == 200
    forged = {"job_id": "not-a-job", "scene_id": task.payload["scene_id"]}
    assert client.post("/", json=forged, headers=QUEUE).status_code == 200
    assert svc.jobs.get(job_id) == before
