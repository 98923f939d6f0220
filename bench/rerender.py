"""Re-render benchmark: a full generation against a re-render after editing one scene's line.

Runs the whole pipeline on the embedded default with offline providers (script, painter, Ken
Burns clips, espeak-ng), in one process on one machine, as `generate` does through the API:

1. full: a new 6-scene project (~30 s of 1080x1920 video), generated from nothing;
2. re-render: the third scene's narration is edited and the project generated again: only that
   narration is asked of a provider, and only the segments the edit touched are encoded
   (common/media/spec/segments.py);
3. one-pass vs segments: the full job's timeline assembled again from scratch both ways
   (assemble() in one ffmpeg process, assemble() with an empty segment cache), to
   show what segmenting costs a first render.

Keys written (merged into bench/results.json, other keys kept; `--dev` writes them with a
`dev_` prefix): rerender_vs_full (target <= 0.35), rerender_full_s, rerender_s,
rerender_provider_calls_full, rerender_provider_calls (target: {"narration": 1}),
rerender_segments_encoded, first_render_single_pass_s, first_render_segments_s,
segments_vs_single_pass, rerender_video_s, rerender_load_avg_1m(_end), rerender_measured_at,
and rerender_cpu_vs_full: the same ratio in CPU time (this process and its ffmpeg children),
which other work on a shared machine moves much less than wall time.

    python bench/rerender.py          # 1080x1920, ~30 s (what `make bench` runs)
    python bench/rerender.py --dev    # renders 360x640 (keyframes painted at 720p)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import cpu_seconds, load_avg_1m, measured_at, merge  # noqa: E402
from common.domain.assets import (  # noqa: E402
    ClipOperation,
    ClipRequest,
    ScriptRequest,
)
from common.domain.story import Story  # noqa: E402

PROMPT = "A lighthouse keeper befriends a lonely whale"
SECONDS = 34  # the offline writer's script for this prompt has 6 scenes at 34 s
EDITED = "s03"
NEW_LINE = "The whale rises beside the rocks and sings a long, low song to the keeper."
OWNER = "bench"


@dataclass
class Counted:
    """A script writer or video generator that counts its calls (same id: same cache keys)."""

    inner: Any
    calls: int = 0
    id: str = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.inner.id

    def write(self, request: ScriptRequest) -> Story:
        self.calls += 1
        story: Story = self.inner.write(request)
        return story

    def start(self, request: ClipRequest) -> ClipOperation:
        self.calls += 1
        op: ClipOperation = self.inner.start(request)
        return op

    def poll(self, operation_name: str) -> ClipOperation:
        op: ClipOperation = self.inner.poll(operation_name)
        return op


def provider_calls(svc: Any, script: Counted, video: Counted) -> dict[str, int]:
    calls = {"script": script.calls, "video": video.calls, **svc.assets.calls}
    return {kind: n for kind, n in sorted(calls.items()) if n}


def minus(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: n - before.get(k, 0) for k, n in after.items() if n - before.get(k, 0)}


def run(dev: bool, workdir: Path) -> dict[str, Any]:
    from common.adapters.offline.kenburns import OfflineVideoGenerator
    from common.adapters.offline.writer import OfflineScriptWriter
    from common.bootstrap import build_services
    from common.config import Settings
    from common.domain.commands import CreateProject, StartJob, UpdateScene
    from common.domain.job import Job, Render
    from common.services.projects.editor import StoryEditor

    script, video = Counted(OfflineScriptWriter()), Counted(OfflineVideoGenerator())
    settings = Settings.from_env({}, data_dir=workdir / "data")
    svc = build_services(settings, script=script, video=video)
    resolution = "720p" if dev else "1080p"
    project = svc.projects.create(
        OWNER,
        CreateProject(prompt=PROMPT, settings={"duration_s": SECONDS, "resolution": resolution}),
    )

    def generate() -> tuple[Job, float, float]:
        start, cpu_start = time.perf_counter(), cpu_seconds()
        job = svc.pipeline.start(OWNER, StartJob(project_id=project.id))
        if dev:  # render small; everything else as a real job (same encoder settings)

            def small(j: Job) -> None:
                j.render = Render(aspect="9:16", resolution="360p", width=360, height=640)

            svc.jobs.mutate(job.id, small)
        assert svc.queue.wait_idle(3600), "the queue did not drain"  # type: ignore[attr-defined]
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
        done = svc.jobs.get(job.id)
        if done.status != "done":
            raise SystemExit(f"job {job.id} ended {done.status}: {done.error}")
        return done, seconds, cpu

    load = load_avg_1m()
    size = "360x640" if dev else "1080x1920"
    print(f"full generation: 6 scenes, {size}, load {load:.1f}...", flush=True)
    full, full_s, full_cpu = generate()
    calls_full = provider_calls(svc, script, video)
    print(f"  {full_s:.1f} s ({full_cpu:.0f} s CPU), {full.outputs.duration_s} s of video")
    print(f"  provider calls {calls_full}")

    edited = svc.projects.load(project.id)
    StoryEditor(svc.projects).update_scene(
        OWNER,
        project.id,
        EDITED,
        UpdateScene.model_validate({"revision": edited.revision, "narration": NEW_LINE}),
    )
    print(f"re-render after editing {EDITED}'s narration...", flush=True)
    again, again_s, again_cpu = generate()
    calls_again = minus(provider_calls(svc, script, video), calls_full)
    encoded = again.outputs.encoded_segments
    print(f"  {again_s:.1f} s ({again_cpu:.0f} s CPU), calls {calls_again}")
    print(f"  segments encoded {encoded}")
    print(f"  stages: full {stage_seconds(full)}, re-render {stage_seconds(again)}")

    print("first render, one pass vs segments (assembly only)...", flush=True)
    (single_s, single_cpu), (segments_s, segments_cpu) = compare_first_render(svc, full, workdir)
    print(f"  one pass {single_s:.1f} s ({single_cpu:.0f} s CPU)")
    print(f"  segments {segments_s:.1f} s ({segments_cpu:.0f} s CPU)")
    svc.close()
    return {
        "rerender_vs_full": round(again_s / full_s, 3),
        "rerender_cpu_vs_full": round(again_cpu / full_cpu, 3),
        "rerender_full_s": round(full_s, 2),
        "rerender_s": round(again_s, 2),
        "rerender_provider_calls_full": calls_full,
        "rerender_provider_calls": calls_again,
        "rerender_segments_encoded": encoded,
        "first_render_single_pass_s": round(single_s, 2),
        "first_render_segments_s": round(segments_s, 2),
        "segments_vs_single_pass": round(segments_s / single_s, 3),
        "first_render_single_pass_cpu_s": round(single_cpu, 1),
        "first_render_segments_cpu_s": round(segments_cpu, 1),
        "segments_vs_single_pass_cpu": round(segments_cpu / single_cpu, 3),
        "rerender_video_s": full.outputs.duration_s,
        "rerender_load_avg_1m": load,
        "rerender_load_avg_1m_end": load_avg_1m(),
        "rerender_measured_at": measured_at(),
    }


def stage_seconds(job: Any) -> dict[str, float]:
    """Seconds the job spent in each stage (from its timings)."""
    return {
        stage: round((t.finished_at - t.started_at).total_seconds(), 2)
        for stage, t in getattr(job, "timings", {}).items()
        if t.finished_at is not None
    }


def compare_first_render(
    svc: Any, job: Any, workdir: Path
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Assembly of `job`'s timeline from scratch, (wall s, CPU s) each: one pass, then
    segments (empty cache)."""
    from common.adapters.local.segment_cache import FolderSegmentCache
    from common.media.render.assemble import assemble

    timeline = svc.assembler.timeline(job, job.story, workdir / "assets")
    start, cpu = time.perf_counter(), cpu_seconds()
    assemble(timeline, workdir / "single")
    single = (time.perf_counter() - start, cpu_seconds() - cpu)
    start, cpu = time.perf_counter(), cpu_seconds()
    cache = FolderSegmentCache(workdir / "segment-cache")
    assemble(
        timeline,
        workdir / "segmented",
        fetch_segment=cache.fetch,
        store_segment=cache.store,
        workers=svc.settings.segment_workers,
    )
    return single, (time.perf_counter() - start, cpu_seconds() - cpu)


