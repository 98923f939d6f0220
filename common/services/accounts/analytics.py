"""Usage analytics: videos, seconds rendered, provider units and cost by provider, failures by
stage and time per stage, per user and per project, over a date range.

Provider figures come from the usage events (`usage/{id}`, one per paid provider call, written
with the job's cost); the rest from the jobs created in the range (their outputs, error stage and
per-stage timings). Both are read with one range query each on (owner, time).

Stored times are ISO text and may carry fractions of a second, which sort before a whole-second
bound of the same second; the queries therefore ask for one second more on each side and the
exact range is applied here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from common.domain.analytics import (
    DestinationTotals,
    ProviderUsage,
    StageTime,
    UsageReport,
    UsageTotals,
)
from common.domain.job import Job
from common.domain.posts import Post
from common.domain.schedule import stamp
from common.domain.usage import UsageEvent
from common.ports import DocumentStore

USAGE = "usage"
JOBS = "jobs"
MAX_DOCS = 20_000  # per range query; a longer history is read range by range
_SLACK = timedelta(seconds=1)


# The owner's posts to platforms created in [start, end) (common/services/calendar/posting.py).
PostsOf = Callable[[str, datetime, datetime], list[Post]]
POST_OUTCOME = {
    "published": "posted",
    "failed": "failed",
    "reconnect": "reconnect",
    "cancelled": "cancelled",
    "queued": "pending",
    "uploading": "pending",
    "processing": "pending",
    "scheduled": "pending",  # on YouTube ahead of its time, public at it
}


class UsageAnalytics:
    def __init__(self, store: DocumentStore, posts_of: PostsOf | None = None) -> None:
        self._store = store
        self._posts_of = posts_of

    def report(
        self, owner: str, start: datetime, end: datetime, project_id: str | None = None
    ) -> UsageReport:
        """The owner's usage in [start, end), optionally of one project."""
        events = self._events(owner, start, end)
        jobs = self._jobs(owner, start, end)
        if project_id is not None:
            events = [e for e in events if e.project_id == project_id]
            jobs = [j for j in jobs if j.project_id == project_id]
        by_project: dict[str, tuple[list[UsageEvent], list[Job]]] = defaultdict(lambda: ([], []))
        for event in events:
            by_project[event.project_id][0].append(event)
        for job in jobs:
            by_project[job.project_id][1].append(job)
        return UsageReport(
            owner=owner,
            start=start,
            end=end,
            project_id=project_id,
            totals=totals(events, jobs),
            projects={pid: totals(*pair) for pid, pair in sorted(by_project.items())},
            destinations=self._destinations(owner, start, end) if project_id is None else {},
        )

    def _destinations(
        self, owner: str, start: datetime, end: datetime
    ) -> dict[str, DestinationTotals]:
        """Posts per platform by outcome (the per-project report leaves them out: a post
        belongs to a schedule)."""
        if self._posts_of is None:
            return {}
        found: dict[str, DestinationTotals] = {}
        for post in self._posts_of(owner, start, end):
            row = found.setdefault(post.platform, DestinationTotals())
            field = POST_OUTCOME[post.status]
            setattr(row, field, getattr(row, field) + 1)
            row.views += post.views or 0
        return dict(sorted(found.items()))

    def _events(self, owner: str, start: datetime, end: datetime) -> list[UsageEvent]:
        docs = self._store.query(
            USAGE,
            [
                ("owner", "==", owner),
                ("at", ">=", stamp(start - _SLACK)),
                ("at", "<", stamp(end + _SLACK)),
            ],
            order_by="at",
            limit=MAX_DOCS,
        )
        events = [UsageEvent.model_validate(d.data) for d in docs]
        return [e for e in events if start <= e.at < end]

    def _jobs(self, owner: str, start: datetime, end: datetime) -> list[Job]:
        docs = self._store.query(
            JOBS,
            [
                ("owner", "==", owner),
                ("created_at", ">=", stamp(start - _SLACK)),
                ("created_at", "<", stamp(end + _SLACK)),
            ],
            order_by="created_at",
            limit=MAX_DOCS,
        )
        jobs = [Job.model_validate(d.data) for d in docs]
        return [j for j in jobs if start <= j.created_at < end]


def totals(events: list[UsageEvent], jobs: list[Job]) -> UsageTotals:
    """The totals of some usage events and jobs."""
    out = UsageTotals()
    for event in events:
        line = out.providers.setdefault(event.provider, ProviderUsage(unit=event.unit))
        line.calls += 1
        line.units += event.units
        line.usd += event.usd
        out.usd += event.usd
    for line in out.providers.values():
        line.units = round(line.units, 6)
        line.usd = round(line.usd, 6)
    out.usd = round(out.usd, 6)
    spent: dict[str, list[float]] = defaultdict(list)
    for job in jobs:
        out.jobs[job.status] = out.jobs.get(job.status, 0) + 1
        if job.status == "done" and job.outputs.video is not None:
            out.videos += 1
            out.seconds_rendered += job.outputs.duration_s or 0.0
        if job.status == "failed":
            stage = job.error.stage if job.error is not None else job.stage
            out.failures_by_stage[stage] = out.failures_by_stage.get(stage, 0) + 1
        for stage, timing in job.timings.items():
            if timing.finished_at is not None:
                spent[stage].append((timing.finished_at - timing.started_at).total_seconds())
    out.seconds_rendered = round(out.seconds_rendered, 3)
    for stage, seconds in spent.items():
        total = sum(seconds)
        out.stage_time[stage] = StageTime(
            jobs=len(seconds), average_s=round(total / len(seconds), 3), total_s=round(total, 3)
        )
    return out
