"""Assembly benchmark: our one-pass engine against the encoder alone and against MoviePy.

Generates inputs (offline illustrations, espeak-ng narration, the offline ambient music bed,
captions, transitions) for two timelines, short (6 scenes, 1080x1920, 30 fps, about 30 s) and long
(30 scenes, 1080x1920, 30 fps, about 3 minutes), and measures each side by side in one run:

- engine_s: the product's assembly wall time, as the assembly job runs a first render
  (common.media.render.assemble.assemble with an empty segment cache: graph build, render,
  encode, segments stored, soundtrack, join, thumbnail);
- encode_floor_s: ffmpeg re-encoding our output with the same codec settings (decode included);
- naive_moviepy_s: the same timeline assembled the way MoviePy-based peers do it
  (bench/naive_moviepy.py), with the same encoder settings;
- engine_vs_floor = engine_s / encode_floor_s (target <= 1.3, media engine issue);
- naive_vs_engine = naive_moviepy_s / engine_s (target >= 5);
- peak RSS (MiB) of each, children included;
- CPU seconds of each (`*_cpu_s`, `engine_vs_floor_cpu`): on a shared machine the wall times
  move with the load, the CPU work much less.

The long timeline's keys carry a `long_` prefix. Each measurement runs in a fresh process so
peak RSS is its own. Results merge into bench/results.json and a table is printed. Not a test:
numbers depend on the machine. The naive MoviePy run of the long timeline takes tens of minutes.

    python bench/assembly.py              # both sizes (what `make bench` runs)
    python bench/assembly.py --quick      # the short size only (or BENCH_QUICK=1)
    python bench/assembly.py --skip-naive # no MoviePy runs (engine and floor only)
    python bench/assembly.py --dev        # tiny 360x640 timelines; printed, results.json untouched
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import queue
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from common.media.spec.timeline import Timeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import cpu_seconds, load_avg_1m, measured_at, merge  # noqa: E402

PROMPT = "A lighthouse keeper befriends a lonely whale"
WIDTH, HEIGHT, FPS = 1080, 1920, 30


@dataclass(frozen=True)
class Size:
    """One benchmarked timeline: its key prefix, table column, scene count and script length."""

    prefix: str
    label: str
    scenes: int
    seconds: int
    width: int = WIDTH
    height: int = HEIGHT


SHORT = Size("", "short", scenes=6, seconds=36)
LONG = Size("long_", "long", scenes=30, seconds=180)
DEV = (Size("", "short", 2, 10, 360, 640), Size("long_", "long", 3, 15, 360, 640))


def make_timeline(workdir: Path, size: Size = SHORT) -> Timeline:
    """Generated inputs for `size` (by default ~30 s, 6 scenes, 1080x1920), as a Timeline.

    Every scene gets its own painting, narration and motion; transitions cycle through
    crossfade, dip-to-black and slide.
    """
    from common.adapters.offline.painter import OfflineImageGenerator
    from common.adapters.offline.voice import EspeakNarrator
    from common.adapters.offline.writer import OfflineScriptWriter
    from common.domain.assets import ImageRequest, NarrationRequest, ScriptRequest
    from common.media.sources.music import ambient_bed
    from common.media.spec.motion import plan_motion
    from common.media.spec.timeline import ImageVisual, Timeline, TimelineScene

    story = OfflineScriptWriter().write(ScriptRequest(prompt=PROMPT, duration_s=size.seconds))
    if len(story.scenes) < size.scenes:
        raise SystemExit(f"the script has {len(story.scenes)} scenes, {size.scenes} wanted")
    painter, narrator = OfflineImageGenerator(), EspeakNarrator()
    scenes = []
    for i, scene in enumerate(story.scenes[: size.scenes]):
        image = painter.generate(
            ImageRequest(
                kind="keyframe",
                prompt=scene.visual_prompt,
                width=size.width,
                height=size.height,
                seed=i,
                palette=story.style.palette,
                mood=scene.mood,
                setting=scene.setting,
                characters=[c for c in story.style.characters if c.id in scene.characters],
            )
        )
        png = workdir / f"s{i}.png"
        png.write_bytes(image.data)
        voice = narrator.narrate(NarrationRequest(text=scene.narration, language=story.language))
        wav = workdir / f"s{i}.wav"
        wav.write_bytes(voice.audio)
        duration = 0.3 + voice.duration_s + 0.5 + 0.5
        scenes.append(
            TimelineScene(
                id=scene.id,
                visual=ImageVisual(path=png, motion=plan_motion(i, scene.mood, duration)),
                duration_s=duration,
                narration_path=wav,
                narration_offset_s=0.3,
                words=voice.words,
                text=scene.narration,
                transition=("crossfade", "dip", "slide")[i % 3],
                transition_s=0.5,
            )
        )
    timeline = Timeline(
        width=size.width, height=size.height, fps=FPS, title=story.title, scenes=scenes
    )
    # The offline ambient bed (what a job with music on and no track of its own plays).
    return timeline.model_copy(update={"music_path": ambient_bed(workdir / "music.wav")})


def _peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _engine(timeline_json: str, out: str, result: Any) -> None:
    """What the assembly job runs for a first render: segmented assembly, nothing cached."""
    from common.adapters.local.segment_cache import FolderSegmentCache
    from common.config import Settings
    from common.media.render.assemble import assemble
    from common.media.spec.timeline import Timeline

    timeline = Timeline.model_validate_json(timeline_json)
    cache = FolderSegmentCache(Path(out) / "segment-cache")
    workers = Settings.model_fields["segment_workers"].default
    start, cpu = time.perf_counter(), cpu_seconds()
    assemble(
        timeline, Path(out), fetch_segment=cache.fetch, store_segment=cache.store, workers=workers
    )
    result.put((time.perf_counter() - start, _peak_rss_mib(), cpu_seconds() - cpu))


def _floor(video: str, out: str, preset: str, crf: int, result: Any) -> None:
    from common.media.render.ffmpeg import run_ffmpeg

    start, cpu = time.perf_counter(), cpu_seconds()
    run_ffmpeg(
        ["-i", video, "-c:v", "libx264", "-preset", preset, "-crf", str(crf),
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", out]
    )  # fmt: skip
    result.put((time.perf_counter() - start, _peak_rss_mib(), cpu_seconds() - cpu))


def _naive(timeline_json: str, out: str, result: Any) -> None:
    from bench.naive_moviepy import naive_assemble
    from common.media.spec.timeline import Timeline

    timeline = Timeline.model_validate_json(timeline_json)
    start, cpu = time.perf_counter(), cpu_seconds()
    naive_assemble(timeline, Path(out))
    result.put((time.perf_counter() - start, _peak_rss_mib(), cpu_seconds() - cpu))


def _measure(target: Any, *args: object) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, CPU seconds) of target(*args, queue) run in a fresh
    process.

    Peak RSS is the larger of the biggest single process (exact, from getrusage) and the
    biggest sum over the process and its descendants seen at once (sampled every 0.1 s): the
    engine runs the picture's and the soundtrack's ffmpeg side by side, and a job's memory
    limit applies to their sum.
    """
    ctx = multiprocessing.get_context("spawn")
    result = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, result))
    proc.start()
    tree_peak = 0.0
    while True:
        try:
            seconds, rss, cpu = result.get(timeout=0.1)
            break
        except queue.Empty:
            # A crashed child never answers: stop waiting instead of hanging the bench.
            if not proc.is_alive():
                raise SystemExit(f"{target.__name__} failed (exit code {proc.exitcode})") from None
            tree_peak = max(tree_peak, _tree_rss_mib(proc.pid))
    proc.join()
    return float(seconds), max(float(rss), tree_peak), float(cpu)


