"""Credits, daily limits and rate limits: the models and the errors that refuse work.

A user's `Account` holds a credit balance in USD. Starting a job holds its estimated cost
(`holds`), so two jobs started at once cannot both spend the same credit; each provider call then
debits its actual cost once (in the transaction that writes its usage event). `DailyUsage` counts
one UTC day's videos, rendered seconds and Veo seconds against `Limits`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.errors import StoryGeniusError

ACCOUNTS = "accounts"
USAGE_DAYS = "usage_days"
RATE_LIMITS = "rate_limits"


def day_doc_id(owner: str, day: str) -> str:
    return f"{owner}_{day}"


class Limits(StrictModel):
    """Per-user daily limits (UTC days)."""

    videos: int = Field(ge=0, description="jobs started")
    rendered_s: float = Field(ge=0, description="seconds of video requested")
    veo_s: float = Field(ge=0, description="seconds of Veo clips generated")


class DailyUsage(StrictModel):
    """What one user used on one UTC day (`day` as YYYY-MM-DD)."""

    owner: str
    day: str
    videos: int = 0
    rendered_s: float = 0.0
    veo_s: float = 0.0
    usd: float = 0.0


class Account(StrictModel):
    """A user's credit. `holds` maps each running job to what its estimate still reserves."""

    owner: str
    balance_usd: float
    granted_usd: float = 0.0
    spent_usd: float = 0.0
    holds: dict[str, float] = Field(default_factory=dict)
    created_at: datetime
    updated_at: datetime

    @property
    def held_usd(self) -> float:
        return round(sum(self.holds.values()), 6)

    @property
    def available_usd(self) -> float:
        return round(self.balance_usd - self.held_usd, 6)


class Estimate(StrictModel):
    """What a job is expected to use, computed before it starts (an upper bound: cached assets
    are not subtracted)."""

    usd: float = Field(ge=0)
    rendered_s: float = Field(ge=0)
    veo_s: float = Field(ge=0)
    lines: dict[str, float] = Field(default_factory=dict, description="usd per stage")
    scenes: dict[str, float] = Field(
        default_factory=dict, description="usd per scene (keyframe, narration, clip), once written"
    )
    videos: int = Field(1, ge=0, description="videos it counts against the daily limit")


class AccountView(StrictModel):
    """`GET /v1/account`: the caller's balance, what running jobs hold, today and the limits."""

    owner: str
    balance_usd: float
    held_usd: float
    available_usd: float
    spent_usd: float
    today: DailyUsage
    limits: Limits


class PaymentRequiredError(StoryGeniusError):
    """A job was refused before it started (402); `fields` says by how much."""

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields


class InsufficientCreditsError(PaymentRequiredError):
    code = "insufficient_credits"


class QuotaExceededError(PaymentRequiredError):
    code = "quota_exceeded"


class RateLimitedError(StoryGeniusError):
    """Too many requests from one user (429 with Retry-After)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: float, bucket: str) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.fields = {"bucket": bucket, "retry_after_s": f"{retry_after_s:.1f}"}
