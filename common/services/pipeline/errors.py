"""How the pipeline's failures are named: a job that already ended, and the error a failed step
leaves on its job (the stage from the step registry, the scene, the code and the reason)."""

from __future__ import annotations

from common.domain.commands import StepCommand
from common.domain.errors import ConflictError
from common.domain.job import JobError
from common.domain.steps import StepSpec


class JobFinishedError(ConflictError):
    """The job has already ended (done, failed or cancelled); `fields` carries its status."""

    code = "job_finished"

    def __init__(self, job_id: str, status: str) -> None:
        super().__init__(f"job {job_id} has already ended: {status}")
        self.fields = {"status": status}


class JobRunningError(ConflictError):
    """A job of the project is still running: one at a time per project (the creator watches
    it, or cancels it first). `fields.job_id` names it."""

    code = "job_running"

    def __init__(self, project_id: str, job_id: str) -> None:
        super().__init__(
            f"project {project_id} has a job running: {job_id}; wait for it or cancel it"
        )
        self.fields = {"job_id": job_id}


def step_failure(
    step: StepSpec, command: StepCommand, code: str, message: str, *, retryable: bool
) -> JobError:
    """The job's error for a step that failed for good: where (stage, scene) and what."""
    assert step.stage is not None, f"{step.name} is not a job step"
    return JobError(
        stage=step.stage, scene=command.scene_id, code=code, message=message, retryable=retryable
    )
