"""The publish ledger: one entry per (schedule, destination), `posts/{schedule}--{platform}`,
and every write to it (common/services/calendar/posting.py says how posting uses it).

Each write is a transaction on the entry: created once (a second delivery finds it), claimed
with a lease (one holder at a time), its upload session saved before bytes go out, its outcome
written last and only by the attempt that still holds it. Each change is mirrored as a summary
on the schedule (`posts`), which the calendar shows; an entry whose schedule was deleted with
its project stands alone.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

from common.domain.errors import NotFoundError
from common.domain.posts import OPEN_POST_STATUSES, Post, post_id, summary
from common.domain.schedule import Schedule, stamp
from common.ports import Clock, DocumentStore, Transaction
from common.services.calendar.schedules import ScheduleRepository

log = logging.getLogger(__name__)

COLLECTION = "posts"


class PostLedger:
    def __init__(
        self, store: DocumentStore, clock: Clock, schedules: ScheduleRepository, lease_s: float
    ) -> None:
        self._store = store
        self._clock = clock
        self._schedules = schedules
        self._lease_s = lease_s

    def find(self, schedule_id: str, platform: str) -> Post | None:
        doc = self._store.get(COLLECTION, post_id(schedule_id, platform))
        return None if doc is None else Post.model_validate(doc.data)

    def due(self, now: datetime, limit: int) -> list[str]:
        """Ids of open posts whose next try (or expired lease) has come."""
        docs = self._store.query(
            COLLECTION, [("next_at", "<=", stamp(now))], order_by="next_at", limit=limit
        )
        return [d.id for d in docs if d.data.get("status") in OPEN_POST_STATUSES]

    def views_due(self, now: datetime, limit: int) -> list[Post]:
        """Posted videos whose view count is due for a reading, earliest first."""
        docs = self._store.query(
            COLLECTION, [("views_due_at", "<=", stamp(now))], order_by="views_due_at", limit=limit
        )
        return [Post.model_validate(d.data) for d in docs]

    def of_owner(self, owner: str, start: datetime, end: datetime) -> list[Post]:
        """The owner's posts created in [start, end) (analytics)."""
        docs = self._store.query(
            COLLECTION,
            [
                ("owner", "==", owner),
                ("created_at", ">=", stamp(start)),
                ("created_at", "<", stamp(end)),
            ],
        )
        return [Post.model_validate(d.data) for d in docs]

    def create(self, post: Post) -> bool:
        """Write a new entry; False when it exists (made by an earlier delivery)."""

        def create(tx: Transaction) -> bool:
            if tx.get(COLLECTION, post.id) is not None:
                return False
            tx.create(COLLECTION, post.id, post.model_dump(mode="json"))
            return True

        created = self._store.transaction(create)
        if created:
            self.mirror(post)
        return bool(created)

    def mark_withdrawn(self, key: str) -> Post | None:
        """A cancelled schedule's open entry: cancelled when nothing was sent for it, else
        marked `withdraw` and due now. None when there was nothing to change."""
        now = self._clock.now()

        def mark(tx: Transaction) -> Post | None:
            doc = tx.get(COLLECTION, key)
            if doc is None:
                return None
            post = Post.model_validate(doc.data)
            if not post.open or post.withdraw:
                return None
            if post.status == "queued" and not post.session:
                post.status, post.next_at = "cancelled", None
                post.note = "the schedule was cancelled"
            else:
                post.withdraw, post.next_at = True, now
            post.updated_at = now
            tx.set(COLLECTION, key, post.model_dump(mode="json"))
            return post

        post = self._store.transaction(mark)
        if post is not None:
            self.mirror(post)
        return post

    def claim(self, schedule_id: str, platform: str) -> Post | None:
        """The open entry, leased to this delivery; None when it is done with, another
        delivery holds it, or its retry (or poll) is not due yet."""
        now = self._clock.now()
        lease = timedelta(seconds=self._lease_s)

        def claim(tx: Transaction) -> Post | None:
            doc = tx.get(COLLECTION, post_id(schedule_id, platform))
            if doc is None:
                return None
            post = Post.model_validate(doc.data)
            if not post.open or (post.lease_until is not None and post.lease_until > now):
                return None
            if post.next_at is not None and post.next_at > now and post.attempts > 0:
                return None  # a retry or a poll not due yet (an early or duplicate task)
            post.attempts += 1
            post.lease_until = post.next_at = now + lease
            if post.status == "queued":
                post.status = "uploading"
            post.updated_at = now
            tx.set(COLLECTION, post.id, post.model_dump(mode="json"))
            return post

        post = self._store.transaction(claim)
        if post is not None:
            self.mirror(post)
        return post

    def save_session(self, post: Post, session: dict[str, str]) -> None:
        """Record the platform's upload session (before the bytes it makes resumable)."""

        def save(tx: Transaction) -> None:
            doc = tx.get(COLLECTION, post.id)
            if doc is None:
                return
            current = Post.model_validate(doc.data)
            current.session = dict(session)
            current.updated_at = self._clock.now()
            tx.set(COLLECTION, post.id, current.model_dump(mode="json"))

        self._store.transaction(save)
        post.session.clear()
        post.session.update(session)

    def finish(
        self, post: Post, *, status: str, next_at: datetime | None = None, **changes: Any
    ) -> None:
        """Write the attempt's outcome (the ack), unless a later attempt took the entry over."""
        now = self._clock.now()

        def finish(tx: Transaction) -> Post | None:
            doc = tx.get(COLLECTION, post.id)
            if doc is None:
                return None
            current = Post.model_validate(doc.data)
            if current.attempts != post.attempts:
                return None
            data = current.model_dump()
            # Cancelled while this attempt ran: withdraw at the next tick.
            later = now if current.withdraw and status in OPEN_POST_STATUSES else next_at
            data.update(changes, status=status, lease_until=None, next_at=later, updated_at=now)
            if status == "published":
                data["error"] = None
            done = Post.model_validate(data)
            tx.set(COLLECTION, post.id, done.model_dump(mode="json"))
            return done

        done = self._store.transaction(finish)
        if done is not None:
            self.mirror(done)
            where = {"schedule_id": done.schedule_id, "platform": done.platform}
            log.info("post %s: %s", done.id, done.status, extra={**where, "post": done.status})

    def mirror(self, post: Post) -> None:
        """The post's summary on its schedule (the calendar shows it)."""
        shown = summary(post)

        def put(s: Schedule) -> None:
            others = [p for p in s.posts if p.platform != post.platform]
            order = [d.platform for d in s.destinations]
            merged = [*others, shown]
            merged.sort(key=lambda p: order.index(p.platform) if p.platform in order else 9)
            s.posts = merged

        with contextlib.suppress(NotFoundError):  # deleted with its project: the entry stays
            self._schedules.mutate(post.schedule_id, put)

    def set_views(self, key: str, views: int | None, due: datetime | None, now: datetime) -> None:
        """A view count read (None: not read this time) and when to read it next."""

        def put(tx: Transaction) -> None:
            doc = tx.get(COLLECTION, key)
            if doc is None:
                return
            post = Post.model_validate(doc.data)
            if views is not None:
                post.views, post.views_at = views, now
            post.views_due_at = due
            tx.set(COLLECTION, key, post.model_dump(mode="json"))

        self._store.transaction(put)