def _tree_rss_mib(pid: int | None) -> float:
    """Resident MiB of process `pid` and all its descendants now, read from /proc (0 where
    there is no /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = set(), {pid}
    while frontier:
        tree |= frontier
        frontier = {child for child, parent in parents.items() if parent in frontier} - tree
    pages = 0
    for member in tree:
        try:
            pages += int((Path("/proc") / str(member) / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return pages * resource.getpagesize() / 2**20


def run_size(size: Size, work: Path, *, naive: bool) -> dict[str, float | str]:
    """Generate `size`'s inputs, measure engine, floor and (with `naive`) MoviePy on them."""
    from common.media.render.ffmpeg import media_duration

    work.mkdir()
    print(
        f"[{size.label}] generating inputs ({size.scenes} scenes, {size.width}x{size.height}, "
        f"{FPS} fps)...",
        flush=True,
    )
    timeline = make_timeline(work, size)
    spec = timeline.model_dump_json()
    # The machine is shared: a busy one slows every run, so the load is kept with the numbers.
    load = load_avg_1m()
    print(
        f"[{size.label}] {timeline.duration_s:.1f} s of video, load {load:.1f}; engine...",
        flush=True,
    )
    out = work / "engine"
    engine_s, engine_rss, engine_cpu = _measure(_engine, spec, str(out))
    video = out / "video.mp4"
    print(f"[{size.label}] engine {engine_s:.1f} s; encode floor...", flush=True)
    floor_s, floor_rss, floor_cpu = _measure(
        _floor, str(video), str(work / "floor.mp4"), timeline.video_preset, timeline.crf
    )
    p = size.prefix
    results: dict[str, float | str] = {
        f"{p}video_s": round(timeline.duration_s, 2),
        f"{p}engine_s": round(engine_s, 2),
        f"{p}encode_floor_s": round(floor_s, 2),
        f"{p}engine_vs_floor": round(engine_s / floor_s, 3),
        f"{p}engine_peak_rss_mib": round(engine_rss, 1),
        f"{p}floor_peak_rss_mib": round(floor_rss, 1),
        # CPU time is what a busy, shared machine changes least: the same work, whoever else
        # runs. Wall-time ratios swing by ~0.05 with the load (1.27 and 1.32 in two runs).
        f"{p}engine_cpu_s": round(engine_cpu, 1),
        f"{p}encode_floor_cpu_s": round(floor_cpu, 1),
        f"{p}engine_vs_floor_cpu": round(engine_cpu / floor_cpu, 3),
    }
    if naive:
        print(f"[{size.label}] floor {floor_s:.1f} s; naive MoviePy...", flush=True)
        naive_out = work / "naive.mp4"
        naive_s, naive_rss, naive_cpu = _measure(_naive, spec, str(naive_out))
        print(
            f"[{size.label}] naive {naive_s:.1f} s; output {media_duration(naive_out):.2f} s "
            f"long (engine's {media_duration(video):.2f} s)",
            flush=True,
        )
        results |= {
            f"{p}naive_moviepy_s": round(naive_s, 2),
            f"{p}naive_vs_engine": round(naive_s / engine_s, 2),
            f"{p}naive_moviepy_peak_rss_mib": round(naive_rss, 1),
            f"{p}naive_moviepy_cpu_s": round(naive_cpu, 1),
        }
    results[f"{p}load_avg_1m"] = load
    results[f"{p}measured_at"] = measured_at()
    return results


