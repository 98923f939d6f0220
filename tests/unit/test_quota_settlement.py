"""What a job counts against the day follows the story it renders, and what it did not use
comes back: a cancelled or failed job returns its daily video and seconds, a finished one the
seconds its video did not last, each once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.config import Settings
from common.domain.job import Job, JobError
from common.domain.project import ProjectSettings
from common.domain.quota import Estimate, InsufficientCreditsError, QuotaExceededError
from common.services.accounts.quotas import Quotas
from common.services.pipeline.jobs import JobRepository

OWNER = "ann"


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def world(tmp_path):
    store = SqliteDocumentStore(tmp_path / "db.sqlite3")
    settings = Settings.from_env(
        {}, data_dir=tmp_path, credit_grant_usd=10.0, daily_videos=3, daily_rendered_s=100
    )
    quotas = Quotas(store, Clock(), settings)
    jobs = JobRepository(store, Clock(), 0.0, on_end=quotas.release)
    yield quotas, jobs
    store.close()


def admit(quotas: Quotas, job_id: str, rendered_s: float = 30, usd: float = 1.0) -> Job:
    now = Clock().now()
    job = Job(
        id=job_id, owner=OWNER, project_id="p1", settings=ProjectSettings(duration_s=30),
        created_at=now, updated_at=now,
    )  # fmt: skip
    return quotas.admit(job, Estimate(usd=usd, rendered_s=rendered_s, veo_s=0))


def today(quotas: Quotas) -> tuple[int, float]:
    day = quotas.view(OWNER).today
    return day.videos, day.rendered_s


def cancel(jobs: JobRepository, job_id: str) -> None:
    def stop(job: Job) -> None:
        job.status = "cancelled"

    jobs.mutate(job_id, stop)


def test_a_cancelled_job_gives_back_its_daily_video_and_seconds_once(world):
    quotas, jobs = world
    admit(quotas, "j1")
    assert today(quotas) == (1, 30)

    cancel(jobs, "j1")
    assert today(quotas) == (0, 0)
    quotas.release("j1")  # told again (a retried hook): nothing more comes back
    assert today(quotas) == (0, 0)
    assert jobs.get("j1").counted.videos == 0


def test_a_failed_job_gives_back_what_it_counted(world):
    quotas, jobs = world
    admit(quotas, "j1")
    admit(quotas, "j2")
    jobs.fail("j1", JobError(stage="scenes", code="invalid_voice", message="no such voice"))
    assert today(quotas) == (1, 30)


def test_a_finished_job_counts_the_length_of_its_video(world):
    quotas, jobs = world
    admit(quotas, "j1", rendered_s=30)

    def finish(job: Job) -> None:
        job.status = "done"
        job.outputs.duration_s = 27.4

    jobs.mutate("j1", finish)
    assert today(quotas) == (1, pytest.approx(27.4))


def test_the_written_story_is_counted_instead_of_the_asked_length(world):
    quotas, _ = world
    admit(quotas, "j1", rendered_s=30, usd=1.0)

    quotas.recount("j1", Estimate(usd=0.5, rendered_s=62.5, veo_s=0))

    assert today(quotas) == (1, 62.5)
    assert quotas.view(OWNER).held_usd == 0.5
    quotas.recount("j1", Estimate(usd=0.5, rendered_s=62.5, veo_s=0))  # redelivered: once
    assert today(quotas) == (1, 62.5)


def test_a_written_story_past_the_days_seconds_is_refused_and_changes_nothing(world):
    quotas, _ = world
    admit(quotas, "j1", rendered_s=60)
    admit(quotas, "j2", rendered_s=30)

    with pytest.raises(QuotaExceededError) as caught:
        quotas.recount("j2", Estimate(usd=1.0, rendered_s=45, veo_s=0))
    assert set(caught.value.fields) == {"rendered_s"}
    assert today(quotas) == (2, 90)


def test_a_written_story_dearer_than_the_credit_left_is_refused(world):
    quotas, _ = world
    admit(quotas, "j1", usd=9.0)
    with pytest.raises(InsufficientCreditsError):
        quotas.recount("j1", Estimate(usd=12.0, rendered_s=30, veo_s=0))
    quotas.recount("j1", Estimate(usd=10.0, rendered_s=30, veo_s=0))  # what is there is fine
    assert quotas.view(OWNER).held_usd == 10.0
