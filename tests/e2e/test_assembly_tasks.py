"""An assembly spread over tasks (common/services/pipeline/assembly_tasks.py) under faults: a task
killed and retried, a joining task killed and taken over, duplicate joins, a task finishing
after the job was cancelled. Whatever happens: one video, never two, never a partial.

Jobs are made on the offline providers up to their assembly (a recording runner stands in for
Cloud Run), then the test runs the tasks as the Cloud Run job would, slot by slot.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from common.adapters.local.fs_blobs import FsBlobStore
from common.bootstrap import Services
from common.domain import assembly_tasks
from common.domain.assembly_tasks import TaskSlot
from common.domain.commands import CreateProject, StartJob
from common.domain.job import Job
from common.media.spec.frames import total_frames
from common.media.spec.segments import plan_segments
from tests.support.fakes import RecordingRunner
from tests.support.jobs import DRAFT
from tests.support.probe import ffprobe, stream

OWNER = "task-tester"
VIDEO = "/video.mp4"


class Killed(BaseException):
    """A task's process dying (SIGKILL, lost instance): nothing after it runs, no cleanup of
    the job's state."""


class WatchedBlobs(FsBlobStore):
    """Counts every segment stored and every video published, and runs a hook (once) before
    the first put whose key ends with the hook's suffix: a kill or a cancel at that moment."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.puts: Counter[str] = Counter()
        self.hooks: dict[str, Callable[[], None]] = {}
        self.lock = threading.Lock()

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> str:
        with self.lock:
            suffix = next((s for s in self.hooks if key.endswith(s)), None)
            hook = self.hooks.pop(suffix) if suffix is not None else None
        if hook is not None:
            hook()
        stored = super().put_file(key, path, content_type)
        with self.lock:
            self.puts[key] += 1  # only what was stored (a killed put stored nothing)
        return stored

    def segments_stored(self) -> Counter[str]:
        return Counter({k: n for k, n in self.puts.items() if k.startswith("cache/segments/")})

    def videos_published(self) -> int:
        return sum(n for k, n in self.puts.items() if k.endswith(VIDEO))


def kill() -> None:
    raise Killed


@pytest.fixture
def setup(make_services, tmp_path):  # type: ignore[no-untyped-def]
    blobs, runner = WatchedBlobs(tmp_path / "media"), RecordingRunner()
    svc = make_services(DRAFT, runner=runner, blobs=blobs)
    return svc, blobs, runner


def ready_job(svc: Services, runner: RecordingRunner, prompt: str = "A kite maker") -> Job:
    """A 10 s job with every scene ready and its assembly launched (recorded, not run)."""
    settings = {"duration_s": 10, "resolution": "720p"}
    project = svc.projects.create(OWNER, CreateProject(prompt=prompt, settings=settings))
    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id, kind="preview"))
    assert svc.queue.wait_idle(120) and runner.started == [job.id]
    job = svc.jobs.get(job.id)
    assert len(job.scene_ids) >= 2, "two tasks need two scenes"
    return job


def slot(index: int, attempt: int = 0, execution: str = "exec-1") -> TaskSlot:
    return TaskSlot(index=index, count=2, attempt=attempt, execution=execution)


def assert_one_whole_video(svc: Services, job: Job, blobs: WatchedBlobs, tmp_path: Path) -> None:
    """The job is done with one published video, every frame of the timeline in it."""
    assert job.status == "done" and job.outputs.video is not None
    assert blobs.videos_published() == 1
    info = ffprobe(svc.blobs.download(job.outputs.video, tmp_path / f"{job.id}.mp4"))
    video = stream(info, "video")
    timeline = svc.assembler.job_timeline(job, tmp_path / "inputs")
    assert int(video["nb_frames"]) == total_frames(timeline)
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}
    # The job names every segment as encoded for it, by the tasks: the join found them all
    # (it would have stored again what it encoded).
    assert job.outputs.encoded_segments == [s.name for s in plan_segments(timeline)]
    assert set(blobs.segments_stored().values()) == {1}


def test_two_tasks_make_one_video_joined_by_the_task_that_completes_the_set(setup, tmp_path):
    svc, blobs, runner = setup
    job = ready_job(svc, runner)
    first = svc.assembly_task.run(job.id, slot(0))
    assert first.status == "running" and first.outputs.video is None
    assert first.assembly_tasks is not None and first.assembly_tasks.done == [0]
    assert blobs.videos_published() == 0
    done = svc.assembly_task.run(job.id, slot(1))
    assert done.assembly_tasks is not None and done.assembly_tasks.done == [0, 1]
    assert done.assembly_tasks.join is not None and done.assembly_tasks.join.task == 1
    assert_one_whole_video(svc, done, blobs, tmp_path)
    # Every segment was encoded and stored once, by the task whose share holds it.
    assert set(blobs.segments_stored().values()) == {1}


def test_a_task_killed_mid_share_and_retried_encodes_only_what_it_lacked(setup, tmp_path):
    svc, blobs, runner = setup
    job = ready_job(svc, runner)
    svc.assembly_task.run(job.id, slot(0))
    before = set(blobs.segments_stored())
    # Task 1 dies as it stores its first segment (encoded, not yet kept).
    blobs.hooks[".mp4"] = kill
    with pytest.raises(Killed):
        svc.assembly_task.run(job.id, slot(1))
    assert svc.jobs.get(job.id).assembly_tasks.done == [0]  # type: ignore[union-attr]
    done = svc.assembly_task.run(job.id, slot(1, attempt=1))
    assert_one_whole_video(svc, done, blobs, tmp_path)
    # The retry stored what the killed attempt had not; task 0's segments were not encoded
    # again, and nothing was stored twice.
    assert set(blobs.segments_stored().values()) == {1}
    assert before < set(blobs.segments_stored())


def test_a_join_killed_midway_is_taken_over_by_its_retry_not_by_another_task(setup, tmp_path):
    svc, blobs, runner = setup
    job = ready_job(svc, runner)
    svc.assembly_task.run(job.id, slot(0))
    blobs.hooks[VIDEO] = kill  # the join dies as it publishes the video
    with pytest.raises(Killed):
        svc.assembly_task.run(job.id, slot(1))
    held = svc.jobs.get(job.id)
    assert held.status == "running" and held.outputs.video is None
    # Task 0 delivered again meanwhile: the claim's holder may still be at work, so no join.
    again = svc.assembly_task.run(job.id, slot(0))
    assert again.status == "running" and again.outputs.video is None
    # Cloud Run runs task 1 again only once its killed attempt ended: it takes the join over.
    done = svc.assembly_task.run(job.id, slot(1, attempt=1))
    assert_one_whole_video(svc, done, blobs, tmp_path)
    assert done.assembly_tasks is not None and done.assembly_tasks.join is not None
    assert (done.assembly_tasks.join.task, done.assembly_tasks.join.attempt) == (1, 1)


def test_duplicate_task_deliveries_after_the_join_publish_nothing_again(setup, tmp_path):
    svc, blobs, runner = setup
    job = ready_job(svc, runner)
    # The video is joined; then both tasks are delivered again at once, by the same execution
    # and by a relaunched one.
    svc.assembly_task.run(job.id, slot(0))
    svc.assembly_task.run(job.id, slot(1))  # joins
    first = svc.jobs.get(job.id)
    gate = threading.Barrier(4)
    results: list[Job] = []

    def deliver(index: int, execution: str) -> None:
        gate.wait()
        results.append(svc.assembly_task.run(job.id, slot(index, execution=execution)))

    threads = [
        threading.Thread(target=deliver, args=(i, e)) for i in (0, 1) for e in ("exec-1", "exec-2")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 4 and all(r.status == "done" for r in results)
    assert_one_whole_video(svc, svc.jobs.get(job.id), blobs, tmp_path)
    assert svc.jobs.get(job.id).updated_at == first.updated_at  # nothing written again


def test_two_tasks_running_at_once_let_exactly_one_join(setup, tmp_path):
    svc, blobs, runner = setup
    job = ready_job(svc, runner)
    gate = threading.Barrier(2)
    results: list[Job] = []

    def task(index: int) -> None:
        gate.wait()
        results.append(svc.assembly_task.run(job.id, slot(index)))

    threads = [threading.Thread(target=task, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    done = svc.jobs.get(job.id)
    assert_one_whole_video(svc, done, blobs, tmp_path)


def test_a_task_finishing_after_the_job_was_cancelled_joins_nothing(setup, tmp_path):
    svc, blobs, runner = setup
    job = ready_job(svc, runner)
    svc.assembly_task.run(job.id, slot(0))
    svc.pipeline.cancel(OWNER, job.id)
    late = svc.assembly_task.run(job.id, slot(1))
    assert late.status == "cancelled" and late.outputs.video is None
    assert late.assembly_tasks is not None and late.assembly_tasks.done == [0]
    assert blobs.videos_published() == 0
    assert not any(k.startswith(f"jobs/{job.id}/") for k in blobs.puts)


def test_a_cancel_during_a_share_stops_it_before_its_next_scene(setup, tmp_path):
    svc, blobs, runner = setup
    job = ready_job(svc, runner)
    # Cancelled while task 0 stores its first segment: it stops, records nothing.
    blobs.hooks[".mp4"] = lambda: svc.pipeline.cancel(OWNER, job.id) and None
    stopped = svc.assembly_task.run(job.id, TaskSlot(index=0, count=1 + len(job.scene_ids)))
    assert stopped.status == "cancelled" and stopped.assembly_tasks is None
    assert sum(blobs.segments_stored().values()) <= 2  # one scene's body and transition at most
    assert blobs.videos_published() == 0


def test_a_launched_long_video_runs_its_tasks_in_process_and_ends_with_one_video(
    make_services, tmp_path, monkeypatch
):
    # Shares of 4 s instead of 15: this 10 s draft is "long", so the local runner splits it.
    monkeypatch.setattr(assembly_tasks, "MIN_SHARE_S", 4.0)
    blobs = WatchedBlobs(tmp_path / "media")
    svc = make_services({**DRAFT, "assembly_max_tasks": 2}, blobs=blobs)
    settings = {"duration_s": 10, "resolution": "720p"}
    project = svc.projects.create(OWNER, CreateProject(prompt="A tiny dragon", settings=settings))
    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id, kind="preview"))
    assert svc.queue.wait_idle(180)
    done = svc.jobs.get(job.id)
    assert done.assembly_tasks is not None and done.assembly_tasks.count == 2
    assert_one_whole_video(svc, done, blobs, tmp_path)


def test_a_launched_long_video_built_from_settings_runs_its_tasks_as_processes(
    make_services, tmp_path, monkeypatch
):
    # Services built from settings alone: each task is a process of its own, in the job's
    # trace (an assemble_task span per process, children of the step that launched them).
    monkeypatch.setattr(assembly_tasks, "MIN_SHARE_S", 4.0)
    svc = make_services({**DRAFT, "assembly_max_tasks": 2})
    settings = {"duration_s": 10, "resolution": "720p"}
    project = svc.projects.create(OWNER, CreateProject(prompt="A tiny dragon", settings=settings))
    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id, kind="preview"))
    assert svc.queue.wait_idle(300)
    done = svc.jobs.get(job.id)
    assert done.status == "done" and done.outputs.video is not None
    assert done.assembly_tasks is not None and done.assembly_tasks.done == [0, 1]
    spans = svc.traces.of_job(job.id).spans
    tasks = [s for s in spans if s.name == "assemble_task"]
    assert len(tasks) == 2
    by_id = {s.span_id: s for s in spans}
    assert all(by_id[s.parent_span_id or ""].name.startswith("step") for s in tasks), [
        by_id.get(s.parent_span_id or "") for s in tasks
    ]
    timeline = svc.assembler.job_timeline(done, tmp_path / "inputs")
    info = ffprobe(svc.blobs.download(done.outputs.video, tmp_path / "video.mp4"))
    assert int(stream(info, "video")["nb_frames"]) == total_frames(timeline)
