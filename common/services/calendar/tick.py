"""The scheduler tick: every minute, claim what is due and hand it on, exactly once each.

    1. series whose next run's generation time has come: claim the run (its schedule is made);
    2. schedules whose generation time has come: claim, start the job;
    3. schedules whose publishing time has come: claim, enqueue the publish step;
    4. posts to platforms whose retry time (or a dead attempt's lease) has come: hand them on;
    5. view counts of posted videos due for a reading (YouTube's videos.list statistics).

Each step is one indexed query (`status ==`, `next_at <=`, ordered, limited to `tick_batch`), so a
tick with nothing due costs three empty queries. Claims are transactions conditional on the
state the query saw: a tick delivered twice, or two ticks at once, claim each item once, and
what a claim enqueues is named after it. A timed task (Cloud Tasks schedule_time) publishes at
the exact moment when one was made; the tick is the safety net. See
common/services/calendar/series.py and scheduling.py for what happens to runs missed during
downtime.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass

from pydantic import ValidationError

from common.config import Settings
from common.domain.errors import StoryGeniusError
from common.domain.schedule import stamp
from common.ports import Clock
from common.services.calendar.posting import PostService
from common.services.calendar.scheduling import ScheduleService
from common.services.calendar.series import SeriesService

log = logging.getLogger(__name__)

# Runs one series may have claimed in one tick (catching up); the rest wait for the next tick.
MAX_RUNS_PER_SERIES = 48


@dataclass
class TickReport:
    """What one tick did."""

    at: str
    series_runs: int = 0
    runs_skipped: int = 0
    started: int = 0
    publishing: int = 0
    posts: int = 0
    views: int = 0
    errors: int = 0
    latency_ms: int = 0

    @property
    def idle(self) -> bool:
        return not (
            self.series_runs or self.runs_skipped or self.started or self.publishing or self.posts
        )


class Ticker:
    def __init__(
        self,
        *,
        clock: Clock,
        settings: Settings,
        schedules: ScheduleService,
        series: SeriesService,
        posts: PostService | None = None,
    ) -> None:
        self._posts = posts
        self._clock = clock
        self._settings = settings
        self._schedules = schedules
        self._series = series

    def tick(self) -> TickReport:
        """Claim and hand on everything due now."""
        started = time.monotonic()
        now = self._clock.now()
        batch = self._settings.tick_batch
        report = TickReport(at=stamp(now))
        for series_id in self._series.due(now, batch):
            for _ in range(MAX_RUNS_PER_SERIES):
                try:
                    run = self._series.claim_due(series_id, now)
                except (StoryGeniusError, ValidationError) as exc:
                    self._failed("series", series_id, exc, report)
                    break
                if run is None:
                    break
                if run.status == "skipped":
                    report.runs_skipped += 1
                else:
                    report.series_runs += 1
        for schedule_id in self._schedules.due("scheduled", now, batch):
            try:
                report.started += self._schedules.start_due(schedule_id, now)
            except (StoryGeniusError, ValidationError) as exc:
                self._failed("schedule", schedule_id, exc, report)
        for schedule_id in self._schedules.due("generating", now, batch):
            try:
                report.publishing += self._schedules.publish_due(schedule_id, now)
            except (StoryGeniusError, ValidationError) as exc:
                self._failed("schedule", schedule_id, exc, report)
        posts = self._posts
        for post_key in posts.due(now, batch) if posts is not None else []:
            try:
                assert posts is not None
                posts.redrive(post_key)
                report.posts += 1
            except (StoryGeniusError, ValidationError) as exc:
                self._failed("post", post_key, exc, report)
        if posts is not None:
            try:
                report.views = posts.refresh_views(now, batch)
            except (StoryGeniusError, ValidationError) as exc:
                self._failed("views", "-", exc, report)
        report.latency_ms = int((time.monotonic() - started) * 1000)
        level = logging.DEBUG if report.idle and not report.errors else logging.INFO
        log.log(level, "scheduler tick: %s", asdict(report), extra={"tick": asdict(report)})
        return report

    def _failed(
        self, kind: str, item_id: str, exc: StoryGeniusError | ValidationError, report: TickReport
    ) -> None:
        # One item that cannot be claimed now (a busy store, a document that no longer reads)
        # must not hold up every other user's calendar: it stays due, is logged on every tick
        # until fixed, and the next tick tries it again.
        report.errors += 1
        log.error("scheduler tick: %s %s: %s", kind, item_id, exc, exc_info=exc)
