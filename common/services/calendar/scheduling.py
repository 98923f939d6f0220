"""The calendar: schedules that generate a project ahead of time and publish it at a moment.

    scheduled --(generate_at: the tick claims it, starts the job)--> generating
    generating --(publish_at: a timed task or the tick's claim -> the publish step)--> published
    any open status --> failed (the job failed, or it could not start) | cancelled | skipped

Every change of status is a transaction conditional on the status it changes from, so of two
ticks (or a tick and a timed task) only one moves a schedule on; what it then enqueues carries
a deterministic name. Starting a job is idempotent on top: the job's id is derived from the
schedule's, so starting again after a crash finds the job instead of making a second.

Catch-up policy (after downtime): a schedule whose publishing time passed less than
`catchup_window_s` ago still runs, once, and publishes as soon as its video is ready (`late`);
one older than that is `skipped`, with the reason recorded.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from common.config import Settings
from common.domain import steps
from common.domain.commands import StartJob
from common.domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    StoryGeniusError,
)
from common.domain.ownership import owned
from common.domain.posts import Destination, posts_early
from common.domain.project import ProjectSettings
from common.domain.schedule import (
    CreateSchedule,
    Schedule,
    ScheduleError,
    UpdateSchedule,
    resolve_publish_at,
    stamp,
)
from common.ports import Clock, DocumentStore, Task, TaskQueue
from common.services.calendar.schedules import ScheduleRepository
from common.services.pipeline.dispatch import Pipeline
from common.services.pipeline.errors import JobFinishedError, JobRunningError
from common.services.pipeline.jobs import JobRepository
from common.services.projects.projects import ProjectService, new_id

log = logging.getLogger(__name__)

START_RETRY_S = 60.0  # a start that failed for a passing reason is tried again after this


class ScheduleClosedError(ConflictError):
    """The schedule has already been published, failed, skipped or cancelled."""

    code = "schedule_closed"

    def __init__(self, schedule: Schedule) -> None:
        super().__init__(f"schedule {schedule.id} is {schedule.status}: it can no longer change")
        self.fields = {"status": schedule.status}


class PostStartedError(ConflictError):
    """A destination whose post has started (uploaded ahead of its time) cannot change."""

    code = "post_started"

    def __init__(self, platforms: Sequence[str], field: str = "destinations") -> None:
        why = f"the {', '.join(platforms)} post has started: cancel the schedule to withdraw it"
        super().__init__(f"{field}: {why}")
        self.fields = {field: why}


class PostHooks(Protocol):
    """What posting adds to a schedule (common/services/calendar/posting.py)."""

    def withdraw(self, schedule: Schedule) -> None:
        """The cancelled schedule's posts stopped, and any video sent ahead of its time taken
        back from the platform."""


def job_id_for(schedule_id: str) -> str:
    return f"{schedule_id}-job"


def _check_started_posts(schedule: Schedule, destinations: list[Destination]) -> None:
    """PostStartedError naming `destinations` when a platform whose post has started (a YouTube
    video uploaded ahead of its time) would be changed or left out."""
    before = {d.platform: d for d in schedule.destinations}
    after = {d.platform: d for d in destinations}
    started = [
        p.platform for p in schedule.posts if before.get(p.platform) != after.get(p.platform)
    ]
    if started:
        raise PostStartedError(started)


class ScheduleService(ScheduleRepository):
    """A schedule's lifecycle: the user's changes, and the tick's claims that start its job and
    publish its video (the states in this module's docstring)."""

    def __init__(
        self,
        *,
        store: DocumentStore,
        clock: Clock,
        settings: Settings,
        projects: ProjectService,
        jobs: JobRepository,
        pipeline: Pipeline,
        queue: TaskQueue,
    ) -> None:
        super().__init__(store=store, clock=clock)
        self._settings = settings
        self._projects = projects
        self._jobs = jobs
        self._pipeline = pipeline
        self._queue = queue
        self.posts: PostHooks | None = None

    def lead_time(self, settings: ProjectSettings) -> timedelta:
        """How long before publishing generation starts: an estimate per second of video plus
        a margin (settings `lead_per_video_s`, `lead_margin_s`)."""
        s = self._settings
        return timedelta(seconds=round(s.lead_per_video_s * settings.duration_s + s.lead_margin_s))

    # -- the user's changes ---------------------------------------------------------------

    def create(self, owner: str, command: CreateSchedule) -> Schedule:
        """Schedule one of the owner's projects; InvalidInputError when the time has passed."""
        project = self._projects.get(owner, command.project_id)
        now = self._clock.now()
        publish_at = self._future(resolve_publish_at(command.publish_at, command.timezone), now)
        lead = self.lead_time(project.settings)
        generate_at = max(publish_at - lead, now)
        schedule = Schedule(
            id=new_id(),
            owner=owner,
            project_id=project.id,
            timezone=command.timezone,
            publish_at=publish_at,
            generate_at=generate_at,
            next_at=generate_at,
            destinations=command.destinations,
            created_at=now,
            updated_at=now,
        )
        self.add(schedule)
        self.enqueue_exact(schedule)
        return schedule

    def update(self, owner: str, schedule_id: str, command: UpdateSchedule) -> Schedule:
        """Move a schedule that is still open to another time (and zone), or change its
        destinations (a platform whose post has started keeps its own: ConflictError)."""
        current = self.get(owner, schedule_id)
        timezone = command.timezone or current.timezone
        now = self._clock.now()
        publish_at = None
        if command.publish_at is not None:
            publish_at = self._future(resolve_publish_at(command.publish_at, timezone), now)
        lead = current.publish_at - current.generate_at
        if current.project_id is not None and publish_at is not None:
            lead = self.lead_time(self._projects.load(current.project_id).settings)

        def update(s: Schedule) -> None:
            owned(s, owner, "schedule", schedule_id)
            if not s.open:
                raise ScheduleClosedError(s)
            if publish_at is not None and publish_at != s.publish_at and s.posts:
                # A video scheduled on YouTube keeps its time: withdraw it by cancelling.
                raise PostStartedError([p.platform for p in s.posts], "publish_at")
            s.timezone = timezone
            if command.destinations is not None:
                _check_started_posts(s, command.destinations)
                s.destinations = list(command.destinations)
            if publish_at is None:
                if s.status == "generating" and s.next_at is not None:
                    s.next_at = min(s.next_at, self._next_look(s, now))  # a YouTube one added
                return
            s.publish_at = publish_at
            if s.status == "scheduled":
                s.generate_at = max(publish_at - lead, now)
                s.next_at = s.generate_at
            else:  # generating: the job runs on; publishing waits for the new time
                s.next_at = self._next_look(s, now)

        updated, _ = self.mutate(schedule_id, update)
        if publish_at is not None:
            self.enqueue_exact(updated)
        return updated

    def cancel(self, owner: str, schedule_id: str) -> Schedule:
        """Cancel an open schedule (its running job too); a published one is a 409."""

        def cancel(s: Schedule) -> None:
            owned(s, owner, "schedule", schedule_id)
            if s.status == "cancelled":
                return
            if not s.open:
                raise ScheduleClosedError(s)
            s.status = "cancelled"
            s.next_at = None

        schedule, _ = self.mutate(schedule_id, cancel)
        if self.posts is not None and schedule.destinations:
            self.posts.withdraw(schedule)
        if schedule.job_id is not None:
            # A job that ended (or never started) has nothing to stop.
            with contextlib.suppress(JobFinishedError, NotFoundError):
                self._pipeline.cancel(owner, schedule.job_id)
        return schedule

    def _next_look(self, s: Schedule, now: datetime) -> datetime:
        """When the publish step looks at a generating schedule next: at its publishing time,
        or every `publish_poll_s` before it while a video ready early could go out ahead of
        its time (posts_early: scheduled on YouTube)."""
        if any(posts_early(d) for d in s.destinations):
            return min(s.publish_at, now + timedelta(seconds=self._settings.publish_poll_s))
        return s.publish_at

    def _future(self, publish_at: datetime, now: datetime) -> datetime:
        if publish_at <= now:
            why = f"must be in the future (it is {stamp(publish_at)}, now is {stamp(now)})"
            raise InvalidInputError(f"publish_at: {why}", fields={"publish_at": why})
        return publish_at

    # -- the tick and the steps -----------------------------------------------------------

    def start_due(self, schedule_id: str, now: datetime) -> bool:
        """Claim a schedule whose generation time has come and start its job; False when
        another claimer got it first (or it is not due)."""
        window = timedelta(seconds=self._settings.catchup_window_s)

        def claim(s: Schedule) -> bool:
            if s.status != "scheduled" or s.next_at is None or s.next_at > now:
                return False
            if now - s.publish_at > window:
                s.status = "skipped"
                s.next_at = None
                missed = (now - s.publish_at).total_seconds() / 3600
                s.error = ScheduleError(
                    stage="start",
                    code="missed",
                    message=f"missed by {missed:.1f} h (the service was down): runs more than "
                    f"{window.total_seconds() / 3600:g} h late are skipped",
                )
                return True
            s.status = "generating"
            s.claims += 1
            s.late = s.late or now > s.publish_at
            s.job_id = s.job_id or job_id_for(s.id)
            s.next_at = self._next_look(s, now)
            return True

        try:
            schedule, claimed = self.mutate(schedule_id, claim)
        except NotFoundError:
            return False
        if claimed and schedule.status == "generating":
            self.ensure_started(schedule)
        return bool(claimed)

    def ensure_started(self, schedule: Schedule) -> None:
        """Make sure the schedule's job exists and runs (idempotent). A start refused for good
        (no project, no credit) fails the schedule; a passing failure puts it back for later."""
        assert schedule.job_id is not None
        try:
            project_id = schedule.project_id
            if project_id is None:
                if schedule.series_id is None or self.hooks is None:
                    raise NotFoundError(f"schedule {schedule.id} has no project")
                project_id = self.hooks.project_for(schedule)
                self.mutate(schedule.id, lambda s: setattr(s, "project_id", project_id))
            try:
                self._pipeline.start(
                    schedule.owner, StartJob(project_id=project_id), job_id=schedule.job_id
                )
            except AlreadyExistsError:
                job = self._jobs.find(schedule.job_id)
                if job is not None and job.status == "queued":
                    # Created, then the process died before its first step was enqueued.
                    self._pipeline.enqueue(steps.SCRIPT, job.id)
        except StoryGeniusError as exc:
            # The creator's own job on the project runs now: start when it has ended.
            if exc.retryable or isinstance(exc, JobRunningError):
                self._retry_start(schedule, exc)
            else:
                self.fail(
                    schedule.id, ScheduleError(stage="start", code=exc.code, message=exc.message)
                )
            return
        self.enqueue_exact(schedule)

    def _retry_start(self, schedule: Schedule, exc: StoryGeniusError) -> None:
        log.warning("schedule %s: start failed, retrying later: %s", schedule.id, exc.message)
        retry_at = self._clock.now() + timedelta(seconds=START_RETRY_S)
        if self._jobs.find(schedule.job_id or "") is not None:
            return  # the job exists after all: it runs, publishing will find it

        def back(s: Schedule) -> None:
            if s.status == "generating":
                s.status = "scheduled"
                s.next_at = retry_at

        self.mutate(schedule.id, back)

    def publish_due(self, schedule_id: str, now: datetime) -> bool:
        """Claim a generating schedule whose publishing time has come and enqueue its publish
        step (named after the claim); the claim lasts `publish_lease_s`, then the tick tries
        again (the step is idempotent). False when another claimer got it first."""
        lease = timedelta(seconds=self._settings.publish_lease_s)

        def claim(s: Schedule) -> bool:
            if s.status != "generating" or s.next_at is None or s.next_at > now:
                return False
            s.claims += 1
            s.next_at = now + lease
            return True

        try:
            schedule, claimed = self.mutate(schedule_id, claim)
        except NotFoundError:
            return False
        if claimed:
            name = f"{schedule.id}-publish-claim{schedule.claims}"
            self._queue.enqueue(Task(steps.PUBLISH.name, {"schedule_id": schedule.id}, name=name))
        return bool(claimed)

    def enqueue_exact(self, schedule: Schedule) -> None:
        """A publish task timed for the exact publishing moment, when that is within the
        horizon (Cloud Tasks' schedule_time: 30 days at most). Named after the time, so a moved
        schedule gets a new task and the old one finds nothing due."""
        if not schedule.open:
            return
        delay = (schedule.publish_at - self._clock.now()).total_seconds()
        horizon = self._settings.exact_horizon_s
        if horizon <= 0 or delay > horizon:
            return
        digits = stamp(schedule.publish_at).replace("-", "").replace(":", "")
        task = Task(
            steps.PUBLISH.name,
            {"schedule_id": schedule.id},
            name=f"{schedule.id}-publish-at-{digits}",
            delay_s=max(0.0, delay),
        )
        self._queue.enqueue(task)

    def fail(self, schedule_id: str, error: ScheduleError) -> None:
        """Mark an open schedule failed, saying where and why."""

        def record(s: Schedule) -> None:
            if s.open:
                s.status = "failed"
                s.next_at = None
                s.error = error

        log.warning("schedule %s failed: %s", schedule_id, error.model_dump())
        self.mutate(schedule_id, record)
