"""Publishers: where a finished video goes when its time comes.

`Publisher` announces it to the user's webhook (common/adapters/webhook/); `PlatformPublisher`
posts it to a platform (common/adapters/youtube/, tiktok/, instagram/). Exactly-once is the
service's (common/services/calendar/posting.py): adapters record their upload session through
the `save` callback before they send bytes, and resume or adopt from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from common.domain.errors import StoryGeniusError
from common.domain.posts import PostMetadata
from common.domain.publishing import PublishedEvent, Receipt


class Publisher(Protocol):
    id: str

    def check_destination(self, url: str) -> str:
        """The destination normalised, or InvalidInputError naming `url` when it is not one
        this publisher may send to."""

    def publish(self, url: str, secret: str, event: PublishedEvent, at: datetime) -> Receipt:
        """Deliver `event` to `url`, signed with `secret` at time `at`. Never raises for a
        delivery that failed: the receipt says how, and whether another attempt may help."""


@dataclass(frozen=True)
class Upload:
    """A video to post: the file (with its thumbnail and captions, when there are some), a link
    to it the platform may fetch (Instagram pulls), and what to say about it."""

    video: Path
    size: int
    video_url: str
    metadata: PostMetadata
    duration_s: float | None = None
    thumbnail: Path | None = None
    captions_srt: Path | None = None
    publish_at: datetime | None = None
    account_id: str = ""


@dataclass(frozen=True)
class PostResult:
    """Where a post got to: `published` (with the platform's id, and link if it gives one),
    `scheduled` (uploaded with `Upload.publish_at`: the platform makes it public then) or
    `processing` (the platform is still working: poll again later)."""

    status: Literal["published", "scheduled", "processing"]
    video_id: str | None = None
    url: str | None = None
    note: str | None = None


class TokenRejectedError(StoryGeniusError):
    """The platform refused the access token (401): refresh it and try again."""

    code = "token_rejected"
    retryable = True


class PlatformQuotaError(StoryGeniusError):
    """The platform's quota is used up until `retry_at` (YouTube: the next quota day)."""

    code = "quota_exceeded"
    retryable = True

    def __init__(self, message: str, *, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class PlatformPublisher(Protocol):
    """One platform's upload API. `session` is what the post's ledger entry recorded so far;
    `save(session)` records a changed session *before* the step that needs it to be resumable
    (sending bytes after creating an upload session, publishing a finished container), so a
    crash at any point resumes or adopts instead of posting again. `gate()` is called before
    anything that counts against a per-token rate limit (it raises RetryableError to wait)."""

    platform: str

    def post(
        self,
        upload: Upload,
        token: str,
        session: dict[str, str],
        save: Callable[[dict[str, str]], None],
        gate: Callable[[], None],
    ) -> PostResult:
        """Upload (or resume, or adopt) and return where the post got to. Raises
        TokenRejectedError, PlatformQuotaError, ReconnectRequiredError or ProviderError
        (`retryable` for outages; otherwise with the platform's reason)."""

    def check(
        self, token: str, session: dict[str, str], save: Callable[[dict[str, str]], None]
    ) -> PostResult:
        """Look again at a post the platform was still processing."""

    def views(self, token: str, video_ids: list[str]) -> dict[str, int]:
        """View counts of posted videos, where the platform reports them ({} otherwise)."""

    def withdraw(self, token: str, session: dict[str, str], metadata: PostMetadata) -> str | None:
        """Keep a video uploaded ahead of its time (`scheduled`) from going public: it stays on
        the account, private. Returns its id, or None when the session made no video."""
