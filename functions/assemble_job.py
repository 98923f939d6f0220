"""The Cloud Run job's main(): one task of assembling one job (`--job-id ID`) from storage.

An execution runs CLOUD_RUN_TASK_COUNT tasks: each encodes its share of the video's segments
and the one completing the set joins the video (common/services/pipeline/assembly_tasks.py).
Exit status 0 when this task's part is done (or the job had already ended well); 1 when the
job failed (the job document says why). A crash exits non-zero and Cloud Run runs the task
again (the job's max_retries).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping


def task_slot_values(env: Mapping[str, str]) -> dict[str, object]:
    """This task's place in its execution, from the variables Cloud Run sets in each task."""
    return {
        "index": int(env.get("CLOUD_RUN_TASK_INDEX", "0")),
        "count": int(env.get("CLOUD_RUN_TASK_COUNT", "1")),
        "attempt": int(env.get("CLOUD_RUN_TASK_ATTEMPT", "0")),
        "execution": env.get("CLOUD_RUN_EXECUTION", ""),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assemble_job")
    parser.add_argument("--job-id", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    from common.bootstrap import services
    from common.domain.assembly_tasks import TaskSlot
    from common.ports.tracing import TRACE_ENV
    from common.services.observability.delivery_spans import execution_span

    slot = TaskSlot.model_validate(task_slot_values(os.environ))
    svc = services()
    # The step that started this execution put its trace context in the environment.
    carrier = {header: os.environ[var] for header, var in TRACE_ENV.items() if os.environ.get(var)}
    with execution_span(svc.tracer, "assemble_job", args.job_id, carrier):
        job = svc.assembly_task.run(args.job_id, slot)
    return 1 if job.status == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
