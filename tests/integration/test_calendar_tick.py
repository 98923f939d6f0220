"""The scheduler tick on the embedded store with an injected clock: each due run is claimed and
started exactly once, however often or concurrently the tick comes, and runs missed during
downtime are caught up once each (or skipped, past the catch-up window).

The queue only records tasks (RecordingQueue): no pipeline step runs here; a started run shows
as its job document and its first task.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from common.domain.commands import CreateProject, parse
from common.domain.schedule import CreateSchedule
from common.domain.series import CreateSeries, UpdateSeries
from tests.support.calendar import FakeClock
from tests.support.fakes import RecordingQueue

OWNER = "creator"
START = datetime(2026, 3, 26, 6, 0, tzinfo=UTC)
# Generation starts one hour before publishing (no per-second estimate): easy to reason about.
CALENDAR = {"lead_per_video_s": 0.0, "lead_margin_s": 3600.0, "exact_horizon_s": 0.0}


@pytest.fixture
def world(make_services):
    clock = FakeClock(START)
    queue = RecordingQueue()
    svc = make_services(CALENDAR, queue=queue, clock=clock)
    return svc, clock, queue


def _series(svc, **fields):
    body = {"theme": "Tales of a brave lighthouse keeper", "timezone": "Europe/London", **fields}
    return svc.series.create(OWNER, parse(CreateSeries, body))


def _jobs(svc):
    return svc.store.query("jobs", [("owner", "==", OWNER)])


def _script_tasks(queue):
    return [t for t in queue.tasks if t.target == "step_script"]


def test_a_series_run_is_claimed_at_its_lead_time_and_starts_one_job(world):
    svc, clock, queue = world
    series = _series(svc, cadence={"kind": "daily", "time": "09:00"})
    assert series.next_run_at == datetime(2026, 3, 26, 9, 0, tzinfo=UTC)  # GMT
    assert series.next_at == datetime(2026, 3, 26, 8, 0, tzinfo=UTC)

    clock.set(datetime(2026, 3, 26, 7, 59, tzinfo=UTC))
    assert svc.ticker.tick().idle
    assert _jobs(svc) == []

    clock.set(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    report = svc.ticker.tick()
    assert (report.series_runs, report.started) == (1, 1)
    [job] = _jobs(svc)
    schedule = svc.schedules.find(job.data["project_id"])
    assert schedule is not None and schedule.status == "generating"
    assert schedule.publish_at == datetime(2026, 3, 26, 9, 0, tzinfo=UTC)
    assert schedule.job_id == job.id
    assert [t.payload["job_id"] for t in _script_tasks(queue)] == [job.id]
    series = svc.series.get(OWNER, series.id)
    assert [(r.index, r.status, r.schedule_id) for r in series.runs] == [
        (0, "generating", schedule.id)
    ]
    assert series.next_run_at == datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


def test_a_tick_delivered_twice_runs_nothing_twice(world):
    svc, clock, queue = world
    _series(svc, cadence={"kind": "daily", "time": "09:00"})
    project = svc.projects.create(OWNER, CreateProject(prompt="A fox guards a forest"))
    body = {
        "project_id": project.id,
        "publish_at": "2026-03-26T09:30:00",
        "timezone": "Europe/London",
    }
    svc.schedules.create(OWNER, parse(CreateSchedule, body))

    clock.set(datetime(2026, 3, 26, 8, 45, tzinfo=UTC))
    first = svc.ticker.tick()
    second = svc.ticker.tick()  # the same Pub/Sub message delivered again

    assert (first.series_runs, first.started) == (1, 2)
    assert second.idle
    assert len(_jobs(svc)) == 2
    assert len(_script_tasks(queue)) == 2

    # At publishing time each schedule's publish step is enqueued once per claim.
    clock.set(datetime(2026, 3, 26, 9, 30, tzinfo=UTC))
    assert svc.ticker.tick().publishing == 2
    assert svc.ticker.tick().publishing == 0
    publishes = [t for t in queue.tasks if t.target == "step_publish"]
    assert len(publishes) == len({t.payload["schedule_id"] for t in publishes}) == 2


def test_two_ticks_racing_never_double_run(world):
    svc, clock, queue = world
    for hour in ("09:00", "09:05", "09:10"):
        _series(svc, cadence={"kind": "daily", "time": hour})
    projects = [
        svc.projects.create(OWNER, CreateProject(prompt=f"A robot paints {n}")) for n in range(3)
    ]
    for project in projects:
        body = {"project_id": project.id, "publish_at": "2026-03-26T09:20:00Z"}
        svc.schedules.create(OWNER, parse(CreateSchedule, body))
    clock.set(datetime(2026, 3, 26, 8, 30, tzinfo=UTC))

    threads = 6
    barrier = threading.Barrier(threads)
    reports, errors = [], []

    def tick() -> None:
        barrier.wait()
        try:
            reports.append(svc.ticker.tick())
        except Exception as exc:  # surfaced below: a racing tick must not crash either
            errors.append(exc)

    workers = [threading.Thread(target=tick) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert errors == []
    assert sum(r.series_runs for r in reports) == 3
    assert sum(r.started for r in reports) == 6
    jobs = _jobs(svc)
    assert len(jobs) == 6
    assert len({j.data["project_id"] for j in jobs}) == 6
    assert sorted(t.payload["job_id"] for t in _script_tasks(queue)) == sorted(j.id for j in jobs)
    schedules = svc.schedules.calendar(OWNER, START, START + timedelta(days=1))
    assert len(schedules) == 6
    assert {s.status for s in schedules} == {"generating"}


def test_after_three_hours_down_each_missed_run_is_made_once_and_late(world):
    svc, clock, _ = world
    clock.set(datetime(2026, 3, 26, 9, 5, tzinfo=UTC))
    series = _series(svc, cadence={"kind": "rrule", "rrule": "FREQ=HOURLY;BYMINUTE=0"})
    clock.set(datetime(2026, 3, 26, 10, 0, tzinfo=UTC))
    svc.ticker.tick()  # claims the 10:00 and 11:00 runs (lead time one hour)
    assert len(_jobs(svc)) == 2

    clock.set(datetime(2026, 3, 26, 13, 10, tzinfo=UTC))  # three hours without a tick
    report = svc.ticker.tick()
    # 12:00 and 13:00 were due and missed; 14:00 is due now (an hour ahead); each once.
    assert report.series_runs == 3
    assert svc.ticker.tick().idle
    series = svc.series.get(OWNER, series.id)
    hours = [(r.occurrence.hour, r.late) for r in series.runs]
    assert hours == [(10, False), (11, False), (12, True), (13, True), (14, False)]
    assert len(_jobs(svc)) == len({j.data["project_id"] for j in _jobs(svc)}) == 5
    assert series.next_run_at == datetime(2026, 3, 26, 15, 0, tzinfo=UTC)


def test_runs_missed_beyond_the_window_are_skipped_and_recorded(make_services):
    clock = FakeClock(START)
    svc = make_services(
        {**CALENDAR, "catchup_window_s": 7200.0}, queue=RecordingQueue(), clock=clock
    )
    series = _series(svc, cadence={"kind": "rrule", "rrule": "FREQ=HOURLY;BYMINUTE=0"})
    clock.set(datetime(2026, 3, 26, 12, 30, tzinfo=UTC))  # down since before 07:00
    report = svc.ticker.tick()
    series = svc.series.get(OWNER, series.id)
    skipped = [r for r in series.runs if r.status == "skipped"]
    assert report.runs_skipped == 1 and len(skipped) == 1
    assert skipped[0].error is not None and skipped[0].error.code == "missed"
    assert "07:00:00Z to 2026-03-26T10:00:00Z" in skipped[0].error.message
    made = [r.occurrence.hour for r in series.runs if r.status != "skipped"]
    assert made == [11, 12, 13]  # within two hours, and the one due now
    assert len(_jobs(svc)) == 3


def test_a_paused_series_makes_nothing_and_resumes_from_now(world):
    svc, clock, _ = world
    series = _series(svc, cadence={"kind": "daily", "time": "09:00"})
    svc.series.update(OWNER, series.id, parse(UpdateSeries, {"status": "paused"}))
    clock.set(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert svc.ticker.tick().idle
    resumed = svc.series.update(OWNER, series.id, parse(UpdateSeries, {"status": "active"}))
    assert resumed.next_run_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert resumed.runs == []


def test_a_run_that_cannot_start_fails_and_the_series_goes_on(make_services):
    clock = FakeClock(datetime(2026, 3, 26, 9, 5, tzinfo=UTC))
    settings = {**CALENDAR, "daily_videos": 1}  # the second video of the day is refused (402)
    svc = make_services(settings, queue=RecordingQueue(), clock=clock)
    series = _series(svc, cadence={"kind": "rrule", "rrule": "FREQ=HOURLY;BYMINUTE=0"})
    clock.set(datetime(2026, 3, 26, 10, 0, tzinfo=UTC))
    svc.ticker.tick()  # claims the 10:00 and 11:00 runs

    series = svc.series.get(OWNER, series.id)
    assert [r.status for r in series.runs] == ["generating", "failed"]
    assert series.failures == 1
    assert series.last_error is not None
    assert (series.last_error.stage, series.last_error.code) == ("start", "quota_exceeded")
    failed = svc.schedules.find(series.runs[1].schedule_id)
    assert failed is not None and failed.status == "failed" and failed.next_at is None
    # The series goes on: its next run is planned and claimed when due.
    assert series.status == "active"
    assert series.next_run_at == datetime(2026, 3, 26, 12, 0, tzinfo=UTC)
    clock.set(datetime(2026, 3, 26, 11, 0, tzinfo=UTC))
    assert svc.ticker.tick().series_runs == 1


def test_a_document_that_no_longer_reads_does_not_hold_up_the_others(world):
    svc, clock, _ = world
    broken = {"status": "scheduled", "next_at": "2026-03-26T06:00:00Z", "owner": OWNER}
    svc.store.create("schedules", "aaa-broken", broken)  # sorts first by next_at too
    project = svc.projects.create(OWNER, CreateProject(prompt="A fox guards a forest"))
    body = {"project_id": project.id, "publish_at": "2026-03-26T09:00:00Z"}
    svc.schedules.create(OWNER, parse(CreateSchedule, body))
    clock.set(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    report = svc.ticker.tick()
    assert (report.errors, report.started) == (1, 1)
    assert len(_jobs(svc)) == 1


def test_a_scheduled_run_meeting_the_creators_own_job_waits_for_it_instead_of_failing(world):
    from common.domain.commands import StartJob

    svc, clock, _ = world
    project = svc.projects.create(OWNER, CreateProject(prompt="A fox guards a forest"))
    body = {"project_id": project.id, "publish_at": "2026-03-26T09:30:00", "timezone": "UTC"}
    schedule = svc.schedules.create(OWNER, parse(CreateSchedule, body))
    mine = svc.pipeline.start(OWNER, StartJob(project_id=project.id, kind="storyboard"))

    clock.set(datetime(2026, 3, 26, 8, 30, tzinfo=UTC))
    svc.ticker.tick()
    waiting = svc.schedules.get(OWNER, schedule.id)
    assert waiting.status == "scheduled" and waiting.error is None  # tried again later
    assert len(_jobs(svc)) == 1

    svc.pipeline.cancel(OWNER, mine.id)  # the creator's job ends
    clock.set(datetime(2026, 3, 26, 8, 32, tzinfo=UTC))
    svc.ticker.tick()
    assert svc.schedules.get(OWNER, schedule.id).status == "generating"
    assert len(_jobs(svc)) == 2
