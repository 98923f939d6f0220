"""step_publish: a scheduled video goes out at its time, with a signed, retried webhook call.

The webhook endpoint is a local HTTPS server (tests/support/calendar.py) that checks signatures
itself; the publisher reaches it only through the test's override of the URL guard. Jobs here
are documents put in the state the publish step reads (done, with a video blob): rendering is
covered elsewhere (tests/e2e/test_series.py runs whole series).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from common.adapters.local.fs_blobs import FsBlobStore
from common.adapters.webhook.publisher import WebhookPublisher
from common.domain.commands import CreateProject, parse
from common.domain.errors import InvalidInputError, StoryGeniusError
from common.domain.job import Job, JobError, JobOutputs
from common.domain.publishing import SetWebhook
from common.domain.schedule import CreateSchedule, PublishCommand, UpdateSchedule
from common.ports import Delivery
from common.services.calendar.scheduling import job_id_for
from common.services.calendar.webhooks import WebhookService
from tests.support.api import installed
from tests.support.calendar import FakeClock, loopback_publisher, receiver, verify  # noqa: F401
from tests.support.fakes import RecordingQueue
from tests.support.jobs import quick_retries

OWNER = "creator"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
PUBLISH_AT = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
SETTINGS = {
    "lead_per_video_s": 0.0,
    "lead_margin_s": 3600.0,
    "exact_horizon_s": 0.0,
    "webhook_retry_s": 0.05,
    "max_attempts": 4,
}


@pytest.fixture
def world(make_services, receiver):  # noqa: F811
    clock = FakeClock(NOW)
    # A failed delivery is retried after webhook_retry_s (doubling) or the queue's backoff,
    # whichever is longer: at the queue's default (0.5 s, doubling), three were 3.5 s of waiting.
    svc = make_services(
        SETTINGS,
        clock=clock,
        publisher=loopback_publisher(receiver),
        queue=quick_retries(SETTINGS["max_attempts"]),
    )
    created = svc.webhooks.set(OWNER, SetWebhook(url=receiver.url))
    receiver.secret = created.secret
    return svc, clock, receiver


def _scheduled(svc, publish_at=PUBLISH_AT, **job_changes):
    """A schedule at `publish_at` whose job exists in the given state (done with a video)."""
    project = svc.projects.create(OWNER, CreateProject(prompt="A fox guards a glowing forest"))
    body = {"project_id": project.id, "publish_at": publish_at.isoformat()}
    schedule = svc.schedules.create(OWNER, parse(CreateSchedule, body))
    job_id = job_id_for(schedule.id)
    svc.blobs.put(f"jobs/{job_id}/video.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    svc.blobs.put(f"jobs/{job_id}/thumbnail.jpg", b"\xff\xd8\xff", "image/jpeg")
    now = svc.clock.now()
    job = Job(
        id=job_id,
        owner=OWNER,
        project_id=project.id,
        settings=project.settings,
        status="done",
        stage="done",
        progress=100,
        outputs={
            "video": f"jobs/{job_id}/video.mp4",
            "thumbnail": f"jobs/{job_id}/thumbnail.jpg",
            "duration_s": 12.5,
        },
        created_at=now,
        updated_at=now,
    )
    job = job.model_copy(update=job_changes)
    svc.jobs.create(job)
    return schedule


def _run_until(svc, clock, when):
    clock.set(when)
    svc.ticker.tick()
    assert svc.queue.wait_idle(30)


def _generate_and_publish(svc, clock, publish_at=PUBLISH_AT):
    """Tick when generation starts (an hour ahead: the lead time), then at the publishing time."""
    _run_until(svc, clock, publish_at - timedelta(hours=1))
    _run_until(svc, clock, publish_at)


def test_a_video_is_published_at_its_time_and_announced_signed(world):
    svc, clock, hook = world
    schedule = _scheduled(svc)
    _run_until(svc, clock, PUBLISH_AT - timedelta(hours=1))  # generation starts
    assert svc.schedules.find(schedule.id).status == "generating"
    _run_until(svc, clock, PUBLISH_AT - timedelta(seconds=30))
    assert svc.schedules.find(schedule.id).status == "generating"  # not yet
    _run_until(svc, clock, PUBLISH_AT)

    published = svc.schedules.find(schedule.id)
    assert published.status == "published"
    assert published.published_at == PUBLISH_AT and not published.late
    video_key = f"jobs/{published.job_id}/video.mp4"
    assert published.public_url == svc.blobs.url(video_key, svc.settings.publish_link_expiry_s)
    assert published.link_expires_at == PUBLISH_AT + timedelta(days=7)
    assert published.webhook == "delivered"
    assert [(d.attempt, d.ok, d.status) for d in published.deliveries] == [(1, True, 204)]

    [delivery] = hook.received
    assert delivery.signed, "the signature does not verify with the user's secret"
    assert not verify("whsec_someone-else", delivery.headers, delivery.body)
    assert delivery.path == "/hooks/storygenius"
    assert delivery.headers["X-StoryGenius-Event"] == "video.published"
    assert delivery.headers["X-StoryGenius-Delivery"] == schedule.id
    assert delivery.headers["X-StoryGenius-Timestamp"] == str(int(PUBLISH_AT.timestamp()))
    event = delivery.event
    assert (event["schedule_id"], event["job_id"], event["video_url"]) == (
        schedule.id,
        published.job_id,
        published.public_url,
    )
    assert event["published_at"] == event["publish_at"] == "2026-06-01T10:00:00Z"
    assert event["duration_s"] == 12.5 and event["thumbnail_url"]


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(world):
    svc, clock, hook = world
    hook.fail_first = 2
    schedule = _scheduled(svc)
    _generate_and_publish(svc, clock)

    published = svc.schedules.find(schedule.id)
    assert published.webhook == "delivered"
    assert [(d.attempt, d.ok, d.status) for d in published.deliveries] == [
        (1, False, 503),
        (2, False, 503),
        (3, True, 204),
    ]
    assert [r.answered for r in hook.received] == [503, 503, 204]
    assert all(r.signed for r in hook.received)
    assert len({r.body for r in hook.received}) == 1  # the same event each time
    assert {r.headers["X-StoryGenius-Delivery"] for r in hook.received} == {schedule.id}


def test_a_receiver_down_for_every_attempt_leaves_the_video_published(world):
    svc, clock, hook = world
    hook.fail_first = 100
    schedule = _scheduled(svc)
    _generate_and_publish(svc, clock)

    published = svc.schedules.find(schedule.id)
    assert published.status == "published"
    assert published.webhook == "failed"
    assert [d.attempt for d in published.deliveries] == [1, 2, 3, 4]  # max_attempts
    assert len(hook.received) == 4
    _run_until(svc, clock, PUBLISH_AT + timedelta(hours=1))
    assert len(hook.received) == 4  # nothing more: published schedules are done with


def test_a_failed_job_fails_its_schedule_naming_the_stage(world):
    svc, clock, hook = world
    error = JobError(stage="scenes", scene="s02", code="provider_error", message="voice refused")
    schedule = _scheduled(svc, status="failed", stage="scenes", error=error, outputs=JobOutputs())
    _generate_and_publish(svc, clock)

    failed = svc.schedules.find(schedule.id)
    assert failed.status == "failed"
    assert (failed.error.stage, failed.error.code) == ("scenes", "provider_error")
    assert hook.received == []


def test_the_guard_refuses_loopback_and_plain_http_without_the_override(make_services):
    svc = make_services()  # the production publisher: public https only
    webhooks = WebhookService(svc.store, svc.clock, WebhookPublisher(), svc.secrets)
    for url, why in [
        ("https://127.0.0.1:8443/hook", "not a public address"),
        ("http://hooks.example.com/hook", "must use https"),
        ("https://metadata.internal/hook", "internal name"),
    ]:
        with pytest.raises(InvalidInputError) as info:
            webhooks.set(OWNER, SetWebhook(url=url))
        assert why in info.value.fields["url"]


def test_a_timed_task_is_made_for_the_exact_moment_and_a_move_makes_a_new_one(make_services):
    clock = FakeClock(NOW)
    queue = RecordingQueue()
    svc = make_services({**SETTINGS, "exact_horizon_s": 30 * 86400.0}, queue=queue, clock=clock)
    project = svc.projects.create(OWNER, CreateProject(prompt="A robot learns to paint"))
    body = {"project_id": project.id, "publish_at": "2026-06-01T12:00:00+02:00"}
    schedule = svc.schedules.create(OWNER, parse(CreateSchedule, body))
    [first] = [t for t in queue.tasks if t.target == "step_publish"]
    assert first.delay_s == (PUBLISH_AT - NOW).total_seconds()
    assert first.payload == {"schedule_id": schedule.id}

    moved = svc.schedules.update(
        OWNER, schedule.id, parse(UpdateSchedule, {"publish_at": "2026-06-01T14:00:00Z"})
    )
    tasks = [t for t in queue.tasks if t.target == "step_publish"]
    assert len(tasks) == 2 and tasks[1].name != first.name
    assert tasks[1].delay_s == 6 * 3600
    assert moved.generate_at == datetime(2026, 6, 1, 13, 0, tzinfo=UTC)

    # The task for the old time arrives: the schedule is not due, nothing happens.
    clock.set(PUBLISH_AT)
    svc.publishing.handle(PublishCommand(schedule_id=schedule.id), Delivery())
    assert svc.schedules.find(schedule.id).status == "scheduled"
    assert [t.target for t in queue.tasks].count("step_script") == 0


def test_under_serve_the_public_link_is_a_signed_media_link_of_the_local_server(
    make_services,
    receiver,  # noqa: F811
):
    from werkzeug.test import Client

    from functions.server import create_app

    # The media route checks expiry against the real time: start the clock at it.
    start = datetime.now(UTC).replace(microsecond=0)
    clock = FakeClock(start)
    served_at = {"public_base_url": "http://127.0.0.1:8080"}  # what `serve` sets
    svc = make_services(
        {**SETTINGS, **served_at}, clock=clock, publisher=loopback_publisher(receiver)
    )
    publish_at = start + timedelta(hours=2)
    schedule = _scheduled(svc, publish_at=publish_at)
    _generate_and_publish(svc, clock, publish_at)

    url = svc.schedules.find(schedule.id).public_url
    assert url.startswith("http://127.0.0.1:8080/media/jobs/")
    with installed(svc):
        served = Client(create_app()).get(url.removeprefix("http://127.0.0.1:8080"))
    assert served.status_code == 200
    assert served.data == svc.blobs.get(f"jobs/{job_id_for(schedule.id)}/video.mp4")


class UnsignedBlobs(FsBlobStore):
    """A bucket without signing credentials: its files are there, no URL can be made."""

    def url(self, key: str, expires_s: int = 3600) -> str:
        raise StoryGeniusError(f"cannot sign a URL for {key}: no signing credentials")


def test_a_link_that_cannot_be_made_fails_the_schedule_naming_publish(
    make_services,
    receiver,  # noqa: F811
    tmp_path,
):
    clock = FakeClock(NOW)
    svc = make_services(
        SETTINGS,
        clock=clock,
        publisher=loopback_publisher(receiver),
        blobs=UnsignedBlobs(tmp_path / "unsigned"),
    )
    receiver.secret = svc.webhooks.set(OWNER, SetWebhook(url=receiver.url)).secret
    hook = receiver
    schedule = _scheduled(svc)
    _generate_and_publish(svc, clock)

    failed = svc.schedules.find(schedule.id)
    assert failed.status == "failed" and failed.next_at is None
    assert failed.error.stage == "publish" and "cannot sign" in failed.error.message
    assert hook.received == []
    _run_until(svc, clock, PUBLISH_AT + timedelta(hours=1))
    assert svc.schedules.find(schedule.id).status == "failed"  # not retried every lease
