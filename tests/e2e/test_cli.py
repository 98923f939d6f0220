"""`python main.py make` as a user runs it: bad input is one line naming the option, and a
finished run leaves the four outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.probe import ffprobe

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, data_dir: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STORYGENIUS_DATA_DIR": str(data_dir), **env_vars}
    return subprocess.run(
        [sys.executable, "main.py", "make", *args, "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["A robot learns to paint", "--seconds", "5"], "--seconds"),
        (["A robot learns to paint", "--seconds", "500"], "--seconds"),
        (["A robot learns to paint", "--aspect", "4:5"], "--aspect"),
        (["A robot learns to paint", "--resolution", "4k"], "--resolution"),
        (["A robot learns to paint", "--captions", "comic"], "--captions"),
        (["A robot learns to paint", "--budget", "-1"], "--budget"),
        (["   "], "PROMPT"),
        ([""], "PROMPT"),
    ],
)
def test_invalid_settings_exit_nonzero_with_one_line_naming_the_option(tmp_path, args, flag):
    out = tmp_path / "out"
    result = run_cli(*args, "--out", str(out), data_dir=tmp_path / "data")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {flag}:"), result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_make_writes_a_landscape_video_and_its_companions(tmp_path):
    # A draft render (the options reach the job; real 720p encodes: tests/e2e/test_pipeline.py).
    out = tmp_path / "out"
    result = run_cli(
        "A robot learns to paint",
        "--seconds", "15", "--aspect", "16:9", "--resolution", "720p", "--out", str(out),
        data_dir=tmp_path / "data",
        STORYGENIUS_RENDER_PROFILE="draft",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert {p.name for p in out.iterdir()} == {
        "video.mp4",
        "thumbnail.jpg",
        "captions.srt",
        "captions.vtt",
        "job.json",
    }
    job = json.loads((out / "job.json").read_text())
    assert (job["settings"]["aspect"], job["settings"]["resolution"]) == ("16:9", "720p")
    assert job["settings"]["duration_s"] == 15
    render = job["render"]
    info = ffprobe(out / "video.mp4")
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (render["width"], render["height"])
    assert render["width"] > render["height"]  # landscape
    assert 12 <= float(info["format"]["duration"]) <= 20
