"""The Cloud Run job's main(): assemble one job (`--job-id ID`) from storage.

Exit status 0 when the job is done or was already finished; 1 when assembly failed (the job
document says why).
"""

from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assemble_job")
    parser.add_argument("--job-id", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    from common.bootstrap import services

    job = services().assembler.run(args.job_id)
    return 0 if job.status == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
