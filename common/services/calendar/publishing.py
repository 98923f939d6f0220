"""The publish step: a scheduled video goes out at its time.

A delivery of the publish step (a task timed for the publishing moment, or one the tick enqueued
as its safety net) does what the schedule's state calls for, and is idempotent:

- not due yet (a task for a time the schedule was moved from): nothing;
- the video is not ready: wait (the step enqueues itself again after `publish_poll_s`), and fail
  the schedule after `publish_max_wait_s`; a failed or cancelled job fails the schedule, naming
  the stage;
- ready: in one transaction conditional on the schedule still generating, mark it published
  with its public link (the blob store's signed URL, `publish_link_expiry_s`; the local server's
  signed /media link under `serve`), then announce it
  to the owner's webhook. Each attempt is logged on the schedule (`deliveries`); a failed attempt
  that may pass raises RetryableError, so the queue delivers the step again with backoff, until
  the last attempt, which records the webhook as failed (the video stays published).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from common.config import Settings
from common.domain import steps
from common.domain.errors import RetryableError, StoryGeniusError
from common.domain.job import Job
from common.domain.posts import EARLY_POST_MIN_S, posts_early
from common.domain.publishing import PublishedEvent
from common.domain.schedule import (
    MAX_DELIVERIES_KEPT,
    DeliveryAttempt,
    PublishCommand,
    Schedule,
    ScheduleError,
)
from common.ports import BlobStore, Clock, Delivery, Task, TaskQueue
from common.ports.publisher import Publisher
from common.services.calendar.posting import PostService
from common.services.calendar.scheduling import ScheduleService
from common.services.calendar.webhooks import WebhookService
from common.services.pipeline.jobs import JobRepository
from common.services.projects.projects import ProjectService

log = logging.getLogger(__name__)

# A task may arrive a little before its schedule_time; a publish this close counts as due.
EARLY_TOLERANCE_S = 2.0
# Published more than this after publish_at counts as late.
LATE_AFTER_S = 60.0


class PublishService:
    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        schedules: ScheduleService,
        jobs: JobRepository,
        projects: ProjectService,
        blobs: BlobStore,
        queue: TaskQueue,
        publisher: Publisher,
        webhooks: WebhookService,
        link: Callable[[str, int], str],
        posts: PostService | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._schedules = schedules
        self._jobs = jobs
        self._projects = projects
        self._blobs = blobs
        self._queue = queue
        self._publisher = publisher
        self._webhooks = webhooks
        # (blob key, seconds valid) -> the public link: the store's signed URL, or under `serve`
        # its own signed /media links (common/services/projects/media_links.py).
        self._link = link
        self._posts = posts

    def handle(self, command: PublishCommand, delivery: Delivery) -> None:
        """One delivery of the publish step. Returns when the task is finished with; raises
        RetryableError when the webhook should be tried again. A command naming a
        `destination` is one post to that platform (common/services/calendar/posting.py)."""
        if command.destination is not None:
            if self._posts is not None:
                self._posts.handle(command, delivery)
            return
        schedule = self._schedules.find(command.schedule_id)
        if schedule is None:
            log.warning("publish: schedule %s does not exist", command.schedule_id)
            return
        now = self._clock.now()
        if schedule.status == "scheduled" and now >= schedule.generate_at:
            # The tick has not started it (down?): start it here, then wait for the video.
            self._schedules.start_due(schedule.id, now)
            schedule = self._schedules.find(schedule.id) or schedule
        if schedule.status == "published":
            self._queue_posts(schedule)  # again: a crash may have come between the two
            if schedule.webhook == "pending":
                self._announce(schedule, delivery)
            return
        if schedule.status != "generating":
            return
        if now < schedule.publish_at - timedelta(seconds=EARLY_TOLERANCE_S):
            # Not due: a task for a time it was moved from, or a look for a video ready early.
            self._early(schedule, now)
            return
        job = self._jobs.find(schedule.job_id) if schedule.job_id else None
        if job is None:
            self._schedules.ensure_started(schedule)
            self._wait(schedule, command, now)
            return
        if job.status in ("failed", "cancelled"):
            error = job.error
            self._schedules.fail(
                schedule.id,
                ScheduleError(
                    stage=error.stage if error else "job",
                    code=error.code if error else job.status,
                    message=(error.message if error else f"job {job.id} was {job.status}"),
                ),
            )
            return
        if job.status != "done":
            waited = (now - schedule.publish_at).total_seconds()
            if waited > self._settings.publish_max_wait_s:
                message = f"the video was not ready {waited / 3600:.1f} h after its time"
                self._schedules.fail(
                    schedule.id, ScheduleError(stage=job.stage, code="not_ready", message=message)
                )
                return
            self._wait(schedule, command, now)
            return
        try:
            published = self._publish(schedule, job, now)
        except StoryGeniusError as exc:
            if exc.retryable and not delivery.last_attempt:
                raise
            # No link can be made (e.g. a store that cannot sign URLs): say so, do not retry
            # every lease for ever.
            failure = ScheduleError(stage="publish", code=exc.code, message=exc.message)
            self._schedules.fail(schedule.id, failure)
            return
        if published.status == "published":
            self._queue_posts(published)
        if published.status == "published" and published.webhook == "pending":
            self._announce(published, delivery)

    def _early(self, schedule: Schedule, now: datetime) -> None:
        """Before its time: a video ready early goes now to the destinations that take one
        ahead of its time (YouTube, scheduled for the time: posting.py); while the video is
        being made, the tick hands the schedule on again after `publish_poll_s`."""
        if self._posts is None or not any(posts_early(d) for d in schedule.destinations):
            return
        job = self._jobs.find(schedule.job_id) if schedule.job_id else None
        ahead_s = (schedule.publish_at - now).total_seconds()
        if job is not None and job.status == "done" and ahead_s >= EARLY_POST_MIN_S:
            self._posts.queue(schedule, job, early=True)
        making = job is not None and not job.terminal
        poll = timedelta(seconds=self._settings.publish_poll_s)
        look_at = min(schedule.publish_at, now + poll) if making else schedule.publish_at

        def look(s: Schedule) -> None:
            if s.status == "generating" and s.publish_at == schedule.publish_at:
                s.next_at = look_at

        self._schedules.mutate(schedule.id, look)

    def _queue_posts(self, schedule: Schedule) -> None:
        """Each destination's post, made once (common/services/calendar/posting.py)."""
        if self._posts is None or not schedule.destinations or schedule.job_id is None:
            return
        self._posts.queue(schedule, self._jobs.get(schedule.job_id))

    def _wait(self, schedule: Schedule, command: PublishCommand, now: datetime) -> None:
        """Look again after `publish_poll_s`; the name is per poll interval, so the timed task
        and the tick's task waiting at once make one chain."""
        poll = self._settings.publish_poll_s
        slot = int(now.timestamp() // poll)
        self._queue.enqueue(
            Task(
                steps.PUBLISH.name,
                {"schedule_id": schedule.id, "wait": command.wait + 1},
                name=f"{schedule.id}-publish-wait-{slot}",
                delay_s=poll,
            )
        )

    def _publish(self, schedule: Schedule, job: Job, now: datetime) -> Schedule:
        """Mark the schedule published with its public link, once (conditional on it still
        generating: a cancel or another delivery that got there first wins)."""
        assert job.outputs.video is not None
        expiry = self._settings.publish_link_expiry_s
        video_url = self._link(job.outputs.video, expiry)
        title = self._title(schedule, job)
        webhook = self._webhooks.find(schedule.owner)

        def publish(s: Schedule) -> None:
            if s.status != "generating":
                return
            s.status = "published"
            s.published_at = now
            s.public_url = video_url
            s.link_expires_at = now + timedelta(seconds=expiry)
            s.title = title
            s.next_at = None
            s.late = s.late or now > s.publish_at + timedelta(seconds=LATE_AFTER_S)
            s.webhook = "pending" if webhook is not None else "none"

        published, _ = self._schedules.mutate(schedule.id, publish)
        log.info(
            "published schedule %s (job %s) at %s",
            schedule.id,
            job.id,
            now.isoformat(),
            extra={"schedule_id": schedule.id, "job_id": job.id, "late": published.late},
        )
        return published

    def _title(self, schedule: Schedule, job: Job) -> str | None:
        if job.story is not None:
            return job.story.title
        if schedule.project_id is not None:
            return self._projects.load(schedule.project_id).title or None
        return None

    def _announce(self, schedule: Schedule, delivery: Delivery) -> None:
        """One webhook attempt, logged on the schedule; RetryableError to be tried again."""
        config = self._webhooks.find(schedule.owner)
        if config is None:  # removed since publishing: nobody to tell
            self._schedules.mutate(schedule.id, lambda s: setattr(s, "webhook", "none"))
            return
        job = self._jobs.get(schedule.job_id or "")
        assert schedule.public_url is not None and schedule.published_at is not None
        expiry = self._settings.publish_link_expiry_s
        thumbnail = job.outputs.thumbnail
        event = PublishedEvent(
            schedule_id=schedule.id,
            project_id=schedule.project_id or job.project_id,
            job_id=job.id,
            series_id=schedule.series_id,
            title=schedule.title,
            video_url=schedule.public_url,
            thumbnail_url=None if thumbnail is None else self._link(thumbnail, expiry),
            link_expires_at=schedule.link_expires_at,
            duration_s=job.outputs.duration_s,
            publish_at=schedule.publish_at,
            published_at=schedule.published_at,
            timezone=schedule.timezone,
            late=schedule.late,
        )
        now = self._clock.now()
        receipt = self._publisher.publish(config.url, config.secret, event, now)
        attempt = DeliveryAttempt(
            attempt=delivery.attempt,
            at=now,
            status=receipt.status,
            ok=receipt.ok,
            error=receipt.error,
            latency_ms=receipt.latency_ms,
        )
        final = receipt.ok or not receipt.retryable or delivery.last_attempt

        def log_attempt(s: Schedule) -> None:
            s.deliveries = [*s.deliveries, attempt][-MAX_DELIVERIES_KEPT:]
            if s.webhook == "pending":
                s.webhook = "delivered" if receipt.ok else ("failed" if final else "pending")

        self._schedules.mutate(schedule.id, log_attempt)
        if not final:
            retry_s = self._settings.webhook_retry_s * 2 ** (delivery.attempt - 1)
            raise RetryableError(
                f"webhook delivery {delivery.attempt} for schedule {schedule.id} failed: "
                f"{receipt.error}",
                retry_after_s=retry_s,
            )
