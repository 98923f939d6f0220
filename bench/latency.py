"""Latency benchmark: a job's wall time against its critical path, for 6 and 30 scenes.

The design's latency goal is that a job takes about its slowest scene plus assembly, not the
sum of its scenes. Here whole jobs run on the embedded default (SQLite, a media folder, the
in-process queue) with the real provider adapters (google-genai for Gemini and Veo, the
ElevenLabs SDK) talking to the wire-format stand-ins of tests/stubs/, which answer after fixed,
realistic delays (DELAYS). Everything else is as configured: the queue's workers, the
ElevenLabs concurrency, the clip poll interval and the retry settings come from the environment
(defaults when unset), so the queue's concurrency limits are at their configured values.

    critical path = script + reference image + keyframe image + Veo start + Veo generation
                    + the fetch that finds the clip + assembly (the job's own assembly stage)

That is the longest chain of provider delays in the pipeline's dependency graph (character
references do not depend on each other, narration runs beside the pictures) plus assembly;
latency_overhead = wall / critical path (goals: <= 1.15 for 6 scenes, <= 1.25 for 30). Videos
render as drafts (STORYGENIUS_RENDER_PROFILE=draft, 96p) so the number measures orchestration,
not the encoder (bench/assembly.py measures that); the assembly seconds are reported. Assembly
is on both sides of the ratio, so a slow one (a loaded machine) flatters it:
latency_overhead_before_assembly_N = (wall - assembly) / (critical path - assembly) is the same
ratio over the part the orchestration decides.

Keys merged into bench/results.json (other keys kept): latency_overhead_6, latency_overhead_30,
and per scene count latency_wall_N_s, latency_critical_path_N_s, latency_assembly_N_s,
latency_last_keyframe_asked_N_s and latency_last_clip_started_N_s (seconds after the job
started: when the last scene reached the image model and Veo, which tells queueing from
polling), latency_clip_fetches_N, latency_veo_requests_N and latency_veo_quota_floor_N_s (see
VEO_REQUESTS_PER_MINUTE), latency_stages_ended_N_s (when each stage ended, seconds after the
job was created); latency_delays_s, latency_settings, latency_load_avg_1m,
latency_measured_at.

    python bench/latency.py            # 6 and 30 scenes (what `make bench` runs, ~5 min)
    python bench/latency.py --scenes 6
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import load_avg_1m, measured_at, merge  # noqa: E402
from common.bootstrap import Services, build_services  # noqa: E402
from common.config import Settings  # noqa: E402
from common.domain.commands import CreateProject, StartJob  # noqa: E402
from common.domain.job import Job  # noqa: E402
from tests.stubs.elevenlabs_server import ElevenLabsStub  # noqa: E402
from tests.stubs.vertex_server import VertexStub, VideoOutcome, sample_story  # noqa: E402
from tests.support.terraform_model import terraform  # noqa: E402

OWNER = "bench"
PROMPT = "A lighthouse keeper befriends a lonely whale"
SECONDS_PER_SCENE = 4  # the stand-in's story: one 4 s clip per scene
GOALS = {6: 1.15, 30: 1.25}
# Veo's request quota (starts and polls alike), which the cloud's video queue is rate-limited to
# (Terraform's var.veo_requests_per_minute, read from infra/terraform). The in-process queue
# limits how many steps of a class run at once, not how often, so this bench does not feel it:
# it reports the least time the cloud would need just to send the job's Veo requests.
VEO_REQUESTS_PER_MINUTE = int(terraform()["variable"]["veo_requests_per_minute"]["default"])

# Seconds each provider answer takes (typical figures for these models, rounded):
DELAYS: dict[str, float] = {
    "script": 8.0,  # Gemini Flash writing a structured story (~1.5k output tokens)
    "image": 6.0,  # one Gemini image (a reference or a keyframe)
    "veo_start": 1.0,  # predictLongRunning answering with the operation's name
    "veo_generation": 60.0,  # Veo 3.1 Fast making a 4 s clip, from start to done
    "veo_fetch": 0.3,  # one fetchPredictOperation poll
    "tts": 2.5,  # one ElevenLabs line with timestamps
}


def critical_path_s(assembly_s: float) -> float:
    """The longest chain of provider delays plus the job's assembly."""
    d = DELAYS
    pictures = d["image"] + d["image"]  # a reference, then the keyframe that uses it
    clip = d["veo_start"] + d["veo_generation"] + d["veo_fetch"]
    return d["script"] + pictures + clip + assembly_s


def _stage_s(job: Job, stage: str) -> float:
    timing = job.timings.get(stage)
    if timing is None or timing.finished_at is None:
        raise RuntimeError(f"job {job.id} has no finished {stage} stage: {job.timings}")
    return (timing.finished_at - timing.started_at).total_seconds()


def _services(vertex: VertexStub, voice: ElevenLabsStub, data_dir: Path) -> Services:
    """Settings from the environment (the configured limits), providers on the stand-ins."""
    settings = Settings.from_env(
        os.environ,
        data_dir=data_dir,
        script="gemini",
        images="gemini",
        video="veo",
        voice="elevenlabs",
        google_cloud_project="bench",
        vertex_base_url=vertex.url,
        vertex_auth="none",
        elevenlabs_base_url=voice.base_url,
        elevenlabs_api_key=voice.api_key,
        render_profile="draft",
    )
    return build_services(settings)


