"""Caption styles benchmark: what burning each preset costs a render, and what its stills cost.

Renders the same timeline (one flat still, a 10 s line of words spoken every 0.3 s, 1080x1920,
the product's encoder settings) once per preset with assemble(), and draws the eight stills
GET /v1/caption-styles lists (360x640). Timed in CPU seconds of this process and its ffmpeg
children, which other work on a shared machine moves much less than wall time.

Keys written (merged into bench/results.json, other keys kept; `--dev` renders 360x640 and
writes them with a `dev_` prefix): caption_cpu_s_<id> per preset; caption_cpu_vs_none_<id>,
what burning captions in that style costs over none (two runs at 1080p under load averages of
25 and 37 on 2 cores: 1.07-1.17 and 0.98-1.05, so differences under ~10% are noise);
caption_cpu_vs_highlight_<id> (target <= 1.10: no preset costs 10% more than the style every
project had before presets); caption_stills_cpu_s (target <= 2: the eight stills of a first
listing of an aspect); caption_load_avg_1m, caption_measured_at.

    python bench/caption_styles.py          # 1080x1920 (what `make bench` runs)
    python bench/caption_styles.py --dev    # 360x640
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import cpu_seconds, load_avg_1m, measured_at, merge  # noqa: E402
from common.domain.caption_styles import PRESETS  # noqa: E402
from common.media.render.assemble import assemble  # noqa: E402
from common.media.render.caption_preview import render_caption_preview  # noqa: E402
from common.media.spec.timeline import Timeline  # noqa: E402

SECONDS = 10.0
LINE = "the keeper climbs the stairs each night to light the lamp above the sea"


def timeline(style: str, still: Path, width: int, height: int) -> Timeline:
    words = [
        {"text": LINE.split()[i % len(LINE.split())], "start_s": 0.3 * i, "end_s": 0.3 * i + 0.25}
        for i in range(int(SECONDS / 0.3) - 1)
    ]
    scene = {"id": "s", "visual": {"kind": "image", "path": str(still)}, "duration_s": SECONDS}
    return Timeline.model_validate(
        {"width": width, "height": height, "caption_style": style}
        | {"scenes": [scene | {"words": words}]}
    )


def run(dev: bool, workdir: Path) -> dict[str, Any]:
    from PIL import Image

    width, height = (360, 640) if dev else (1080, 1920)
    still = workdir / "still.png"
    Image.new("RGB", (width, height), (70, 90, 120)).save(still)
    load = load_avg_1m()
    results: dict[str, Any] = {}
    assemble(timeline("none", still, width, height), workdir / "warm")  # fc-list, imports
    for style in PRESETS:
        start = cpu_seconds()
        assemble(timeline(style, still, width, height), workdir / style)
        results[f"caption_cpu_s_{style}"] = round(cpu_seconds() - start, 2)
    for base in ("none", "highlight"):
        for style in PRESETS:
            ratio = results[f"caption_cpu_s_{style}"] / results[f"caption_cpu_s_{base}"]
            results[f"caption_cpu_vs_{base}_{style}"] = round(ratio, 3)
    start = cpu_seconds()
    for style in PRESETS:
        scratch = workdir / f"still-{style}"
        scratch.mkdir()
        render_caption_preview(style, 360, 640, scratch / "still.jpg", scratch)
    results["caption_stills_cpu_s"] = round(cpu_seconds() - start, 2)
    results["caption_load_avg_1m"] = load
    results["caption_measured_at"] = measured_at()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--dev", action="store_true", help="render 360x640 (keys dev_...)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-captions-") as tmp:
        results = run(args.dev, Path(tmp))
    width = max(map(len, results))
    print("\n".join(f"{key.ljust(width)}  {value}" for key, value in results.items()))
    merge(results, prefix="dev_" if args.dev else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
