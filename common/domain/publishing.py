"""Publishing: what is sent when a video goes out, and where (a user's webhook).

A webhook delivery is a POST of `PublishedEvent` as JSON, signed with the user's secret:

    X-StoryGenius-Event: video.published
    X-StoryGenius-Delivery: <schedule id>           (the same for every retry: de-duplicate on it)
    X-StoryGenius-Timestamp: <unix seconds>
    X-StoryGenius-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>

A receiver recomputes the HMAC over the timestamp, a dot and the raw body bytes, compares in
constant time, and refuses timestamps more than a few minutes old (replays).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.schedule import Instant

EVENT_HEADER = "X-StoryGenius-Event"
DELIVERY_HEADER = "X-StoryGenius-Delivery"
TIMESTAMP_HEADER = "X-StoryGenius-Timestamp"
SIGNATURE_HEADER = "X-StoryGenius-Signature"
SIGNATURE_VERSION = "v1"


class WebhookConfig(StrictModel):
    """A user's webhook: where published videos are announced, and the signing secret."""

    owner: str
    url: str
    secret: str = Field(repr=False)
    created_at: Instant


class SetWebhook(StrictModel):
    """Where to announce published videos: an https URL on the public internet."""

    url: str = Field(min_length=1, max_length=2048)


class WebhookView(StrictModel):
    """The caller's webhook; the secret itself is only shown when it is made."""

    url: str
    secret_hint: str = Field(description="the secret's last characters, to tell secrets apart")
    created_at: Instant


class WebhookCreated(WebhookView):
    """A new webhook and its signing secret: store it now, it is not shown again."""

    secret: str


class PublishedEvent(StrictModel):
    """The body of a `video.published` delivery."""

    event: Literal["video.published"] = "video.published"
    schedule_id: str
    project_id: str
    job_id: str
    series_id: str | None = None
    title: str | None = None
    video_url: str
    thumbnail_url: str | None = None
    link_expires_at: Instant | None = None
    duration_s: float | None = None
    publish_at: Instant = Field(description="when it was scheduled to publish")
    published_at: Instant
    timezone: str
    late: bool = False


class Receipt(StrictModel):
    """How one delivery went. `retryable`: a later attempt may succeed (timeouts, 5xx, 429)."""

    ok: bool
    status: int | None = None
    retryable: bool = False
    error: str | None = Field(None, max_length=500)
    latency_ms: int = Field(0, ge=0)
