"""Schedules: a project generated ahead of time and published at a moment, on a calendar.

Times are stored in UTC, to the second, as fixed-width ISO text (`2026-03-29T08:00:00Z`): range
queries on `next_at` and `publish_at` compare text, and one width keeps text order equal to time
order in every store. Each schedule also keeps the IANA zone the user gave, so the API shows its
times back in that zone.

Wall-clock times in a zone (`localize`): a time the clocks skip (the spring-forward hour) is taken
with the offset before the change, i.e. moved forward by the gap (01:30 on the night London
changes to summer time is published at 02:30 BST); a time that happens twice (the autumn hour)
is its first occurrence.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, ConfigDict, Field

from common.domain.base import StrictModel
from common.domain.connections import Platform
from common.domain.errors import InvalidInputError

# Re-exported: they lived here first, and the calendar imports them from here.
from common.domain.instants import Instant as Instant
from common.domain.instants import stamp as stamp
from common.domain.instants import to_utc as to_utc
from common.domain.posts import Destinations, PostSummary

ScheduleStatus = Literal["scheduled", "generating", "published", "failed", "cancelled", "skipped"]
# Where each status goes next: the tick looks at "scheduled" (start generating) and
# "generating" (publish); the rest are final.
OPEN_STATUSES: frozenset[str] = frozenset({"scheduled", "generating"})
WebhookState = Literal["none", "pending", "delivered", "failed"]

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
MAX_DELIVERIES_KEPT = 50


# Years a query's `from`/`to` may name.
QUERY_YEARS = range(1970, 3000)


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    """The IANA time zone `name`; InvalidInputError naming `field` when there is none."""
    try:
        return _zone(name)
    except ValueError as exc:
        raise InvalidInputError(f"{field}: {exc}", fields={field: str(exc)}) from exc


def _zone(name: str) -> ZoneInfo:
    if not isinstance(name, str) or not name or len(name) > 64 or ".." in name:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/London)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/London)"
        ) from exc


def check_zone(name: str) -> str:
    """A pydantic validator: the name when it is a known IANA zone (ValueError otherwise)."""
    _zone(name)
    return name


# The name of a known IANA time zone (a field of this type rejects any other).
TimeZone = Annotated[str, AfterValidator(check_zone)]


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of the wall-clock time `wall` (naive) in `tz` (see the module doc for
    skipped and repeated times: fold=0 gives exactly that policy)."""
    return to_utc(wall.replace(tzinfo=tz, fold=0))


def local_text(value: datetime, tz: ZoneInfo) -> str:
    """`value` shown in `tz` with its offset, to the second (`2026-03-30T09:00:00+01:00`)."""
    return value.astimezone(tz).replace(microsecond=0).isoformat()


def parse_when(text: str, tz: ZoneInfo, field: str, *, end_of_day: bool = False) -> datetime:
    """A point in time from a query string: an ISO datetime (with an offset, or naive in `tz`)
    or a date (its start in `tz`; with `end_of_day`, the start of the next day), in the years
    QUERY_YEARS (so that a range a year long around it is still a date: 9999-12-31 plus a day
    is not)."""
    value = (text or "").strip().replace(" ", "+")  # '+' in a query string arrives as a space
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            _check_year(day.year, field)
            if end_of_day:
                day += timedelta(days=1)
            return localize(datetime.combine(day, time()), tz)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        why = "must be an ISO date (2026-03-29) or date-time (2026-03-29T09:00:00+01:00)"
        raise InvalidInputError(f"{field}: {why}", fields={field: why}) from exc
    _check_year(parsed.year, field)
    return to_utc(parsed) if parsed.tzinfo is not None else localize(parsed, tz)


def _check_year(year: int, field: str) -> None:
    if year not in QUERY_YEARS:
        why = f"must be in the years {QUERY_YEARS.start} to {QUERY_YEARS.stop - 1}"
        raise InvalidInputError(f"{field}: {why}", fields={field: why})


def resolve_publish_at(value: datetime, timezone: str, field: str = "publish_at") -> datetime:
    """A requested publishing time in UTC: an aware time as it is, a naive one in `timezone`."""
    if value.tzinfo is not None:
        return to_utc(value)
    return localize(value, zone(timezone))


class ScheduleError(StrictModel):
    """Why a schedule (or a series run) did not publish: where, and what happened."""

    stage: str = Field(description="start, script, references, scenes, assembly, publish")
    code: str
    message: str = Field(max_length=1000)


class DeliveryAttempt(StrictModel):
    """One webhook delivery attempt, as the delivery log keeps it."""

    attempt: int = Field(ge=1)
    at: Instant
    status: int | None = Field(None, description="the receiver's HTTP status, if it answered")
    ok: bool
    error: str | None = Field(None, max_length=500)
    latency_ms: int = Field(ge=0)


