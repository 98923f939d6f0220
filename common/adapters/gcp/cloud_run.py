"""CloudRunJobRunner: the JobRunner port as a Cloud Run job execution (the assembly container).

Assembly runs ffmpeg for minutes, longer than a step function should hold a request, so the
assembly step only starts an execution of the job with ``--job-id`` and returns. The
execution reports through the job document, so nothing waits on the returned operation.
Only this module imports the Cloud Run SDK.
"""

from __future__ import annotations

import logging

from google.cloud import run_v2

from common.adapters.gcp.api_errors import SDK_ERRORS, api_error
from common.domain.errors import InvalidInputError
from common.ports.tasks import TraceContext
from common.ports.tracing import TRACE_ENV

log = logging.getLogger(__name__)

CALL_TIMEOUT_S = 30.0  # the SDK's default is no timeout; a step must not hang on the API

# The REST transport's connection errors (requests) are OSErrors.
_SDK_ERRORS: tuple[type[Exception], ...] = (*SDK_ERRORS, OSError)


class CloudRunJobRunner:
    """Starts an execution of the Cloud Run job `job` for one Story-Genius job; never waits.

    The SDK client is built on first use unless one is given (tests pass a REST client pointed
    at a stub server). `trace_context` gives the W3C trace context of the span starting the
    execution: it goes into the container's environment (TRACEPARENT, TRACESTATE, as
    OpenTelemetry's environment carrier names them), so the assembly continues the job's trace.
    """

    def __init__(
        self,
        *,
        project: str,
        region: str,
        job: str,
        client: run_v2.JobsClient | None = None,
        trace_context: TraceContext | None = None,
    ) -> None:
        given = {"project": project, "region": region, "job": job}
        missing = {name: "required" for name, value in given.items() if not value}
        if missing:
            raise InvalidInputError("Cloud Run job settings are incomplete", fields=missing)
        self.job_name = f"projects/{project}/locations/{region}/jobs/{job}"
        self._client = client
        self._trace_context = trace_context

    @property
    def client(self) -> run_v2.JobsClient:
        if self._client is None:
            self._client = run_v2.JobsClient()
        return self._client

    def run_assembly(self, job_id: str, tasks: int = 1) -> None:
        """Start an execution of `tasks` tasks with ``--job-id job_id``; returns once Cloud Run
        accepted it. Each task learns its share from CLOUD_RUN_TASK_INDEX and _COUNT; the
        job's `parallelism` (Terraform) lets them all run at once."""
        if not job_id:
            raise InvalidInputError("a job id is required", fields={"job_id": "required"})
        if tasks < 1:
            raise InvalidInputError("an execution needs a task", fields={"tasks": "at least 1"})
        override = run_v2.RunJobRequest.Overrides.ContainerOverride(args=["--job-id", job_id])
        trace = dict(self._trace_context()) if self._trace_context is not None else {}
        for header, value in trace.items():
            if header in TRACE_ENV:
                override.env.append(run_v2.EnvVar(name=TRACE_ENV[header], value=value))
        request = run_v2.RunJobRequest(
            name=self.job_name,
            overrides=run_v2.RunJobRequest.Overrides(
                container_overrides=[override], task_count=tasks
            ),
        )
        try:
            # run_job answers with a long-running operation at once; the execution reports
            # through the job document, so the operation is not awaited (nor polled).
            operation = self.client.run_job(request=request, timeout=CALL_TIMEOUT_S)
        except _SDK_ERRORS as exc:
            doing = f"starting {self.job_name} for {job_id}"
            raise api_error(exc, service="Cloud Run", provider="cloud_run", doing=doing) from exc
        log.info("assembly of %s started in %d tasks: %s", job_id, tasks, operation.operation.name)
