"""The sweeper: a step whose claim expired is enqueued again once per expiry; a job that stopped
moving is kicked; both fail the job, naming where and why, when sweeping does not help."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from common.domain.commands import CreateProject, StartJob
from common.domain.job import SceneState
from common.services.pipeline.results import Written
from tests.support.fakes import RecordingQueue

LEASE_S = 60


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.t


@pytest.fixture
def world(make_services):
    clock = Clock()
    queue = RecordingQueue()
    svc = make_services(
        {"step_lease_s": LEASE_S, "stall_after_s": 600, "max_sweeps": 2}, queue=queue, clock=clock
    )
    project = svc.projects.create("ann", CreateProject(prompt="A fox", settings={"duration_s": 10}))
    job = svc.pipeline.start("ann", StartJob(project_id=project.id))
    queue.tasks.clear()
    return svc, clock, queue, job


def died_holding(svc, key: str, clock: Clock) -> None:
    """A delivery claimed `key` (as the ledger does) and died before recording a result."""
    expires = clock.t + timedelta(seconds=LEASE_S)
    svc.store.create(
        "idempotency", key, {"status": "in_progress", "expires_at": expires.isoformat()}
    )


def test_a_live_claim_is_left_to_its_holder(world):
    svc, clock, queue, job = world
    died_holding(svc, f"{job.id}:narration:s01", clock)
    clock.t += timedelta(seconds=LEASE_S - 1)
    assert svc.sweeper.sweep().requeued == []
    assert queue.tasks == []


def test_an_expired_claim_is_requeued_once_per_expiry(world):
    svc, clock, queue, job = world
    died_holding(svc, f"{job.id}:narration:s01", clock)
    clock.t += timedelta(seconds=LEASE_S + 1)

    first = svc.sweeper.sweep()
    again = svc.sweeper.sweep()  # the next tick, or a second scheduler instance

    assert len(first.requeued) == 1 and again.requeued == []
    assert [(t.target, t.payload) for t in queue.tasks] == [
        ("step_narration", {"job_id": job.id, "scene_id": "s01"})
    ]
    assert "sweep-" in queue.tasks[0].name


def test_the_requeued_step_takes_the_expired_claim_over(world):
    svc, clock, _, job = world
    key = f"{job.id}:script"
    died_holding(svc, key, clock)
    clock.t += timedelta(seconds=LEASE_S + 1)
    svc.sweeper.sweep()

    ran = svc.pipeline.ledger.run_once(key, Written, Written)
    assert svc.store.get("idempotency", key).data["status"] == "completed"
    assert ran == Written()


def test_a_step_whose_claim_keeps_expiring_fails_the_job_naming_stage_scene_and_reason(world):
    svc, clock, queue, job = world
    key = f"{job.id}:keyframe:s02"
    for _ in range(3):  # max_sweeps is 2: the third expiry gives up
        svc.store.delete("idempotency", key)
        died_holding(svc, key, clock)
        clock.t += timedelta(seconds=LEASE_S + 1)
        report = svc.sweeper.sweep()

    assert len(queue.tasks) == 2
    assert list(report.failed) == [job.id]
    failed = svc.jobs.get(job.id)
    assert failed.status == "failed"
    assert (failed.error.stage, failed.error.scene, failed.error.code) == (
        "scenes",
        "s02",
        "step_stalled",
    )
    assert "step_keyframe" in failed.error.message and "expired" in failed.error.message


def test_claims_of_finished_jobs_and_api_idempotency_records_are_ignored(world):
    svc, clock, queue, job = world
    died_holding(svc, f"{job.id}:references", clock)
    died_holding(svc, "3f2a9c", clock)  # an API Idempotency-Key record
    svc.pipeline.cancel("ann", job.id)
    clock.t += timedelta(seconds=LEASE_S + 1)

    assert svc.sweeper.sweep().requeued == []
    assert queue.tasks == []
    assert svc.store.get("idempotency", f"{job.id}:references") is None  # dropped
    assert svc.store.get("idempotency", "3f2a9c") is not None  # not the sweeper's


def test_a_job_whose_first_task_was_lost_is_kicked_then_failed_when_kicks_do_not_help(world):
    svc, clock, queue, job = world
    clock.t += timedelta(seconds=599)
    assert svc.sweeper.sweep().kicked == []  # not stalled yet

    clock.t += timedelta(seconds=2)
    assert svc.sweeper.sweep().kicked == [job.id]
    assert [t.target for t in queue.tasks] == ["step_script"]
    assert svc.sweeper.sweep().kicked == []  # give the kick time to work

    clock.t += timedelta(seconds=601)
    assert svc.sweeper.sweep().kicked == [job.id]
    clock.t += timedelta(seconds=601)
    report = svc.sweeper.sweep()

    assert report.failed and report.kicked == []
    failed = svc.jobs.get(job.id)
    assert failed.status == "failed"
    assert (failed.error.stage, failed.error.code) == ("script", "stalled")
    assert "no progress" in failed.error.message
    assert len({t.name for t in queue.tasks}) == 2


def test_a_stalled_job_in_its_scenes_gets_the_steps_each_scene_still_needs(world):
    svc, clock, queue, job = world

    def in_scenes(j):
        j.status, j.stage, j.scene_ids = "running", "scenes", ["s01", "s02", "s03"]
        j.scenes = {
            "s01": SceneState(narration="done", keyframe="done", clip="done"),
            "s02": SceneState(narration="running", keyframe="done", clip="running"),
            "s03": SceneState(keyframe="running", clip_operation=None),
        }
        j.scenes["s02"].clip_operation = "op-7"

    svc.jobs.mutate(job.id, in_scenes)
    clock.t += timedelta(seconds=601)
    svc.sweeper.sweep()

    asked = sorted(
        (t.target, t.payload.get("scene_id"), t.payload.get("poll")) for t in queue.tasks
    )
    assert asked == [
        ("step_clip", "s02", 1001),  # polls its operation under names not used before
        ("step_keyframe", "s03", None),
        ("step_narration", "s02", None),
        ("step_narration", "s03", None),
    ]


def test_a_stalled_storyboard_is_kicked_for_its_pictures_only_and_never_for_clips(world):
    svc, clock, queue, _ = world
    project = svc.projects.create("ann", CreateProject(prompt="A fox", settings={"duration_s": 10}))
    board = svc.pipeline.start("ann", StartJob(project_id=project.id, kind="storyboard"))
    queue.tasks.clear()

    def in_scenes(j):
        j.status, j.stage, j.scene_ids = "running", "scenes", ["s01", "s02"]
        j.scenes = {"s01": SceneState(keyframe="done"), "s02": SceneState(keyframe="running")}

    svc.jobs.mutate(board.id, in_scenes)
    clock.t += timedelta(seconds=601)
    svc.sweeper.sweep()

    mine = [t for t in queue.tasks if t.payload["job_id"] == board.id]
    assert [(t.target, t.payload.get("scene_id")) for t in mine] == [("step_keyframe", "s02")]
