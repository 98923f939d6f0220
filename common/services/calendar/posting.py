"""Posting a published schedule's video to its destinations, exactly once each.

The publish ledger (`posts/{schedule}--{platform}`, common/domain/posts.py; its writes in
post_ledger.py) is the mechanism:

1. `queue` creates each destination's entry when the schedule publishes (create-if-absent: a
   second delivery finds it) and enqueues one publish task per destination.
2. A delivery claims the entry with a lease (a transaction: one holder at a time; another
   delivery meanwhile finds it busy and acknowledges). The lease is also the entry's `next_at`,
   so if the holder dies the tick hands the entry on once the lease runs out.
3. The platform adapter records its upload session through `save` before it sends bytes, and
   the video id as soon as the platform reports it; the outcome is written last ("the ack").
   A later attempt resumes the session or adopts the video: a crash anywhere in between never
   posts twice.
4. Failures: a refused token is refreshed once; a revoked grant marks the post `reconnect` and
   stops (the connection says "reconnect" too); a disconnected account cancels it; quota waits
   for the platform's next quota day; outages retry with doubling delays up to
   `post_max_attempts`; any other refusal fails the post with the platform's reason.
   Retries and polls of a platform still processing are handed on by the scheduler tick (every
   minute) when their `next_at` comes: no task waits in a queue for them.

The schedule keeps a summary of each post (`posts`), which the calendar shows.

Early posts: a public YouTube post whose video is ready before its time is queued early
(`queue(..., early=True)`, from the publish step's look at a generating schedule) and uploaded
private with `publishAt`; it is `scheduled` until its time, then marked published (YouTube made
it public by then, whether or not our tick was late). A schedule cancelled meanwhile withdraws
its posts (`withdraw`): one not uploaded yet is cancelled, a scheduled video is made private for
good on YouTube.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from common.config import Settings
from common.domain import steps
from common.domain.connections import NotConnectedError, ReconnectRequiredError
from common.domain.errors import NotFoundError, StoryGeniusError
from common.domain.job import Job
from common.domain.listings import Listings, listings_from
from common.domain.posts import (
    Post,
    PostError,
    post_id,
    posts_early,
    write_metadata,
)
from common.domain.schedule import PublishCommand, Schedule, stamp
from common.ports import BlobStore, Clock, Delivery, DocumentStore, Task, TaskQueue
from common.ports.publisher import (
    PlatformPublisher,
    PlatformQuotaError,
    PostResult,
    TokenRejectedError,
    Upload,
)
from common.services.accounts.connections import ConnectionService
from common.services.calendar.post_ledger import PostLedger
from common.services.calendar.schedules import ScheduleRepository
from common.services.projects.projects import ProjectService

log = logging.getLogger(__name__)

_T = TypeVar("_T")

VIEWS_EVERY = timedelta(days=1)
VIEWS_DAYS = 30


def _error(exc: StoryGeniusError) -> PostError:
    return PostError(code=exc.code, message=exc.message[:1000])


@dataclass(frozen=True)
class PostingPolicy:
    lease_s: float
    poll_s: float
    retry_s: float
    max_attempts: int
    link_expiry_s: int
    tiktok_inits_per_minute: int

    @classmethod
    def of(cls, s: Settings) -> PostingPolicy:
        return cls(
            lease_s=s.post_lease_s,
            poll_s=s.publish_poll_s,
            retry_s=s.post_retry_s,
            max_attempts=s.post_max_attempts,
            link_expiry_s=s.publish_link_expiry_s,
            tiktok_inits_per_minute=s.tiktok_inits_per_minute,
        )


class PostService:
    def __init__(
        self,
        *,
        store: DocumentStore,
        clock: Clock,
        policy: PostingPolicy,
        schedules: ScheduleRepository,
        projects: ProjectService,
        blobs: BlobStore,
        queue: TaskQueue,
        connections: ConnectionService,
        publishers: Mapping[str, PlatformPublisher],
        link: Callable[[str, int], str],
    ) -> None:
        self._store = store
        self._clock = clock
        self._policy = policy
        self._schedules = schedules
        self._projects = projects
        self._blobs = blobs
        self._queue = queue
        self._connections = connections
        self._publishers = publishers
        self._link = link
        self._ledger = PostLedger(store, clock, schedules, policy.lease_s)

    # -- reads --------------------------------------------------------------------------------

    def find(self, schedule_id: str, platform: str) -> Post | None:
        return self._ledger.find(schedule_id, platform)

    def due(self, now: datetime, limit: int) -> list[str]:
        """Ids of open posts whose next try (or expired lease) has come."""
        return self._ledger.due(now, limit)

    def refresh_views(self, now: datetime, limit: int) -> int:
        """Read the view counts of posted videos whose time has come (an hour after posting,
        then daily for VIEWS_DAYS days); returns how many were read. A platform that does not
        report views, or an account that needs reconnecting, stops asking for that post."""
        read = 0
        for post in self._ledger.views_due(now, limit):
            if post.video_id is None:
                continue
            try:
                token = self._connections.token(post.owner, post.platform)
                views = self._publishers[post.platform].views(token, [post.video_id])
            except (NotConnectedError, ReconnectRequiredError):
                views, later = {}, None
            except StoryGeniusError as exc:
                log.warning("views of %s: %s", post.id, exc.message)
                self._ledger.set_views(post.id, None, now + timedelta(hours=1), now)
                continue
            else:
                age = now - (post.posted_at or now)
                later = now + VIEWS_EVERY if age < timedelta(days=VIEWS_DAYS) else None
            if post.video_id not in views:
                later = None
            self._ledger.set_views(post.id, views.get(post.video_id), later, now)
            read += post.video_id in views
        return read

    def of_owner(self, owner: str, start: datetime, end: datetime) -> list[Post]:
        """The owner's posts created in [start, end) (analytics)."""
        return self._ledger.of_owner(owner, start, end)

    # -- the publish step ---------------------------------------------------------------------

    def queue(self, schedule: Schedule, job: Job, *, early: bool = False) -> None:
        """Each destination's ledger entry (made once) and its task (named once). `early`: only
        the destinations a video may go to ahead of its time, scheduled for the schedule's."""
        listings, language = self._listings(job)
        vertical = (job.outputs.height or 0) > (job.outputs.width or 0)
        now = self._clock.now()
        for destination in schedule.destinations:
            if early and not posts_early(destination):
                continue
            platform = destination.platform
            metadata = write_metadata(
                platform,
                destination,
                listings.of(platform),
                language=language,
                duration_s=job.outputs.duration_s,
                vertical=vertical,
            )
            post = Post(
                id=post_id(schedule.id, platform),
                owner=schedule.owner,
                schedule_id=schedule.id,
                platform=platform,
                metadata=metadata,
                scheduled_for=schedule.publish_at if early else None,
                next_at=now + timedelta(seconds=self._policy.lease_s),
                created_at=now,
                updated_at=now,
            )

            self._ledger.create(post)
            # Named apart: at the time, "first" hands a post scheduled early on (to published).
            self._enqueue(schedule.id, platform, "early" if early else "first")

    def _listings(self, job: Job) -> tuple[Listings, str]:
        """The listings the creator last saw: the project's story's (edited until the post),
        else the rendered story's, else made from the story's (or project's) title and
        logline; and the story's language."""
        project = None
        with contextlib.suppress(NotFoundError):
            project = self._projects.load(job.project_id)
        story = (project.story if project is not None else None) or job.story
        if story is None:
            title = (project.title if project is not None else "") or "Untitled"
            return listings_from(title, ""), "en"
        return story.listings or listings_from(story.title, story.logline), story.language

    def withdraw(self, schedule: Schedule) -> None:
        """A cancelled schedule's posts: one nothing was sent for is cancelled at once; one
        sent ahead of its time (or being sent) is withdrawn by a task of its own."""
        for destination in schedule.destinations:
            key = post_id(schedule.id, destination.platform)

            post = self._ledger.mark_withdrawn(key)
            if post is None:
                continue
            if post.withdraw:
                self._enqueue(schedule.id, destination.platform, "withdraw")

    def redrive(self, post_key: str) -> None:
        """The tick's hand-on: a post whose retry time or lease has come gets a task."""
        schedule_id, platform = post_key.rsplit("--", 1)
        slot = stamp(self._clock.now()).replace(":", "").replace("-", "")
        self._enqueue(schedule_id, platform, f"tick-{slot}")

    def handle(self, command: PublishCommand, delivery: Delivery) -> None:
        """One delivery for one destination. Returns when the task is finished with."""
        assert command.destination is not None
        platform = command.destination
        post = self._ledger.claim(command.schedule_id, platform)
        if post is None:
            return  # done with, or another delivery holds it
        if post.scheduled_for is not None and not post.withdraw:
            schedule = self._schedules.find(post.schedule_id)
            # Cancelled before this early post was queued (withdraw() did not see it).
            post.withdraw = schedule is None or schedule.status == "cancelled"
        try:
            if post.withdraw:
                withdrawn, result = self._attempt(post, self._take_back), None
            else:
                result = self._attempt(post, self._send)
        except ReconnectRequiredError as exc:
            self._ledger.finish(
                post, status="reconnect", error=PostError(code=exc.code, message=exc.message)
            )
        except NotConnectedError as exc:
            self._ledger.finish(
                post, status="cancelled", error=PostError(code=exc.code, message=exc.message)
            )
        except PlatformQuotaError as exc:
            self._ledger.finish(post, status=post.status, note=exc.message, next_at=exc.retry_at)
        except StoryGeniusError as exc:
            error = _error(exc)
            if exc.retryable and post.attempts < self._policy.max_attempts:
                delay = self._policy.retry_s * 2 ** (post.attempts - 1)
                retry_at = self._clock.now() + timedelta(seconds=delay)
                self._ledger.finish(post, status=post.status, error=error, next_at=retry_at)
            else:
                self._ledger.finish(post, status="failed", error=error)
        else:
            now = self._clock.now()
            if result is None:
                note = "the schedule was cancelled"
                if withdrawn:
                    note += f"; the video is kept private on {post.platform}"
                self._ledger.finish(post, status="cancelled", note=note)
            elif result.status == "scheduled" and (post.scheduled_for or now) > now:
                assert post.scheduled_for is not None
                when = stamp(post.scheduled_for)
                note = "; ".join(n for n in (f"scheduled on YouTube for {when}", result.note) if n)
                self._ledger.finish(
                    post,
                    status="scheduled",
                    video_id=result.video_id,
                    url=result.url,
                    note=note,
                    next_at=post.scheduled_for,
                )
            elif result.status in ("published", "scheduled"):
                # Scheduled before its time: the platform made it public at that time.
                went_up = post.scheduled_for if post.status == "scheduled" else None
                self._ledger.finish(
                    post,
                    status="published",
                    video_id=result.video_id,
                    url=result.url,
                    note=result.note,
                    posted_at=went_up or now,
                    views_due_at=now + timedelta(hours=1),
                )
            else:
                poll_at = self._clock.now() + timedelta(seconds=self._policy.poll_s)
                self._ledger.finish(post, status="processing", note=result.note, next_at=poll_at)

    # -- one attempt --------------------------------------------------------------------------

    def _attempt(self, post: Post, action: Callable[[Post, str], _T]) -> _T:
        """`action(post, token)`, with the token refreshed once if the platform refuses it."""
        token = self._connections.token(post.owner, post.platform)
        for refreshed in (False, True):
            try:
                return action(post, token)
            except TokenRejectedError:
                if refreshed:
                    raise
                token = self._connections.token(post.owner, post.platform, stale=token)
                post = self.find(post.schedule_id, post.platform) or post
        raise AssertionError("unreachable")

    def _send(self, post: Post, token: str) -> PostResult:
        """Upload (or resume, or adopt), or look again at what the platform is working on."""
        publisher = self._publishers[post.platform]

        def save(session: dict[str, str]) -> None:
            self._ledger.save_session(post, session)

        if post.status in ("processing", "scheduled"):
            return publisher.check(token, post.session, save)
        with tempfile.TemporaryDirectory(prefix="storygenius-post-") as work:
            upload = self._upload(post, Path(work))
            return publisher.post(upload, token, post.session, save, self._gate(post))

    def _take_back(self, post: Post, token: str) -> bool:
        """Withdraw what a cancelled schedule's post sent ahead of its time; True when there
        was a video to keep from going public."""
        if not post.session and post.video_id is None:
            return False  # nothing was sent
        session = {**post.session, **({"video_id": post.video_id} if post.video_id else {})}
        return self._publishers[post.platform].withdraw(token, session, post.metadata) is not None

    def _gate(self, post: Post) -> Callable[[], None]:
        def gate() -> None:
            if post.platform != "tiktok":
                return
            wait = self._connections.take_init_slot(
                post.owner, post.platform, self._policy.tiktok_inits_per_minute
            )
            if wait > 0:
                from common.domain.errors import RetryableError

                raise RetryableError(
                    f"tiktok allows {self._policy.tiktok_inits_per_minute} uploads a minute per "
                    f"account: waiting {wait:.0f} s",
                    retry_after_s=wait,
                )

        return gate

    def _upload(self, post: Post, work: Path) -> Upload:
        schedule = self._schedules.find(post.schedule_id)
        assert schedule is not None and schedule.job_id is not None
        doc = self._store.get("jobs", schedule.job_id)
        assert doc is not None
        job = Job.model_validate(doc.data)
        outputs = job.outputs
        assert outputs.video is not None
        connection = self._connections.find(post.owner, post.platform)
        video = self._blobs.download(outputs.video, work / "video.mp4")
        thumbnail = (
            self._blobs.download(outputs.thumbnail, work / "thumbnail.jpg")
            if outputs.thumbnail
            else None
        )
        captions = (
            self._blobs.download(outputs.captions_srt, work / "captions.srt")
            if outputs.captions_srt
            else None
        )
        return Upload(
            video=video,
            size=video.stat().st_size,
            video_url=self._link(outputs.video, self._policy.link_expiry_s),
            metadata=post.metadata,
            duration_s=outputs.duration_s,
            thumbnail=thumbnail,
            captions_srt=captions,
            publish_at=post.scheduled_for,
            account_id=connection.account_id if connection is not None else "",
        )

    def _enqueue(self, schedule_id: str, platform: str, why: str) -> None:
        self._queue.enqueue(
            Task(
                steps.PUBLISH.name,
                {"schedule_id": schedule_id, "destination": platform},
                name=f"{schedule_id}-post-{platform}-{why}",
            )
        )