def run(scenes: int, vertex: VertexStub, voice: ElevenLabsStub, workdir: Path) -> dict[str, Any]:
    """One job of `scenes` scenes; its wall time, critical path and where the time went."""
    vertex.reset()
    vertex.story = sample_story(scenes)
    vertex.default_video = VideoOutcome(polls=0, seconds=DELAYS["veo_generation"])
    vertex.latency.update(
        {
            "text": DELAYS["script"],
            "image": DELAYS["image"],
            "predictLongRunning": DELAYS["veo_start"],
            "fetchPredictOperation": DELAYS["veo_fetch"],
        }
    )
    svc = _services(vertex, voice, workdir / f"data-{scenes}")
    try:
        # A warm instance, as `serve` makes itself at start: the SDKs imported, the clients
        # built and the language identifier loaded (bench/cold_start.py measures a cold one),
        # so the first job's script step does not pay ~1 s of imports and 0.3-4.6 s of model.
        svc.warm_up()
        settings = {"duration_s": SECONDS_PER_SCENE * scenes, "resolution": "720p"}
        project = svc.projects.create(OWNER, CreateProject(prompt=PROMPT, settings=settings))
        started = time.monotonic()
        job = svc.pipeline.start(OWNER, StartJob(project_id=project.id))
        deadline = started + 1800
        while not (job := svc.jobs.get(job.id)).terminal:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {scenes}-scene job did not end in 30 min: {job.stage}")
            time.sleep(0.05)
        wall = time.monotonic() - started
        if job.status != "done" or len(job.scene_ids) != scenes:
            raise RuntimeError(f"the {scenes}-scene job ended {job.status}: {job.error}")
        assembly = _stage_s(job, "assembly")
        critical = critical_path_s(assembly)
        images = [r for r in vertex.received if r.verb == "generateContent"]
        veo_requests = len(vertex.requests("predictLongRunning")) + len(
            vertex.requests("fetchPredictOperation")
        )
        ended = {
            stage: round((t.finished_at - job.created_at).total_seconds(), 1)
            for stage, t in job.timings.items()
            if t.finished_at is not None
        }
        return {
            f"latency_stages_ended_{scenes}_s": ended,
            f"latency_overhead_{scenes}": round(wall / critical, 3),
            f"latency_overhead_before_assembly_{scenes}": round(
                (wall - assembly) / (critical - assembly), 3
            ),
            f"latency_wall_{scenes}_s": round(wall, 1),
            f"latency_critical_path_{scenes}_s": round(critical, 1),
            f"latency_assembly_{scenes}_s": round(assembly, 1),
            f"latency_last_keyframe_asked_{scenes}_s": round(_last_arrival(images, started), 1),
            f"latency_last_clip_started_{scenes}_s": round(
                _last_arrival(vertex.requests("predictLongRunning"), started), 1
            ),
            f"latency_clip_fetches_{scenes}": len(vertex.requests("fetchPredictOperation")),
            f"latency_veo_requests_{scenes}": veo_requests,
            f"latency_veo_quota_floor_{scenes}_s": round(
                veo_requests * 60 / VEO_REQUESTS_PER_MINUTE, 1
            ),
        }
    finally:
        svc.close()


def _last_arrival(received: list[Any], started: float) -> float:
    return max(r.at for r in received) - started if received else 0.0


def table(results: dict[str, Any], counts: list[int]) -> str:
    rows = [
        "latency (provider stand-ins with fixed delays; draft renders)",
        f"  delays (s): {json.dumps(DELAYS)}",
        f"  settings: {json.dumps(results['latency_settings'])}",
        f"  {'scenes':>6} {'wall s':>8} {'critical s':>11} {'assembly s':>11} {'overhead':>9}"
        f" {'goal':>6} {'w/o assembly':>13} {'last keyframe s':>16} {'last clip start s':>18}",
    ]
    for n in counts:
        overhead = results[f"latency_overhead_{n}"]
        goal = GOALS.get(n)
        verdict = "" if goal is None else ("ok" if overhead <= goal else "MISSED")
        rows.append(
            f"  {n:>6} {results[f'latency_wall_{n}_s']:>8} "
            f"{results[f'latency_critical_path_{n}_s']:>11} "
            f"{results[f'latency_assembly_{n}_s']:>11} {overhead:>9} "
            f"{goal or '':>6} {results[f'latency_overhead_before_assembly_{n}']:>13} "
            f"{results[f'latency_last_keyframe_asked_{n}_s']:>16} "
            f"{results[f'latency_last_clip_started_{n}_s']:>18} {verdict}"
        )
    for n in counts:
        rows.append(f"  {n} scenes, stages ended at (s): {results[f'latency_stages_ended_{n}_s']}")
        rows.append(
            f"  {n} scenes, Veo requests: {results[f'latency_veo_requests_{n}']}, at least "
            f"{results[f'latency_veo_quota_floor_{n}_s']} s at {VEO_REQUESTS_PER_MINUTE} a minute"
            " (the cloud's video queue rate; not felt here)"
        )
    rows.append(f"  load average (1 min) at the start: {results['latency_load_avg_1m']}")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scenes", type=int, action="append", help="scene counts (6 and 30)")
    args = parser.parse_args()
    counts = args.scenes or [6, 30]
    configured = Settings.from_env(os.environ)
    results: dict[str, Any] = {
        "latency_delays_s": DELAYS,
        "latency_settings": {
            "queue_limits": configured.queue_limits,
            "elevenlabs_max_concurrency": configured.elevenlabs_max_concurrency,
            "clip_first_poll_s": configured.clip_first_poll_s,
            "clip_poll_interval_s": configured.clip_poll_interval_s,
        },
        "latency_load_avg_1m": load_avg_1m(),
        "latency_measured_at": measured_at(),
    }
    vertex = VertexStub()
    try:
        with (
            ElevenLabsStub(latency_s=DELAYS["tts"]) as voice,
            tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp,
        ):
            for scenes in counts:
                results.update(run(scenes, vertex, voice, Path(tmp)))
    finally:
        vertex.close()
    print(table(results, counts))
    merge(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
