"""The Cloud Run job's main(): assemble one job (`--job-id ID`) from storage.

Exit status 0 when the job is done or was already finished; 1 when assembly failed (the job
document says why).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assemble_job")
    parser.add_argument("--job-id", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    from common.bootstrap import services
    from common.ports.tracing import TRACE_ENV
    from common.services.observability.delivery_spans import execution_span

    svc = services()
    # The step that started this execution put its trace context in the environment.
    carrier = {header: os.environ[var] for header, var in TRACE_ENV.items() if os.environ.get(var)}
    with execution_span(svc.tracer, "assemble_job", args.job_id, carrier):
        job = svc.assembler.run(args.job_id)
    return 0 if job.status == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
