"""Usage analytics: what a user made and spent over a date range, in total and per project."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from common.domain.base import StrictModel
from common.domain.schedule import Instant, TimeZone


class ProviderUsage(StrictModel):
    """One provider's calls in the range (from the usage events)."""

    calls: int = 0
    units: float = 0.0
    unit: str = ""
    usd: float = 0.0


class StageTime(StrictModel):
    """How long jobs spent in one stage: how many timed, their mean and total, in seconds."""

    jobs: int = 0
    average_s: float = 0.0
    total_s: float = 0.0


class UsageTotals(StrictModel):
    """Totals over jobs created and provider calls made in the range."""

    videos: int = Field(0, description="jobs that finished with a video")
    seconds_rendered: float = Field(0.0, description="total length of those videos")
    jobs: dict[str, int] = Field(default_factory=dict, description="jobs by status")
    usd: float = Field(0.0, description="cost of every provider call")
    providers: dict[str, ProviderUsage] = Field(default_factory=dict)
    failures_by_stage: dict[str, int] = Field(default_factory=dict)
    stage_time: dict[str, StageTime] = Field(default_factory=dict)


class DestinationTotals(StrictModel):
    """Posts to one platform in the range, by outcome, and their views where reported."""

    posted: int = 0
    failed: int = 0
    reconnect: int = Field(0, description="stopped: the account must be connected again")
    pending: int = Field(0, description="queued, uploading, processing or scheduled")
    cancelled: int = 0
    views: int = Field(0, description="views of the posted videos, as last read")


class UsageReport(StrictModel):
    """`GET /v1/analytics/usage`: the caller's usage in [from, to), and per project."""

    owner: str
    start: Instant = Field(description="the range's start (inclusive), UTC")
    end: Instant = Field(description="the range's end (exclusive), UTC")
    project_id: str | None = None
    totals: UsageTotals
    projects: dict[str, UsageTotals] = Field(default_factory=dict)
    destinations: dict[str, DestinationTotals] = Field(
        default_factory=dict, description="posts to YouTube, TikTok, Instagram by outcome"
    )


class UsageQuery(StrictModel):
    """`GET /v1/analytics/usage` query: a date range and, optionally, one project."""

    from_: str | None = Field(None, alias="from", description="start; default: 30 days ago")
    to: str | None = Field(None, description="end (exclusive; a date counts whole); default: now")
    project_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    timezone: TimeZone = Field("UTC", description="zone that dates without a time are read in")

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)