ROWS = (
    ("video length, s", "video_s"),
    ("engine, s", "engine_s"),
    ("encode floor, s", "encode_floor_s"),
    ("naive MoviePy, s", "naive_moviepy_s"),
    ("engine / floor", "engine_vs_floor"),
    ("engine CPU, s", "engine_cpu_s"),
    ("floor CPU, s", "encode_floor_cpu_s"),
    ("engine / floor, CPU", "engine_vs_floor_cpu"),
    ("naive / engine", "naive_vs_engine"),
    ("engine peak RSS, MiB", "engine_peak_rss_mib"),
    ("floor peak RSS, MiB", "floor_peak_rss_mib"),
    ("naive peak RSS, MiB", "naive_moviepy_peak_rss_mib"),
    ("load average at start", "load_avg_1m"),
)


def table(results: dict[str, Any], sizes: tuple[Size, ...]) -> str:
    """Rows of measurements, one column per size ("-" where it was not measured)."""
    rows = [["", *(s.label for s in sizes)]]
    rows += [[name, *(str(results.get(s.prefix + key, "-")) for s in sizes)] for name, key in ROWS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        pairs = zip(row[1:], widths[1:], strict=True)
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in pairs]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the short timeline only")
    parser.add_argument("--skip-naive", action="store_true", help="no MoviePy runs")
    parser.add_argument(
        "--dev", action="store_true", help="tiny 360x640 timelines, results.json untouched"
    )
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    both: tuple[Size, ...] = DEV if args.dev else (SHORT, LONG)
    sizes = both[:1] if quick else both
    if not args.skip_naive and importlib.util.find_spec("moviepy") is None:
        raise SystemExit(
            "the naive run needs MoviePy: .venv/bin/pip install --no-deps moviepy==2.2.1 "
            "decorator==5.3.1 imageio==2.38.1 proglog==0.1.12 python-dotenv==1.2.4 "
            "(or pass --skip-naive)"
        )
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-assembly-") as tmp:
        for size in sizes:
            results |= run_size(size, Path(tmp) / size.label, naive=not args.skip_naive)
            if not args.dev:
                merge(results)  # after each size, so a stopped long run keeps the short one
    print(table(results, sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
