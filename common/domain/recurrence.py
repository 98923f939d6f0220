"""When a series runs: a cadence (daily, weekly on some days, or an RFC 5545 RRULE) at a
wall-clock time in an IANA zone.

Occurrences are computed as wall-clock times in the series' zone (python-dateutil's rrule on
naive local times) and only then turned into UTC (`localize`), so "every day at 09:00
Europe/London" is 09:00 local on both sides of a daylight-saving change (08:00 UTC in summer,
09:00 UTC in winter). Two wall-clock occurrences that land on the same instant (an hourly rule
across the skipped hour) run once.
"""

from __future__ import annotations

import datetime as datetime_module
import re
import types
from collections.abc import Iterator
from datetime import datetime, timedelta
from datetime import time as wall_clock
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from common.domain.base import StrictModel
from common.domain.errors import InvalidInputError
from common.domain.schedule import localize

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A video a minute (or a second) is not a series; hourly is the most frequent cadence.
ALLOWED_FREQS = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_SEARCH_LIMIT = 10_000  # occurrences skipped at most while looking for the next one
# Runs at least this far apart, whatever the rule's words (FREQ=HOURLY;BYMINUTE=0,1,2 is a run
# a minute), and at least one run in the year ahead (FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30 never
# runs).
MIN_GAP = timedelta(hours=1)
HORIZON = timedelta(days=366)
CADENCE_FIELD = "cadence"


class Cadence(StrictModel):
    """How often a series runs.

    - `daily`: every day at `time`;
    - `weekly`: on `days` (mon..sun) at `time`;
    - `rrule`: an RFC 5545 RRULE without DTSTART, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH`.
      Times of day come from BYHOUR/BYMINUTE when given, else from `time` (an HOURLY rule runs
      every hour of the day, at `time`'s minute unless BYMINUTE says otherwise); HOURLY is the
      most frequent rule accepted.
    """

    kind: Literal["daily", "weekly", "rrule"] = "daily"
    time: str = Field("09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM local")
    days: list[Weekday] = Field(default_factory=list, max_length=7)
    rrule: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _check(self) -> Cadence:
        if self.kind == "weekly" and not self.days:
            raise ValueError("days: a weekly cadence needs at least one day (mon..sun)")
        if self.kind != "weekly" and self.days:
            raise ValueError("days: only a weekly cadence takes days")
        if self.kind == "rrule" and not self.rrule:
            raise ValueError("rrule: an rrule cadence needs an RRULE")
        if self.kind != "rrule" and self.rrule is not None:
            raise ValueError("rrule: only an rrule cadence takes an RRULE")
        return self

    @field_validator("rrule")
    @classmethod
    def _normalise(cls, value: str | None) -> str | None:
        return None if value is None else _check_rrule(value)

    @property
    def wall_time(self) -> wall_clock:
        hour, minute = self.time.split(":")
        return wall_clock(int(hour), int(minute))

    def describe(self) -> str:
        """The cadence as one RRULE line (what a calendar app would import)."""
        if self.kind == "rrule":
            assert self.rrule is not None
            return self.rrule
        at = f"BYHOUR={self.wall_time.hour};BYMINUTE={self.wall_time.minute}"
        if self.kind == "daily":
            return f"FREQ=DAILY;{at}"
        days = ",".join(d[:2].upper() for d in sorted(self.days, key=WEEKDAYS.index))
        return f"FREQ=WEEKLY;BYDAY={days};{at}"


def _check_rrule(text: str) -> str:
    """The RRULE normalised (no `RRULE:` prefix, upper case), or ValueError saying why not."""
    from dateutil.rrule import rrulestr

    rule = re.sub(r"^RRULE:", "", text.strip(), flags=re.I).upper()
    if "DTSTART" in rule or "\n" in rule:
        raise ValueError("rrule: give the RRULE alone (no DTSTART; the series sets the start)")
    freq = re.search(r"(?:^|;)FREQ=([A-Z]+)", rule)
    if freq is None:
        raise ValueError("rrule: FREQ is required (e.g. FREQ=WEEKLY;BYDAY=MO)")
    if freq[1] not in ALLOWED_FREQS:
        raise ValueError(f"rrule: FREQ={freq[1]} is too frequent or unknown (HOURLY at most)")
    if "BYSECOND" in rule:
        raise ValueError("rrule: BYSECOND is not supported (runs are on the minute)")
    try:
        rrulestr(rule, dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"rrule: not a valid RRULE ({exc})") from exc
    return rule