class Schedule(StrictModel):
    """A video to be generated and published at `publish_at` (UTC, shown in `timezone`).

    `next_at` is when the scheduler tick should look at it next (start generating at
    `generate_at`, publish at `publish_at`); None once it needs nothing more. `claims` counts the
    tick's claims: the tasks a claim enqueues are named after it, so each is enqueued once.
    """

    id: str = Field(pattern=ID_PATTERN)
    owner: str
    project_id: str | None = Field(None, description="None for a series run until it starts")
    series_id: str | None = None
    run_index: int | None = Field(None, ge=0, description="series runs: 0 for the first")
    topic: str | None = Field(None, max_length=200)
    timezone: TimeZone
    publish_at: Instant
    generate_at: Instant = Field(description="when generation starts (publish_at - lead time)")
    status: ScheduleStatus = "scheduled"
    next_at: Instant | None = None
    claims: int = Field(0, ge=0)
    job_id: str | None = None
    late: bool = Field(False, description="started after its time (catching up after downtime)")
    title: str | None = Field(None, max_length=300)
    public_url: str | None = None
    link_expires_at: Instant | None = None
    published_at: Instant | None = None
    webhook: WebhookState = "none"
    deliveries: list[DeliveryAttempt] = Field(default_factory=list)
    destinations: Destinations = Field(
        default_factory=list, description="platforms the video is posted to when it publishes"
    )
    posts: list[PostSummary] = Field(
        default_factory=list, description="each destination's post: status, link, reason"
    )
    error: ScheduleError | None = None
    created_at: Instant
    updated_at: Instant

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


class ScheduleView(Schedule):
    """A schedule as the API shows it: its times also in the schedule's own zone."""

    publish_at_local: str = Field(description="publish_at in `timezone`, with its offset")
    generate_at_local: str
    local_date: str = Field(description="the calendar day of publish_at in `timezone`")

    @classmethod
    def of(cls, schedule: Schedule, tz_name: str | None = None) -> ScheduleView:
        tz = zone(tz_name or schedule.timezone)
        local = schedule.publish_at.astimezone(tz)
        return cls(
            **schedule.model_dump(),
            publish_at_local=local_text(schedule.publish_at, tz),
            generate_at_local=local_text(schedule.generate_at, tz),
            local_date=local.date().isoformat(),
        )


# -- commands ---------------------------------------------------------------------------------


class CreateSchedule(StrictModel):
    """Publish one of the caller's projects at `publish_at`.

    `publish_at` with an offset (`2026-03-30T09:00:00+01:00` or `...Z`) is that instant; without
    one (`2026-03-30T09:00:00`) it is a wall-clock time in `timezone`. Generation starts early
    enough to be ready (the lead time grows with the video's duration).
    """

    project_id: str = Field(pattern=ID_PATTERN)
    publish_at: datetime
    timezone: TimeZone = Field("UTC", description="IANA zone, e.g. Europe/London")
    destinations: Destinations = Field(
        default_factory=list,
        description="post to these connected platforms too (YouTube, TikTok, Instagram)",
    )


class UpdateSchedule(StrictModel):
    """Change a schedule that has not been published yet (409 otherwise): move it
    (`publish_at`, read like a create's; `timezone`), or change where it posts and with what
    (`destinations`, the whole list: each platform's title, description and hashtags override
    the story's listing). Left out: unchanged."""

    publish_at: datetime | None = None
    timezone: TimeZone | None = Field(None, description="a new zone; left out: the schedule's")
    destinations: Destinations | None = Field(
        None, description="the whole list; a platform whose post has started cannot change"
    )


class CalendarQuery(StrictModel):
    """`GET /v1/schedules` query: a date range (dates or date-times) and the zone to show it in."""

    from_: str | None = Field(
        None, alias="from", description="start (inclusive); default: today in `timezone`"
    )
    to: str | None = Field(None, description="end (exclusive; a date counts whole); default +31d")
    timezone: TimeZone = Field("UTC", description="IANA zone the calendar is shown in")

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


class PublishCommand(StrictModel):
    """The payload of a publish step task: which schedule, ids only."""

    schedule_id: str = Field(pattern=ID_PATTERN)
    wait: int = Field(0, ge=0, description="how many times it waited for the video so far")
    destination: Platform | None = Field(None, description="post to this platform (its ledger)")


class PlannedRun(StrictModel):
    """A series run the calendar shows before it is claimed (it has no schedule yet)."""

    series_id: str
    theme: str
    publish_at: Instant
    publish_at_local: str
    local_date: str


class Calendar(StrictModel):
    """`GET /v1/schedules`: the caller's schedules publishing in [start, end), and the runs of
    active series planned in that range, shown in `timezone`."""

    start: Instant
    end: Instant
    timezone: str
    schedules: list[ScheduleView]
    planned: list[PlannedRun] = Field(default_factory=list)
