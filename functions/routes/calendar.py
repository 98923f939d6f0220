"""The calendar: schedules, recurring series, the webhook that announces published videos, and
usage analytics. Routes only translate: JSON and query strings into commands, one service call,
the result as JSON (another user's schedule or series is a 404, as if it did not exist).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from common.domain.analytics import UsageQuery, UsageReport
from common.domain.errors import InvalidInputError
from common.domain.paging import PageQuery
from common.domain.publishing import SetWebhook, WebhookCreated, WebhookView
from common.domain.schedule import (
    Calendar,
    CalendarQuery,
    CreateSchedule,
    PlannedRun,
    ScheduleView,
    UpdateSchedule,
    local_text,
    localize,
    parse_when,
    zone,
)
from common.domain.series import CreateSeries, SeriesList, SeriesView, UpdateSeries
from functions.http import Response, json_response
from functions.routing import Call, dump, route

DEFAULT_CALENDAR_DAYS = 31
MAX_RANGE_DAYS = 366
DEFAULT_USAGE_DAYS = 30


def _range(
    start_text: str | None,
    end_text: str | None,
    tz_name: str,
    default_start: datetime,
    default_days: int,
) -> tuple[datetime, datetime]:
    """[start, end) from `from`/`to` query values (dates count whole days in `tz_name`)."""
    tz = zone(tz_name)
    start = parse_when(start_text, tz, "from") if start_text else default_start
    end = (
        parse_when(end_text, tz, "to", end_of_day=True)
        if end_text
        else start + timedelta(days=default_days)
    )
    if end <= start:
        raise InvalidInputError("to: must be after from", fields={"to": "must be after from"})
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        why = f"the range may span at most {MAX_RANGE_DAYS} days"
        raise InvalidInputError(f"to: {why}", fields={"to": why})
    return start, end


# -- schedules --------------------------------------------------------------------------------


@route(
    "POST", "/v1/schedules", body=CreateSchedule, response=ScheduleView, status=201, errors=(404,)
)
def create_schedule(call: Call[CreateSchedule, None]) -> Response:
    """Publish one of your projects at a time: it is generated ahead, published on time.

    `publish_at` with an offset is that instant; without one it is a wall-clock time in
    `timezone` (IANA, default UTC). Times are stored in UTC and shown back in the zone
    (`publish_at_local`). Generation starts the lead time before (it grows with the video's
    duration). A time in the past is a 400 naming `publish_at`; another user's project a 404.
    """
    schedule = call.svc.schedules.create(call.owner, call.body)
    return json_response(dump(ScheduleView.of(schedule)), 201)


@route("GET", "/v1/schedules", query=CalendarQuery, response=Calendar)
def list_schedules(call: Call[None, CalendarQuery]) -> Response:
    """Your calendar: schedules publishing in [from, to), and the planned runs of your series.

    `from` and `to` are dates (whole days in `timezone`) or date-times; by default the 31 days
    from today. Every time is also shown in `timezone`. At most 366 days at once.
    """
    query, svc = call.query, call.svc
    tz = zone(query.timezone)
    today = svc.clock.now().astimezone(tz).replace(tzinfo=None)
    midnight = localize(today.replace(hour=0, minute=0, second=0, microsecond=0), tz)
    start, end = _range(query.from_, query.to, query.timezone, midnight, DEFAULT_CALENDAR_DAYS)
    schedules = [
        ScheduleView.of(s, query.timezone) for s in svc.schedules.calendar(call.owner, start, end)
    ]
    planned = [
        PlannedRun(
            series_id=series.id,
            theme=series.theme,
            publish_at=when,
            publish_at_local=local_text(when, tz),
            local_date=when.astimezone(tz).date().isoformat(),
        )
        for series, when in svc.series.planned(call.owner, start, end)
    ]
    calendar = Calendar(
        start=start, end=end, timezone=query.timezone, schedules=schedules, planned=planned
    )
    return json_response(dump(calendar))


@route("GET", "/v1/schedules/{schedule_id}", response=ScheduleView)
def get_schedule(call: Call[None, None]) -> Response:
    """One of your schedules: its status, job, public link and webhook delivery log."""
    schedule = call.svc.schedules.get(call.owner, call.params["schedule_id"])
    return json_response(dump(ScheduleView.of(schedule)))


@route(
    "PATCH",
    "/v1/schedules/{schedule_id}",
    body=UpdateSchedule,
    response=ScheduleView,
    errors=(409,),
)
def move_schedule(call: Call[UpdateSchedule, None]) -> Response:
    """Move a schedule to another time (and zone), or change its destinations, before it is
    published.

    A schedule already published, failed or cancelled is a 409 `schedule_closed`. A schedule
    whose video is being made keeps its job and publishes at the new time. Once its video is
    scheduled on YouTube ahead of the time, the time and the YouTube destination are a 409
    `post_started` (cancel the schedule to take the video back).
    """
    schedule = call.svc.schedules.update(call.owner, call.params["schedule_id"], call.body)
    return json_response(dump(ScheduleView.of(schedule)))


@route("DELETE", "/v1/schedules/{schedule_id}", status=204, errors=(409,))
def cancel_schedule(call: Call[None, None]) -> Response:
    """Cancel a schedule (and its job, if it is being made); it stays in the calendar as
    cancelled, and a video already scheduled on YouTube is made private for good. A published
    one is a 409 `schedule_closed`."""
    call.svc.schedules.cancel(call.owner, call.params["schedule_id"])
    return "", 204, {}


# -- series -----------------------------------------------------------------------------------


@route("POST", "/v1/series", body=CreateSeries, response=SeriesView, status=201)
def create_series(call: Call[CreateSeries, None]) -> Response:
    """Start a series: a new video on `theme` at every occurrence of `cadence`.

    `cadence`: `{"kind": "daily", "time": "09:00"}`, `{"kind": "weekly", "days": ["mon",
    "thu"], "time": "18:30"}` or `{"kind": "rrule", "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"}`,
    at wall-clock times in `timezone` (kept across daylight-saving changes). Each run writes a
    new story (the next of `topics`, and never an earlier run's topic or title), generates it
    and publishes it on time; a run that fails is recorded and the series goes on.
    """
    svc = call.svc
    series = svc.series.create(call.owner, call.body)
    return json_response(dump(svc.series.view(series)), 201)


@route("GET", "/v1/series", query=PageQuery, response=SeriesList)
def list_series(call: Call[None, PageQuery]) -> Response:
    """Your series, newest first, each with its next runs and recent history; a page at a
    time."""
    svc = call.svc
    series, cursor = svc.series.of_owner(call.owner, call.query)
    views = [svc.series.view(s) for s in series]
    return json_response(dump(SeriesList(series=views, next_cursor=cursor)))


@route("GET", "/v1/series/{series_id}", response=SeriesView)
def get_series(call: Call[None, None]) -> Response:
    """One of your series: cadence, next runs, run history, failures."""
    series = call.svc.series.get(call.owner, call.params["series_id"])
    return json_response(dump(call.svc.series.view(series)))


@route("PATCH", "/v1/series/{series_id}", body=UpdateSeries, response=SeriesView)
def update_series(call: Call[UpdateSeries, None]) -> Response:
    """Pause (`{"status": "paused"}`), resume (`"active"`) or change a series.

    Resuming, or a new cadence or zone, plans the next run from now (runs missed while paused
    are not made). `settings` merge field by field; `topics` replaces the list.
    """
    svc = call.svc
    series = svc.series.update(call.owner, call.params["series_id"], call.body)
    return json_response(dump(svc.series.view(series)))


@route("DELETE", "/v1/series/{series_id}", status=204)
def delete_series(call: Call[None, None]) -> Response:
    """Delete a series. Its runs not started yet are cancelled; runs already being made still
    publish (cancel them in the calendar)."""
    call.svc.series.delete(call.owner, call.params["series_id"])
    return "", 204, {}


# -- the webhook ------------------------------------------------------------------------------


@route("PUT", "/v1/webhook", body=SetWebhook, response=WebhookCreated)
def set_webhook(call: Call[SetWebhook, None]) -> Response:
    """Announce your published videos to `url` (https, on the public internet).

    Answers the signing secret, this once: each delivery carries `X-StoryGenius-Timestamp` and
    `X-StoryGenius-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. Setting the
    webhook again makes a new secret. A URL that is not https or reaches a private address is a
    400 naming `url`.
    """
    return json_response(dump(call.svc.webhooks.set(call.owner, call.body)))


@route("GET", "/v1/webhook", response=WebhookView, errors=(404,))
def get_webhook(call: Call[None, None]) -> Response:
    """Your webhook: its URL and the last characters of its secret (404 when none is set)."""
    return json_response(dump(call.svc.webhooks.get(call.owner)))


@route("DELETE", "/v1/webhook", status=204)
def delete_webhook(call: Call[None, None]) -> Response:
    """Stop announcing published videos."""
    call.svc.webhooks.delete(call.owner)
    return "", 204, {}


# -- analytics --------------------------------------------------------------------------------


@route("GET", "/v1/analytics/usage", query=UsageQuery, response=UsageReport)
def usage(call: Call[None, UsageQuery]) -> Response:
    """Your usage in [from, to), in total and per project (or of one `project_id`).

    Videos made and seconds rendered, jobs by status, failures by stage, average time per
    stage, and every provider's calls, units and cost. By default the last 30 days.
    """
    query, svc = call.query, call.svc
    now = svc.clock.now()
    end_default = now + timedelta(seconds=1)
    start_default = now - timedelta(days=DEFAULT_USAGE_DAYS)
    if query.from_ is None and query.to is None:
        start, end = start_default, end_default
    else:
        start, end = _range(
            query.from_,
            query.to,
            query.timezone,
            start_default,
            DEFAULT_USAGE_DAYS,
        )
    report = svc.analytics.report(call.owner, start, end, query.project_id)
    return json_response(dump(report))
