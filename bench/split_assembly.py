"""Assembly spread over tasks: the long timeline's makespan on 8 tasks against 1 (issue 18).

Generates the long timeline of bench/assembly.py (30 scenes, about 3 minutes, 1080x1920, 30
fps) and measures, each in a fresh process, one after another on this machine:

- the single-task assembly: what a one-task execution runs (assemble() with an empty segment
  cache: the whole picture in one pass cut into segments, soundtrack, join, thumbnail);
- each of the N workers (N from the timeline, as the assembly step chooses it: one per 15 s
  of video, at most STORYGENIUS_ASSEMBLY_MAX_TASKS) rendering its share alone into a shared
  folder cache (common.media.render.shares.render_share): wall and CPU seconds;
- the join: assemble() finding every segment cached (soundtrack, stream-copy join,
  thumbnail; it must encode nothing).

long_assembly_makespan_8_vs_1 = (slowest worker + join) / single-task assembly, from those wall
times: what an execution of N tasks running side by side on N machines takes against one task
(goal <= 0.25). Each worker runs alone here, on all of this machine's cores, as a Cloud Run
task has its own; the machine's core count is printed and kept with the numbers. The same
ratio from CPU seconds is kept too (`_cpu`): a shared machine's load moves wall times, much
less the CPU work.

    python bench/split_assembly.py          # the long timeline (what `make bench` runs)
    python bench/split_assembly.py --dev    # 3 tiny scenes in 2 shares; results.json untouched
    python bench/split_assembly.py --frame 360x640   # the long timeline, smaller; not saved
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The cloud's most tasks per assembly: Terraform's assemble_max_tasks (the local default is 1).
CLOUD_MAX_TASKS = 8
sys.path.insert(0, str(ROOT))

from bench.assembly import DEV, LONG, Size, _engine, _measure, make_timeline  # noqa: E402
from bench.results import cpu_seconds, load_avg_1m, measured_at, merge  # noqa: E402


def _worker(timeline_json: str, index: int, count: int, cache: str, result: Any) -> None:
    """One task's share, alone: its wall time, peak RSS and CPU seconds (ffmpeg included)."""
    from bench.assembly import _peak_rss_mib
    from common.adapters.local.segment_cache import FolderSegmentCache
    from common.config import Settings
    from common.media.render.shares import render_share
    from common.media.spec.timeline import Timeline

    timeline = Timeline.model_validate_json(timeline_json)
    folder = FolderSegmentCache(Path(cache))
    workers = Settings.model_fields["segment_workers"].default
    start, cpu = time.perf_counter(), cpu_seconds()
    report = render_share(
        timeline, index, count, fetch=folder.fetch, store=folder.store, workers=workers
    )
    if report.reused:
        raise SystemExit(f"worker {index} found segments of another share: {report.reused}")
    result.put((time.perf_counter() - start, _peak_rss_mib(), cpu_seconds() - cpu))


def _join(timeline_json: str, cache: str, out: str, result: Any) -> None:
    """The join: assemble() with every segment cached; it must encode none."""
    from bench.assembly import _peak_rss_mib
    from common.adapters.local.segment_cache import FolderSegmentCache
    from common.media.render.assemble import assemble
    from common.media.spec.timeline import Timeline

    timeline = Timeline.model_validate_json(timeline_json)
    folder = FolderSegmentCache(Path(cache))
    start, cpu = time.perf_counter(), cpu_seconds()
    done = assemble(timeline, Path(out), fetch_segment=folder.fetch, store_segment=folder.store)
    if done.segments.encoded:
        raise SystemExit(f"the join encoded {done.segments.encoded}: a share left them out")
    result.put((time.perf_counter() - start, _peak_rss_mib(), cpu_seconds() - cpu))


def run(size: Size, work: Path) -> dict[str, Any]:
    from common.domain.assembly_tasks import task_count
    from common.media.spec.segments import plan_segments

    work.mkdir()
    cores = os.cpu_count() or 1
    print(
        f"[{size.label}] generating inputs ({size.scenes} scenes, {size.width}x{size.height})...",
        flush=True,
    )
    timeline = make_timeline(work, size)
    spec = timeline.model_dump_json()
    most = CLOUD_MAX_TASKS
    long = size.scenes == LONG.scenes
    count = task_count(timeline.duration_s, len(timeline.scenes), most) if long else 2
    from common.media.render.shares import plan_shares

    shares = plan_shares(plan_segments(timeline), count)
    load = load_avg_1m()
    print(
        f"[{size.label}] {timeline.duration_s:.1f} s of video in {count} tasks; this machine "
        f"has {cores} cores, load {load:.1f}; single task...",
        flush=True,
    )
    single_s, single_rss, single_cpu = _measure(_engine, spec, str(work / "single"))
    print(f"[{size.label}] single task {single_s:.1f} s ({single_cpu:.0f} CPU s)", flush=True)
    cache = work / "cache"
    workers = []
    for share in shares:
        wall, rss, cpu = _measure(_worker, spec, share.index, count, str(cache))
        workers.append((wall, rss, cpu))
        print(
            f"[{size.label}] worker {share.index}: {share.frames} frames in "
            f"{len(share.scenes)} scenes, {wall:.1f} s ({cpu:.0f} CPU s)",
            flush=True,
        )
    join_s, join_rss, join_cpu = _measure(_join, spec, str(cache), str(work / "joined"))
    slowest = max(w[0] for w in workers)
    slowest_cpu = max(w[2] for w in workers)
    p = size.prefix
    results: dict[str, Any] = {
        f"{p}split_tasks": count,
        f"{p}split_machine_cores": cores,
        f"{p}split_single_task_s": round(single_s, 2),
        f"{p}split_single_task_cpu_s": round(single_cpu, 1),
        f"{p}split_single_task_peak_rss_mib": round(single_rss, 1),
        f"{p}split_worker_frames": [s.frames for s in shares],
        f"{p}split_worker_s": [round(w[0], 2) for w in workers],
        f"{p}split_worker_cpu_s": [round(w[2], 1) for w in workers],
        f"{p}split_worker_peak_rss_mib": round(max(w[1] for w in workers), 1),
        f"{p}split_join_s": round(join_s, 2),
        f"{p}split_join_cpu_s": round(join_cpu, 1),
        f"{p}split_join_peak_rss_mib": round(join_rss, 1),
        f"{p}assembly_makespan_{count}_vs_1": round((slowest + join_s) / single_s, 3),
        f"{p}assembly_makespan_{count}_vs_1_cpu": round((slowest_cpu + join_cpu) / single_cpu, 3),
        f"{p}split_load_avg_1m": load,
        f"{p}split_measured_at": measured_at(),
    }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", action="store_true", help="tiny timeline, results.json untouched")
    parser.add_argument(
        "--frame",
        metavar="WxH",
        help="the long timeline at another frame size (a busy machine); results.json untouched",
    )
    args = parser.parse_args(argv)
    size = DEV[1] if args.dev else LONG
    if args.frame:
        width, height = (int(n) for n in args.frame.split("x"))
        size = dataclasses.replace(LONG, width=width, height=height)
    with tempfile.TemporaryDirectory(prefix="bench-split-") as tmp:
        results = run(size, Path(tmp) / size.label)
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key.ljust(width)}  {value}")
    print(f"(this machine has {results[size.prefix + 'split_machine_cores']} cores)")
    if not args.dev and not args.frame:
        merge(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
