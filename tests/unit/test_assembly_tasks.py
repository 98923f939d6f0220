"""How many tasks assemble a job, and when a task may take the join over from another
(common/domain/assembly_tasks.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from common.domain.assembly_tasks import JoinClaim, TaskSlot
from common.domain.job import Job, SceneState
from common.domain.project import ProjectSettings

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=900)


def job(kind: str, *lengths: float | None) -> Job:
    ids = [f"s{i}" for i in range(len(lengths))]
    return Job(
        id="j", owner="o", project_id="p", kind=kind, settings=ProjectSettings(),
        created_at=NOW, updated_at=NOW, scene_ids=ids,
        scenes={sid: SceneState(duration_s=n) for sid, n in zip(ids, lengths, strict=True)},
    )  # fmt: skip


def test_a_three_minute_job_is_assembled_in_eight_tasks_and_a_short_one_in_one():
    assert job("generate", *[6.0] * 30).assembly_task_count(8) == 8
    assert job("generate", *[6.0] * 4).assembly_task_count(8) == 1


def test_a_job_whose_scene_lengths_are_unknown_or_that_makes_no_video_uses_one_task():
    assert job("generate", *[6.0] * 29, None).assembly_task_count(8) == 1
    assert job("storyboard", *[6.0] * 30).assembly_task_count(8) == 1


def claim(task: int = 1, attempt: int = 0, execution: str = "e1", age_s: float = 10) -> JoinClaim:
    return JoinClaim(
        execution=execution, task=task, attempt=attempt, at=NOW - timedelta(seconds=age_s)
    )


def test_another_task_of_the_same_execution_waits_for_a_fresh_claim():
    assert not claim().gone_for(TaskSlot(index=0, count=2, execution="e1"), NOW, LEASE)


def test_the_same_task_retried_takes_its_dead_attempt_s_claim_over():
    retry = TaskSlot(index=1, count=2, attempt=1, execution="e1")
    assert claim().gone_for(retry, NOW, LEASE)
    # ...but an attempt never takes a later attempt's claim.
    assert not claim(attempt=2).gone_for(retry, NOW, LEASE)


def test_a_relaunched_execution_takes_the_old_one_s_claim_over():
    assert claim().gone_for(TaskSlot(index=0, count=2, execution="e2"), NOW, LEASE)


def test_a_claim_older_than_its_lease_is_taken_over_by_anyone():
    other = TaskSlot(index=0, count=2, execution="e1")
    assert claim(age_s=LEASE.total_seconds()).gone_for(other, NOW, LEASE)
