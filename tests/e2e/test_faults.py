"""Twenty jobs under injected faults: every one ends, nothing is paid twice, every video plays.

Offline providers fail 30% of their calls transiently; steps die after their side effects and
before the ledger records them (their claims stay in progress until they expire); some
acknowledgements are lost; 10% of tasks are delivered twice, at once, and 2% never arrive. The
test moves its clock past the step lease whenever the queue falls idle with jobs unfinished, and
runs the sweeper, as the scheduler tick does in the cloud: it requeues steps whose claim expired
and kicks jobs that stopped moving.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from common.adapters.local.fs_blobs import FsBlobStore
from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.adapters.offline.kenburns import OfflineVideoGenerator
from common.adapters.offline.painter import OfflineImageGenerator
from common.adapters.offline.voice import EspeakNarrator
from common.adapters.offline.writer import OfflineScriptWriter
from common.domain.commands import CreateProject, StartJob
from common.domain.usage import UsageEvent
from tests.support.faults import (
    CrashingStore,
    FaultPlan,
    FaultyImages,
    FaultyNarrator,
    FaultyQueue,
    FaultyScriptWriter,
    FaultyVideo,
    Figures,
    SkippingClock,
    content_key_of,
)
from tests.support.jobs import DRAFT
from tests.support.probe import ffprobe, stream

pytestmark = pytest.mark.slow

JOBS = 20
LEASE_S = 120.0
STALL_S = 300.0
DEADLINE_S = 420.0  # wall clock for the whole run
OWNER = "fault-tester"
SUBJECTS = [
    "a lighthouse keeper", "a paper boat", "a clockmaker's cat", "a desert fox",
    "a lonely robot", "two rival bakers", "a snow leopard cub", "an old tram driver",
    "a kite maker", "a river otter", "a night-shift nurse", "a glass blower",
    "a beekeeper", "a young astronomer", "a mountain goat", "a street violinist",
    "a tiny dragon", "a retired pirate", "a moth and a lamp", "a sleepy volcano",
]  # fmt: skip


def test_twenty_jobs_under_faults_all_end_without_paying_twice(make_services, tmp_path):
    plan, figures = FaultPlan(lost=0.02), Figures()
    store = CrashingStore(SqliteDocumentStore(tmp_path / "faults.sqlite3"), plan, figures)
    queue = FaultyQueue(
        plan, figures, store, workers=3, max_attempts=6, base_backoff_s=0.1, max_backoff_s=0.5
    )
    clock = SkippingClock()
    svc = make_services(
        {
            **DRAFT,
            "step_lease_s": LEASE_S,
            "stall_after_s": STALL_S,
            "clip_first_poll_s": 0.05,
            "clip_poll_interval_s": 0.05,
            "clip_deadline_s": 86_400,
            "max_sweeps": 4,
        },
        store=store,
        queue=queue,
        clock=clock,
        script=FaultyScriptWriter(OfflineScriptWriter(), plan, figures),
        images=FaultyImages(OfflineImageGenerator(), plan, figures),
        video=FaultyVideo(OfflineVideoGenerator(), plan, figures),
        voice=FaultyNarrator(EspeakNarrator(), plan, figures),
    )

    started = time.monotonic()
    job_ids = []
    for n, subject in enumerate(SUBJECTS[:JOBS]):
        # Shortest duration; every kind renders a draft (what is checked is orchestration).
        settings = {"duration_s": 10, "resolution": "720p", "aspect": "16:9" if n % 2 else "9:16"}
        project = svc.projects.create(
            OWNER, CreateProject(prompt=f"A story about {subject}", settings=settings)
        )
        kind = "generate" if n % 4 == 0 else "preview"
        job_ids.append(svc.pipeline.start(OWNER, StartJob(project_id=project.id, kind=kind)).id)

    sweeps = requeued = kicked = 0
    while time.monotonic() - started < DEADLINE_S:
        if not queue.wait_idle(1.0):
            continue
        if all(svc.jobs.get(j).terminal for j in job_ids):
            break
        # Idle with jobs unfinished: only an expired claim or a lost task can move them.
        clock.skip(LEASE_S + 1)
        report = svc.sweeper.sweep()
        sweeps += 1
        requeued += len(report.requeued)
        kicked += len(report.kicked)
    elapsed = time.monotonic() - started

    jobs = [svc.jobs.get(j) for j in job_ids]
    status = Counter(job.status for job in jobs)
    stuck = [job.id for job in jobs if not job.terminal]
    events = [UsageEvent.model_validate(d.data) for d in svc.store.query("usage")]
    recorded = Counter(content_key_of(e.key) for e in events)
    unrecorded = set(figures.paid) - set(recorded)
    print(
        f"\nfault suite: {JOBS} jobs in {elapsed:.0f} s: done {status['done']}, "
        f"failed {status['failed']}, stuck {len(stuck)}; duplicate paid calls "
        f"{figures.duplicate_paid_calls}; paid calls {sum(figures.paid.values())}, usage events "
        f"{len(events)}; transient faults {figures.transient}, retries {figures.retries}, "
        f"duplicate deliveries {figures.duplicates}, crashes {figures.crashes}, lost acks "
        f"{figures.lost_acks}, lost tasks {figures.lost_tasks}; sweeps {sweeps}, requeued steps "
        f"{requeued}, kicked jobs {kicked}; "
        f"tasks failed for good {len(queue.failures)}"
    )
    for job in jobs:
        if job.status == "failed":
            print(f"  failed {job.id}: {job.error.model_dump() if job.error else None}")
    for failure in queue.failures:
        print(f"  task given up: {failure.task.name} after {failure.attempts}: {failure.error}")

    assert stuck == []
    assert status["done"] + status["failed"] == JOBS
    for job in jobs:
        if job.status == "failed":
            # Only a provider's retries running out may fail a job: a crash, a duplicate or a
            # lost acknowledgement must be recovered from.
            assert job.error is not None and job.error.stage and job.error.message
            assert (job.error.code, job.error.retryable) == ("provider_error", True), job.error
    # The faults happened (a quiet run would prove nothing).
    assert figures.transient > 0 and figures.crashes > 0 and figures.duplicates > 0
    assert figures.retries > 0
    # Nothing paid twice for the same inputs, and every paid call has exactly one usage event.
    assert figures.duplicate_paid_calls == 0, [k for k, n in figures.paid.items() if n > 1]
    assert max(recorded.values()) == 1
    assert unrecorded == set() and set(recorded) == set(figures.paid)
    assert len(events) == sum(figures.paid.values())
    # Each job's cost is the sum of its events: no line was added twice.
    for job in jobs:
        units: Counter[str] = Counter()
        for e in events:
            if e.job_id == job.id:
                units[e.provider] += e.units
        assert {p: line.units for p, line in job.cost.items()} == pytest.approx(dict(units))
    # Every finished video is valid and as long as the job says.
    for job in jobs:
        if job.status != "done":
            continue
        assert job.outputs.video is not None
        info = ffprobe(svc.blobs.download(job.outputs.video, tmp_path / f"{job.id}.mp4"))
        video, audio = stream(info, "video"), stream(info, "audio")
        assert (video["codec_name"], audio["codec_name"]) == ("h264", "aac")
        assert (int(video["width"]), int(video["height"])) == (job.render.width, job.render.height)
        duration = float(info["format"]["duration"])
        assert 7 <= duration <= 16 and abs(duration - (job.outputs.duration_s or 0)) < 0.2


class RacingBlobs(FsBlobStore):
    """Runs `race` (once) just before the job's video is uploaded: another assembly of the same
    job that finishes first, as a relaunched assembly may."""

    race: Callable[[], object] | None = None

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> str:
        race, self.race = (self.race, None) if key.endswith("/video.mp4") else (None, self.race)
        if race is not None:
            race()
        return super().put_file(key, path, content_type)


def test_an_assembly_that_loses_the_race_keeps_the_winners_outputs(make_services, tmp_path):
    # A relaunched assembly (a redelivery after its claim expired, a kick by the sweeper) may
    # run while the first is still at work: the one that finishes second must not delete what
    # the first published under the same keys.
    from tests.support.fakes import RecordingRunner

    runner, blobs = RecordingRunner(), RacingBlobs(tmp_path / "media")
    svc = make_services(DRAFT, runner=runner, blobs=blobs)
    settings = {"duration_s": 10, "resolution": "720p"}
    project = svc.projects.create(OWNER, CreateProject(prompt="A kite maker", settings=settings))
    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id, kind="preview"))
    assert svc.queue.wait_idle(120) and runner.started == [job.id]

    blobs.race = lambda: svc.assembler.run(job.id)
    svc.assembler.run(job.id)

    job = svc.jobs.get(job.id)
    assert job.status == "done" and blobs.race is None
    outputs = job.outputs
    for key in (outputs.video, outputs.thumbnail, outputs.captions_srt, outputs.captions_vtt):
        assert key is not None and svc.blobs.exists(key), key
    info = ffprobe(svc.blobs.download(outputs.video, tmp_path / "video.mp4"))
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}
