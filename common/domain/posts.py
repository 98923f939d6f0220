"""Posts: a scheduled video going out to one platform, exactly once.

A schedule (or series) lists `destinations`; when its video is ready each destination gets a
post in the publish ledger, `posts/{schedule}--{platform}`, keyed by (schedule, destination).
The ledger records the platform's upload session (YouTube's resumable session URL, TikTok's
publish id, Instagram's container id) *before* any bytes go out, and the platform's video id as
soon as the platform reports it, so a duplicate delivery, a crash after the upload or a retry
resumes the session or adopts the video already made, and never posts twice.

    queued -> uploading -> (processing ->) published
       \\-> failed (with the platform's reason) | reconnect (the account must be connected again)
           | cancelled (disconnected, or the schedule was cancelled)

A public YouTube video ready before its time is uploaded early, private with `publishAt`, and
is `scheduled` (YouTube makes it public at `scheduled_for`, even if our tick is late) until that
time passes: queued -> uploading -> scheduled -> published. Cancelling the schedule meanwhile
withdraws it (`withdraw`: made private for good, kept on the channel) -> cancelled.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from common.domain.base import StrictModel
from common.domain.connections import Platform
from common.domain.instants import Instant
from common.domain.listings import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Hashtag,
    Listing,
    clamp_title,
    hashtags,
)
from common.domain.text import UserMultiline, UserText

PostStatus = Literal[
    "queued",
    "uploading",
    "processing",
    "scheduled",
    "published",
    "failed",
    "reconnect",
    "cancelled",
]
OPEN_POST_STATUSES: frozenset[str] = frozenset({"queued", "uploading", "processing", "scheduled"})
Privacy = Literal["public", "unlisted", "private"]

YOUTUBE_TITLE_MAX = TITLE_MAX
TIKTOK_CAPTION_MAX = 2200
INSTAGRAM_CAPTION_MAX = 2200
SHORTS_MAX_S = 180.0


def _one_per_platform(value: list[Destination]) -> list[Destination]:
    platforms = [d.platform for d in value]
    if len(set(platforms)) != len(platforms):
        raise ValueError("each platform may be listed once")
    return value


def post_id(schedule_id: str, platform: str) -> str:
    return f"{schedule_id}--{platform}"


class Destination(StrictModel):
    """Where a schedule's video is posted. `title`, `description` and `hashtags` override the
    story's listing for this platform (left out: the listing's, as edited on the project)."""

    platform: Platform
    title: UserText | None = Field(None, min_length=1, max_length=YOUTUBE_TITLE_MAX)
    description: UserMultiline | None = Field(None, max_length=DESCRIPTION_MAX)
    hashtags: list[Hashtag] | None = Field(None, max_length=30)
    privacy: Privacy = "public"
    made_for_kids: bool = False
    category_id: str = Field(
        "24", pattern=r"^\d{1,3}$", description="YouTube category (24: Entertainment)"
    )


# An upload ahead of its time starting closer to the time than this gains little over posting
# at the time (the upload itself takes a while), so it waits for the time instead.
EARLY_POST_MIN_S = 300.0


def posts_early(destination: Destination) -> bool:
    """Whether a video ready before its time goes to this destination ahead of it: YouTube's
    `publishAt` makes a private video public at a set time, so a public YouTube post can."""
    return destination.platform == "youtube" and destination.privacy == "public"


# A schedule's or series' destinations: at most one per platform.
Destinations = Annotated[list[Destination], Field(max_length=3), AfterValidator(_one_per_platform)]


class PostMetadata(StrictModel):
    """What a platform is sent with the video (written from the story, overrides applied)."""

    title: str = Field(max_length=YOUTUBE_TITLE_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX)
    hashtags: list[str] = Field(default_factory=list)
    language: str = "en"
    privacy: Privacy = "public"
    made_for_kids: bool = False
    category_id: str = "24"
    synthetic: bool = Field(True, description="declared as AI-generated / altered content")

    def caption(self, limit: int) -> str:
        """Title, description and hashtags as one caption (TikTok, Instagram)."""
        tags = " ".join(self.hashtags)
        text = "\n\n".join(part for part in (self.title, self.description, tags) if part)
        return text[:limit]


class PostError(StrictModel):
    code: str
    message: str = Field(max_length=1000)


class Post(StrictModel):
    """One (schedule, destination) in the publish ledger."""

    id: str
    owner: str
    schedule_id: str
    platform: Platform
    status: PostStatus = "queued"
    metadata: PostMetadata
    attempts: int = Field(0, ge=0)
    session: dict[str, str] = Field(
        default_factory=dict, description="the platform's upload session, recorded before bytes"
    )
    video_id: str | None = None
    url: str | None = None
    note: str | None = Field(None, max_length=500, description="e.g. posted privately, and why")
    error: PostError | None = None
    next_at: Instant | None = Field(None, description="when the tick should try it again")
    lease_until: Instant | None = Field(None, description="a delivery is working on it until")
    scheduled_for: Instant | None = Field(
        None, description="uploaded early: the platform makes it public at this time"
    )
    withdraw: bool = Field(False, description="the schedule was cancelled: take it back")
    posted_at: Instant | None = None
    views: int | None = None
    views_at: Instant | None = None
    views_due_at: Instant | None = Field(None, description="when the tick reads its views next")
    created_at: Instant
    updated_at: Instant

    @property
    def open(self) -> bool:
        return self.status in OPEN_POST_STATUSES


class PostSummary(StrictModel):
    """A post as its schedule shows it (the calendar reads this)."""

    platform: Platform
    status: PostStatus
    url: str | None = None
    video_id: str | None = None
    scheduled_for: Instant | None = None
    note: str | None = None
    error: str | None = None


def summary(post: Post) -> PostSummary:
    return PostSummary(
        platform=post.platform,
        status=post.status,
        url=post.url,
        video_id=post.video_id,
        scheduled_for=post.scheduled_for,
        note=post.note,
        error=None if post.error is None else f"{post.error.code}: {post.error.message}"[:500],
    )


def _youtube_text(text: str) -> str:
    # YouTube refuses a title or description holding < or > (invalidTitle, invalidDescription).
    return text.replace("<", "").replace(">", "")


def write_metadata(
    platform: str,
    destination: Destination,
    listing: Listing,
    *,
    language: str,
    duration_s: float | None,
    vertical: bool,
) -> PostMetadata:
    """What `platform` is sent: the story's `listing` for it, with the destination's overrides;
    on YouTube `#Shorts` for vertical videos up to 3 minutes, the hashtags under the
    description, and no < or >."""
    tags = destination.hashtags if destination.hashtags is not None else listing.hashtags
    tags = hashtags(tags)
    title = clamp_title(destination.title or listing.title)
    description = (
        destination.description if destination.description is not None else listing.description
    )
    if platform == "youtube":
        short = vertical and (duration_s or 0) <= SHORTS_MAX_S
        if short and "#shorts" not in {t.casefold() for t in tags}:
            tags.append("#Shorts")
        title, description = _youtube_text(title), _youtube_text(description)
        description = "\n\n".join(p for p in (description.strip(), " ".join(tags)) if p)
    return PostMetadata(
        title=title or "Untitled",
        description=description[:DESCRIPTION_MAX],
        hashtags=tags,
        language=language,
        privacy=destination.privacy,
        made_for_kids=destination.made_for_kids,
        category_id=destination.category_id,
    )
