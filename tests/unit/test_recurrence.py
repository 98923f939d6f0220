"""Cadences in time zones: wall-clock times kept across daylight-saving changes, stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from common.domain.commands import parse
from common.domain.errors import InvalidInputError
from common.domain.recurrence import Cadence, Recurrence
from common.domain.schedule import Schedule, localize, parse_when, stamp
from common.domain.series import CreateSeries

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def _local(instants: list[datetime], tz: ZoneInfo) -> list[str]:
    return [i.astimezone(tz).strftime("%a %m-%d %H:%M") for i in instants]


def test_a_daily_run_stays_at_nine_local_across_the_spring_change():
    rule = Recurrence(Cadence(kind="daily", time="09:00"), LONDON, datetime(2026, 3, 1))
    runs = rule.between(datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    assert _local(runs, LONDON) == [
        "Fri 03-27 09:00",
        "Sat 03-28 09:00",
        "Sun 03-29 09:00",
        "Mon 03-30 09:00",
        "Tue 03-31 09:00",
    ]
    # 09:00 GMT is 09:00 UTC; from the 29th, 09:00 BST is 08:00 UTC.
    assert [r.hour for r in runs] == [9, 9, 8, 8, 8]


def test_a_weekly_run_keeps_its_days_and_time_across_the_autumn_change():
    cadence = Cadence(kind="weekly", days=["thu", "mon"], time="18:30")
    rule = Recurrence(cadence, NEW_YORK, datetime(2026, 10, 1))
    runs = rule.between(datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC))
    assert _local(runs, NEW_YORK) == [
        "Mon 10-26 18:30",
        "Thu 10-29 18:30",
        "Mon 11-02 18:30",
        "Thu 11-05 18:30",
        "Mon 11-09 18:30",
    ]
    assert [r.hour for r in runs] == [22, 22, 23, 23, 23]  # EDT then EST
    assert cadence.describe() == "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=18;BYMINUTE=30"


def test_an_hourly_rrule_runs_once_per_instant_through_the_skipped_hour():
    cadence = Cadence(kind="rrule", rrule="rrule:freq=hourly;byminute=30")
    rule = Recurrence(cadence, LONDON, datetime(2026, 3, 28))
    runs = rule.between(datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 3, 29, 4, tzinfo=UTC))
    # 01:30 does not exist on the 29th: it is 02:30 BST, which is also the next run: one run.
    assert _local(runs, LONDON) == [
        "Sat 03-28 23:30",
        "Sun 03-29 00:30",
        "Sun 03-29 02:30",
        "Sun 03-29 03:30",
        "Sun 03-29 04:30",
    ]
    assert runs == sorted(set(runs))
    assert cadence.rrule == "FREQ=HOURLY;BYMINUTE=30"


def test_an_interval_rrule_keeps_its_phase_from_the_anchor():
    cadence = Cadence(kind="rrule", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", time="07:15")
    rule = Recurrence(cadence, LONDON, datetime(2026, 1, 2))  # a Friday
    runs = rule.between(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    assert _local(runs, LONDON) == ["Fri 01-02 07:15", "Fri 01-16 07:15", "Fri 01-30 07:15"]


def test_a_rule_with_a_count_ends():
    cadence = Cadence(kind="rrule", rrule="FREQ=DAILY;COUNT=2")
    rule = Recurrence(cadence, LONDON, datetime(2026, 5, 1))
    first = rule.next_after(datetime(2026, 4, 30, tzinfo=UTC))
    assert first is not None
    second = rule.next_after(first)
    assert second is not None and second - first == timedelta(days=1)
    assert rule.next_after(second) is None


def test_skipped_and_repeated_wall_clock_times_have_one_documented_instant():
    # Skipped (spring forward): moved forward by the gap, 01:30 -> 02:30 BST = 01:30 UTC.
    assert localize(datetime(2026, 3, 29, 1, 30), LONDON) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    # Repeated (fall back): the first of the two, 01:30 BST = 00:30 UTC.
    assert localize(datetime(2026, 10, 25, 1, 30), LONDON) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_stored_times_are_fixed_width_utc_text_to_the_second():
    when = datetime(2026, 3, 29, 9, 0, 0, 999_999, tzinfo=LONDON)
    assert stamp(when) == "2026-03-29T08:00:00Z"
    schedule = Schedule(
        id="s1",
        owner="u",
        project_id="p",
        timezone="Europe/London",
        publish_at=when,
        generate_at=when,
        next_at=when,
        created_at=when,
        updated_at=when,
    )
    data = schedule.model_dump(mode="json")
    assert data["publish_at"] == data["next_at"] == "2026-03-29T08:00:00Z"
    assert Schedule.model_validate(data) == schedule


def test_query_times_read_dates_in_the_zone_and_date_times_with_their_offset():
    assert parse_when("2026-03-29", LONDON, "from") == datetime(2026, 3, 29, 0, tzinfo=UTC)
    assert parse_when("2026-03-29", LONDON, "to", end_of_day=True) == datetime(
        2026, 3, 29, 23, tzinfo=UTC
    )
    # A '+' in a query string arrives as a space.
    assert parse_when("2026-06-01T09:00:00 02:00", LONDON, "from") == datetime(
        2026, 6, 1, 7, tzinfo=UTC
    )
    with pytest.raises(InvalidInputError) as info:
        parse_when("next tuesday", LONDON, "from")
    assert "from" in info.value.fields


@pytest.mark.parametrize(
    ("cadence", "field", "words"),
    [
        ({"kind": "weekly"}, "cadence", "at least one day"),
        ({"kind": "daily", "days": ["mon"]}, "cadence", "only a weekly"),
        ({"kind": "rrule"}, "cadence", "needs an RRULE"),
        ({"kind": "rrule", "rrule": "FREQ=MINUTELY"}, "cadence.rrule", "too frequent"),
        ({"kind": "rrule", "rrule": "BYDAY=MO"}, "cadence.rrule", "FREQ is required"),
        ({"kind": "rrule", "rrule": "FREQ=DAILY;BYHOUR=99"}, "cadence.rrule", "not a valid"),
        (
            {"kind": "rrule", "rrule": "DTSTART:20260101T000000\nFREQ=DAILY"},
            "cadence.rrule",
            "alone",
        ),
        ({"kind": "daily", "time": "25:00"}, "cadence.time", "pattern"),
    ],
)
def test_a_bad_cadence_is_refused_naming_the_field(cadence, field, words):
    with pytest.raises(InvalidInputError) as info:
        parse(CreateSeries, {"theme": "Sea tales", "cadence": cadence})
    assert field in info.value.fields
    assert words in info.value.fields[field]


def test_an_unknown_time_zone_is_refused_naming_the_field():
    with pytest.raises(InvalidInputError) as info:
        parse(CreateSeries, {"theme": "Sea tales", "timezone": "Mars/Olympus_Mons"})
    assert "unknown time zone" in info.value.fields["timezone"]
    with pytest.raises(InvalidInputError) as info:
        parse(CreateSeries, {"theme": "Sea tales", "timezone": "../../etc/passwd"})
    assert "timezone" in info.value.fields


def test_topics_are_cleaned_and_repeats_dropped():
    command = parse(
        CreateSeries, {"theme": "Sea tales", "topics": ["The storm", " the  STORM ", "A whale", ""]}
    )
    assert command.topics == ["The storm", "A whale"]