ROWS = (
    ("full generation, s", "rerender_full_s"),
    ("re-render after one line, s", "rerender_s"),
    ("re-render / full", "rerender_vs_full"),
    ("re-render / full, CPU time", "rerender_cpu_vs_full"),
    ("provider calls, full", "rerender_provider_calls_full"),
    ("provider calls, re-render", "rerender_provider_calls"),
    ("segments encoded, re-render", "rerender_segments_encoded"),
    ("first render, one pass, s", "first_render_single_pass_s"),
    ("first render, segments, s", "first_render_segments_s"),
    ("segments / one pass", "segments_vs_single_pass"),
    ("first render, one pass, CPU s", "first_render_single_pass_cpu_s"),
    ("first render, segments, CPU s", "first_render_segments_cpu_s"),
    ("segments / one pass, CPU time", "segments_vs_single_pass_cpu"),
    ("video length, s", "rerender_video_s"),
    ("load average at start", "rerender_load_avg_1m"),
    ("load average at the end", "rerender_load_avg_1m_end"),
)


def table(results: dict[str, Any]) -> str:
    width = max(len(name) for name, _ in ROWS)
    return "\n".join(f"{name.ljust(width)}  {results.get(key, '-')}" for name, key in ROWS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--dev", action="store_true", help="render 360x640 (keys dev_...)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-rerender-") as tmp:
        results = run(args.dev, Path(tmp))
    print(table(results))
    merge(results, prefix="dev_" if args.dev else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
