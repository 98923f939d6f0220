"""Series: a theme that makes a new video on a cadence and publishes each one on time.

Each run writes a new story on the theme: the next unused entry of `topics` when there is one,
and in any case told so as not to repeat the topics and titles of earlier runs (`used_topics`,
passed to the script writer). A run is a schedule (`schedules/{id}` with `series_id`); the
series keeps a short history of its runs, and a failed run is recorded here while the series
goes on to its next run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from common.domain.base import StrictModel
from common.domain.commands import PatchModel, ProjectSettingsPatch
from common.domain.paging import NEXT_CURSOR
from common.domain.posts import Destinations
from common.domain.project import ProjectSettings, clean_text
from common.domain.recurrence import Cadence
from common.domain.schedule import Instant, ScheduleError, TimeZone

SeriesStatus = Literal["active", "paused"]
RunStatus = Literal["claimed", "generating", "published", "failed", "skipped", "cancelled"]

RUNS_KEPT = 60  # history entries kept on the series document (older runs stay as schedules)
TOPICS_KEPT = 500  # used topics and titles remembered, most recent last
MAX_TOPIC_CHARS = 200


def _clean_topics(value: object) -> object:
    """Topics cleaned as prompts are, blanks and repeats (case-insensitive) dropped."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return value  # pydantic names what is wrong
    kept: list[str] = []
    seen: set[str] = set()
    for item in value:
        text = clean_text(item)
        if text and text.casefold() not in seen:
            kept.append(text)
            seen.add(text.casefold())
    return kept


def _topic_length(value: list[str]) -> list[str]:
    for topic in value:
        if not 1 <= len(topic) <= MAX_TOPIC_CHARS:
            raise ValueError(f"each topic must be 1 to {MAX_TOPIC_CHARS} characters")
    return value


# A command's topics (create and update alike): cleaned, blanks and repeats dropped, then at
# most 200 of 1 to MAX_TOPIC_CHARS characters each.
Topics = Annotated[
    list[str],
    Field(max_length=200),
    BeforeValidator(_clean_topics),
    AfterValidator(_topic_length),
]


class SeriesRun(StrictModel):
    """One run of a series, as its history shows it."""

    index: int = Field(ge=0)
    occurrence: Instant = Field(description="when the run was due to publish (UTC)")
    schedule_id: str | None = None
    project_id: str | None = None
    job_id: str | None = None
    topic: str | None = Field(None, max_length=MAX_TOPIC_CHARS)
    title: str | None = Field(None, max_length=300)
    status: RunStatus = "claimed"
    late: bool = False
    public_url: str | None = None
    error: ScheduleError | None = None


class Series(StrictModel):
    """A recurring series. `next_run_at` is its next publishing time; `next_at` is when the
    scheduler tick claims that run (publishing time minus the lead time), None while paused or
    once the cadence has ended."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    owner: str
    theme: str = Field(min_length=1, max_length=500)
    cadence: Cadence
    timezone: TimeZone
    settings: ProjectSettings
    topics: list[str] = Field(default_factory=list, max_length=200)
    destinations: Destinations = Field(default_factory=list)
    status: SeriesStatus = "active"
    anchor: str = Field(description="the cadence's start, a wall-clock time in `timezone`")
    next_run_at: Instant | None = None
    next_at: Instant | None = None
    run_count: int = Field(0, ge=0)
    runs: list[SeriesRun] = Field(default_factory=list)
    used_topics: list[str] = Field(default_factory=list)
    failures: int = Field(0, ge=0)
    last_error: ScheduleError | None = None
    created_at: Instant
    updated_at: Instant

    def run(self, index: int) -> SeriesRun | None:
        return next((r for r in self.runs if r.index == index), None)

    def next_topic(self) -> str | None:
        """The first entry of `topics` no run has used yet (case-insensitively)."""
        used = {t.casefold() for t in self.used_topics}
        return next((t for t in self.topics if t.casefold() not in used), None)

    def remember(self, *topics: str | None) -> None:
        """Add topics or titles to `used_topics` (once each; the oldest drop out)."""
        for topic in topics:
            if topic and topic.casefold() not in {t.casefold() for t in self.used_topics}:
                self.used_topics.append(topic[:MAX_TOPIC_CHARS])
        del self.used_topics[:-TOPICS_KEPT]


class SeriesView(Series):
    """A series as the API shows it: the next run also in its zone, and what comes after."""

    next_run_at_local: str | None = None
    rule: str = Field(description="the cadence as an RRULE line")
    upcoming: list[str] = Field(
        default_factory=list, description="the next few publishing times, in `timezone`"
    )


class SeriesList(StrictModel):
    """One page of the caller's series, newest first."""

    series: list[SeriesView]
    next_cursor: str | None = Field(None, description=NEXT_CURSOR)


# -- commands ---------------------------------------------------------------------------------


class CreateSeries(StrictModel):
    """A new series: a theme, a cadence in a zone, project settings and optional topics."""

    theme: str = Field(min_length=1, max_length=500)
    cadence: Cadence = Field(default_factory=Cadence)
    timezone: TimeZone = Field("UTC", description="IANA zone the cadence's times are in")
    settings: ProjectSettings = Field(default_factory=ProjectSettings)
    topics: Topics = Field(default_factory=list)
    destinations: Destinations = Field(
        default_factory=list, description="post every run to these connected platforms"
    )
    template_id: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="its runs start from this template's settings (GET /v1/templates); "
        "`settings` sent override them field by field",
    )

    @field_validator("theme", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value


if TYPE_CHECKING:
    _SettingsPatch = PatchModel
else:
    _SettingsPatch = ProjectSettingsPatch


class UpdateSeries(PatchModel):
    """Change a series: pause (`status: paused`) or resume it, or change what it makes.

    Resuming, or changing the cadence or zone, plans the next run from now: runs missed while
    paused are not made. Settings merge field by field; `topics` replaces the list.
    """

    status: SeriesStatus | None = None
    theme: str | None = Field(None, min_length=1, max_length=500)
    cadence: Cadence | None = None
    timezone: TimeZone | None = None
    settings: _SettingsPatch | None = None
    topics: Topics | None = None
    destinations: Destinations | None = None

    @field_validator("theme", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value
