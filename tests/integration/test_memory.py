"""Memory: the render's peak resident size must not grow with the number of scenes.

The same 12 seconds of video, cut into 4 or into 24 Ken Burns scenes (crossfades, dips and
slides), are rendered by ffmpeg from build_command(); ffmpeg's own peak RSS is read from the
kernel (wait4). A graph with an input and a fitting chain per still grew by ~10 decoded frames
a scene (~30 MiB a scene at 1080x1920, ~3.3 MiB here); the stills now share one input and each
scene keeps at most its still on each lane (the bench shows the 3-minute 1080x1920 figure).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from common.media.graph.whole import build_command
from common.media.render.ffmpeg import ffmpeg_exe
from common.media.spec.timeline import Timeline

pytestmark = pytest.mark.slow

W, H, FPS, TOTAL_S = 360, 640, 30, 12.0
FRAME_MIB = W * H * 1.5 / 2**20  # one yuv420p frame


def stills(root: Path, count: int) -> list[Path]:
    """Distinct textured stills (a still per scene, as a story has)."""
    rng = np.random.default_rng(count)
    paths = []
    for i in range(count):
        pixels = rng.integers(0, 255, (H // 8, W // 8, 3), dtype=np.uint8)
        path = root / f"still{count}_{i}.png"
        Image.fromarray(pixels).resize((W, H), Image.Resampling.BILINEAR).save(path)
        paths.append(path)
    return paths


def peak_rss_mib(root: Path, count: int) -> float:
    """ffmpeg's peak RSS rendering TOTAL_S seconds as `count` scenes."""
    transition = 0.2
    duration = (TOTAL_S + (count - 1) * transition) / count
    motion = {"start": (0.45, 0.5, 1.05), "end": (0.55, 0.5, 1.2)}
    scenes = [
        {"id": f"s{i}", "visual": {"kind": "image", "path": str(path), "motion": motion}}
        | {"duration_s": duration, "transition_s": transition}
        | {"transition": ("crossfade", "dip", "slide")[i % 3]}
        for i, path in enumerate(stills(root, count))
    ]
    timeline = Timeline.model_validate(
        {"width": W, "height": H, "fps": FPS, "video_preset": "ultrafast", "scenes": scenes}
    )
    sizes = {Path(s["visual"]["path"]): (W, H) for s in scenes}  # type: ignore[index]
    cmd = build_command(timeline, root / f"out{count}.mp4", clip_durations={}, still_sizes=sizes)
    graph = root / f"graph{count}.txt"
    graph.write_text(cmd.filter_complex, encoding="utf-8")
    proc = subprocess.Popen(
        [ffmpeg_exe(), "-v", "error", "-nostdin", "-y", *cmd.args(graph)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, f"ffmpeg failed rendering {count} scenes"
    return usage.ru_maxrss / 1024  # KiB on Linux


def test_peak_memory_does_not_grow_with_the_number_of_scenes(tmp_path: Path) -> None:
    few, many = peak_rss_mib(tmp_path, 4), peak_rss_mib(tmp_path, 24)
    per_scene = (many - few) / 20
    # Each scene may keep its still on lane A and on lane B (2.5 frames' worth); the old graph
    # kept ~10 frames a scene.
    assert per_scene <= 3 * FRAME_MIB, f"{few:.0f} MiB for 4 scenes, {many:.0f} MiB for 24"
