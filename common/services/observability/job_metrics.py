"""Job metrics: how long each stage of a job took, which stage failed, what a video cost.

Measured once per job, when it ends (JobRepository's end hook, after the write that ended it):
a stage's latency from the job's own stage timings, the whole job's latency, a failure counted
by the stage and error code the job names, and a finished video's actual provider cost. Labels
are low-cardinality on purpose (stage, kind, status, code): never a job, owner or scene id.
"""

from __future__ import annotations

import logging

from common.domain.job import Job
from common.ports.metrics import NULL_METRICS, Metrics

log = logging.getLogger(__name__)

STAGE_LATENCY = "storygenius.job.stage.duration"
JOB_LATENCY = "storygenius.job.duration"
FAILURES = "storygenius.job.failures"
VIDEO_COST = "storygenius.video.cost"


class JobMetrics:
    def __init__(self, metrics: Metrics = NULL_METRICS) -> None:
        self._metrics = metrics

    def job_ended(self, job: Job) -> None:
        """Measure a job that has just ended (done, failed or cancelled)."""
        metrics = self._metrics
        common = {"kind": job.kind, "status": job.status}
        for stage, timing in job.timings.items():
            if timing.finished_at is not None:
                seconds = (timing.finished_at - timing.started_at).total_seconds()
                metrics.record(
                    STAGE_LATENCY, seconds, unit="s", attributes={**common, "stage": stage}
                )
        ended = job.finished_at or job.updated_at
        total = (ended - job.created_at).total_seconds()
        metrics.record(JOB_LATENCY, total, unit="s", attributes=common)
        if job.status == "failed" and job.error is not None:
            failure = {"kind": job.kind, "stage": job.error.stage, "code": job.error.code}
            metrics.count(FAILURES, attributes=failure)
        if job.status == "done":
            usd = sum(line.actual_usd for line in job.cost.values())
            metrics.record(VIDEO_COST, usd, unit="USD", attributes={"kind": job.kind})
        metrics.flush()