class Recurrence:
    """The occurrences of a cadence in a zone. `anchor` (local, naive) is the rule's DTSTART:
    it fixes the phase of INTERVAL rules and is the earliest possible occurrence."""

    def __init__(self, cadence: Cadence, tz: ZoneInfo, anchor: datetime) -> None:
        self.cadence = cadence
        self.tz = tz
        self.anchor = anchor.replace(tzinfo=None, second=0, microsecond=0)

    def _rule(self, near: datetime) -> object:
        from dateutil.rrule import DAILY, WEEKLY, rrule, rrulestr

        at = self.cadence.wall_time
        if self.cadence.kind == "rrule":
            assert self.cadence.rrule is not None
            rule = self.cadence.rrule
            hourly = "FREQ=HOURLY" in rule
            # An hourly rule runs from the anchor day's first hour, not from `time`.
            start = datetime.combine(self.anchor.date(), wall_clock(0, at.minute) if hourly else at)
            if "BYMINUTE" not in rule and not hourly:
                rule += f";BYMINUTE={at.minute}"
            if "BYHOUR" not in rule and not hourly:
                rule += f";BYHOUR={at.hour}"
            return rrulestr(rule + ";BYSECOND=0", dtstart=start)
        # Daily and weekly rules have no phase: start them a little before `near`, not at the
        # anchor, so finding the next occurrence does not walk every day since the anchor.
        start = max(self.anchor, datetime.combine(near.date() - timedelta(days=8), wall_clock()))
        common = {"dtstart": start, "byhour": at.hour, "byminute": at.minute, "bysecond": 0}
        if self.cadence.kind == "daily":
            return rrule(DAILY, **common)
        days = [WEEKDAYS.index(d) for d in self.cadence.days]
        return rrule(WEEKLY, byweekday=days, **common)

    def check(self, start: datetime) -> None:
        """That the cadence runs in the year from the instant `start`, each run at least
        MIN_GAP after the one before; InvalidInputError naming `cadence` otherwise."""
        wall_start = start.astimezone(self.tz).replace(tzinfo=None)
        end = wall_start + HORIZON
        previous: datetime | None = None
        for wall in _occurrences_until(self._rule(wall_start), end.year + 1):
            if wall < wall_start:
                continue
            if wall >= end:
                break
            if previous is not None and wall - previous < MIN_GAP:
                _refuse(
                    f"runs at {previous:%Y-%m-%d %H:%M} and {wall:%H:%M}: runs must be at least "
                    f"{MIN_GAP.total_seconds() / 3600:g} hour apart"
                )
            previous = wall
        if previous is None:
            _refuse("has no run in the next year")

    def next_after(self, after: datetime) -> datetime | None:
        """The first occurrence strictly after the instant `after`, in UTC (None: the rule
        has ended, e.g. its COUNT or UNTIL)."""
        # Look from a few hours before `after` in local time: an offset change moves local
        # time by up to an hour or two either way.
        probe = after.astimezone(self.tz).replace(tzinfo=None) - timedelta(hours=3)
        probe = max(probe, self.anchor - timedelta(seconds=1))
        rule = self._rule(probe)
        for _ in range(_SEARCH_LIMIT):
            wall = rule.after(probe, inc=False)  # type: ignore[attr-defined]
            if wall is None:
                return None
            instant = localize(wall, self.tz)
            if instant > after:
                return instant
            probe = wall
        return None

    def between(self, start: datetime, end: datetime, limit: int = 500) -> list[datetime]:
        """Occurrences in [start, end), in UTC, at most `limit`."""
        found: list[datetime] = []
        current = self.next_after(start - timedelta(seconds=1))
        while current is not None and current < end and len(found) < limit:
            found.append(current)
            current = self.next_after(current)
        return found


def _refuse(why: str) -> None:
    raise InvalidInputError(f"{CADENCE_FIELD}: {why}", fields={CADENCE_FIELD: why})


def _occurrences_until(rule: Any, last_year: int) -> Iterator[datetime]:
    """The rule's occurrences in order, stopping after `last_year`.

    dateutil walks a rule that never matches (30 February) period by period up to year 9999,
    seconds of CPU for one request, and it reads that bound from the `datetime` module. So the
    rule's own generator runs here with a `datetime` whose MAXYEAR is `last_year` (a copy of the
    function with other globals: nothing shared is changed)."""
    from dateutil import rrule as rrule_module

    bounded = types.SimpleNamespace(**vars(datetime_module))
    bounded.MAXYEAR = min(last_year, datetime_module.MAXYEAR)
    source = rrule_module.rrule._iter
    walk = types.FunctionType(
        source.__code__,
        {**vars(rrule_module), "datetime": bounded},
        source.__name__,
        source.__defaults__,
        source.__closure__,
    )
    iterator: Iterator[datetime] = walk(rule)
    return iterator
