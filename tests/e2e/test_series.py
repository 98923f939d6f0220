"""Whole series on the embedded default with offline providers and an injected clock: the tick
runs every simulated half hour, jobs render for real (drafts: tiny videos), publishing calls a local
HTTPS webhook that checks every signature.

Timed publish tasks are off here (`exact_horizon_s` 0): the in-process queue delays tasks in
real seconds, and simulated days pass in a moment, so the tick publishes (its safety net role).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from common.adapters.offline.voice import EspeakNarrator
from common.domain.assets import Narration, NarrationRequest
from common.domain.commands import parse
from common.domain.errors import ProviderError
from common.domain.publishing import SetWebhook
from common.domain.series import CreateSeries
from tests.support.calendar import FakeClock, loopback_publisher, receiver  # noqa: F401
from tests.support.jobs import DRAFT

pytestmark = pytest.mark.slow

OWNER = "creator"
LONDON = ZoneInfo("Europe/London")
TINY = {"duration_s": 10, "resolution": "720p", "aspect": "1:1"}
SETTINGS = {
    **DRAFT,
    "lead_per_video_s": 0.0,
    "lead_margin_s": 3600.0,
    "exact_horizon_s": 0.0,
    "webhook_retry_s": 0.05,
}


@dataclass
class BrokenVoice:
    """The offline narrator, refusing every line while `broken` (a provider outage)."""

    broken: bool = True
    id: str = "espeak-ng/flaky"
    uses_context: bool = False

    def narrate(self, request: NarrationRequest) -> Narration:
        if self.broken:
            raise ProviderError("the voice provider refused the line", provider=self.id)
        return EspeakNarrator().narrate(request)


def _run_days(svc, clock, until: datetime) -> None:
    """Tick every simulated half hour until `until`, letting each tick's work finish."""
    while clock.now() < until:
        clock.advance(minutes=30)
        svc.ticker.tick()
        assert svc.queue.wait_idle(300), "the queue did not drain"


def _world(make_services, receiver, clock, **overrides):  # noqa: F811
    svc = make_services(SETTINGS, clock=clock, publisher=loopback_publisher(receiver), **overrides)
    receiver.secret = svc.webhooks.set(OWNER, SetWebhook(url=receiver.url)).secret
    return svc


def test_a_daily_series_publishes_ten_distinct_videos_at_nine_local_across_dst(
    make_services,
    receiver,  # noqa: F811
):
    clock = FakeClock(datetime(2026, 3, 24, 6, 0, tzinfo=UTC))  # London changes on the 29th
    svc = _world(make_services, receiver, clock)
    body = {
        "theme": "Tales of a brave lighthouse keeper",
        "cadence": {"kind": "daily", "time": "09:00"},
        "timezone": "Europe/London",
        "settings": TINY,
    }
    series = svc.series.create(OWNER, parse(CreateSeries, body))

    _run_days(svc, clock, datetime(2026, 4, 2, 12, 0, tzinfo=UTC))

    series = svc.series.get(OWNER, series.id)
    assert [r.status for r in series.runs] == ["published"] * 10
    schedules = [svc.schedules.find(r.schedule_id) for r in series.runs]
    local = [s.published_at.astimezone(LONDON) for s in schedules]
    assert [t.strftime("%m-%d %H:%M") for t in local] == [
        f"{(datetime(2026, 3, 24) + timedelta(days=n)):%m-%d} 09:00" for n in range(10)
    ]
    assert [s.published_at.hour for s in schedules] == [9] * 5 + [8] * 5  # GMT, then BST
    assert all(s.published_at == s.publish_at and not s.late for s in schedules)

    jobs = [svc.jobs.get(s.job_id) for s in schedules]
    assert all(j.status == "done" for j in jobs)
    assert len({j.id for j in jobs}) == len({j.outputs.video for j in jobs}) == 10
    titles = [s.title for s in schedules]
    assert len(set(titles)) == 10, titles  # no run repeats an earlier topic
    assert series.used_topics == titles
    stories = {svc.projects.load(s.project_id).story.scenes[0].narration for s in schedules}
    assert len(stories) > 1
    for job in jobs:
        assert svc.blobs.get(job.outputs.video)[4:8] == b"ftyp"

    delivered = receiver.delivered()
    assert len(delivered) == 10
    assert all(r.signed for r in delivered)
    assert [r.event["schedule_id"] for r in delivered] == [s.id for s in schedules]
    assert [r.event["published_at"] for r in delivered] == [
        s.model_dump(mode="json")["published_at"] for s in schedules
    ]
    assert all(s.webhook == "delivered" for s in schedules)


def test_a_failed_run_is_recorded_and_the_series_goes_on(make_services, receiver):  # noqa: F811
    clock = FakeClock(datetime(2026, 5, 4, 5, 0, tzinfo=UTC))
    voice = BrokenVoice()
    svc = _world(make_services, receiver, clock, voice=voice)
    body = {
        "theme": "A robot learns to paint",
        "cadence": {"kind": "daily", "time": "08:00"},
        "timezone": "Europe/Paris",
        "settings": TINY,
        "topics": ["the first brush", "a rainy window", "the gallery"],
    }
    series = svc.series.create(OWNER, parse(CreateSeries, body))
    _run_days(svc, clock, datetime(2026, 5, 4, 12, 0, tzinfo=UTC))  # day 1: the voice is down
    voice.broken = False
    _run_days(svc, clock, datetime(2026, 5, 5, 12, 0, tzinfo=UTC))

    series = svc.series.get(OWNER, series.id)
    assert [(r.topic, r.status) for r in series.runs] == [
        ("the first brush", "failed"),
        ("a rainy window", "published"),
    ]
    assert series.next_topic() == "the gallery"
    assert series.failures == 1
    assert series.last_error is not None
    assert (series.last_error.stage, series.last_error.code) == ("scenes", "provider_error")
    failed = svc.schedules.find(series.runs[0].schedule_id)
    assert failed.status == "failed" and failed.public_url is None
    assert [r.event["schedule_id"] for r in receiver.delivered()] == [
        r.schedule_id for r in series.runs[1:]
    ]
    assert svc.projects.load(series.runs[1].project_id).prompt == (
        "A robot learns to paint: a rainy window"
    )
