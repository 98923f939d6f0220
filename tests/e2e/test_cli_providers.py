"""`python main.py make --providers ...`: real providers chosen from the command line, and one
clear line when what they need is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_CLOUD_VARS = ("GOOGLE_CLOUD_PROJECT", "GOOGLE_APPLICATION_CREDENTIALS", "ELEVENLABS_API_KEY")


def run_cli(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in _CLOUD_VARS}
    # No ADC file in a throwaway config dir, so "no credentials" does not depend on the machine.
    base["CLOUDSDK_CONFIG"] = str(tmp_path / "gcloud")
    base["STORYGENIUS_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "main.py", "make", *args, "--quiet", "--out", str(tmp_path / "out")],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize(
    ("providers", "env", "says"),
    [
        ("vertex", {}, "vertex needs GOOGLE_CLOUD_PROJECT"),
        ("offline,elevenlabs", {}, "elevenlabs needs ELEVENLABS_API_KEY"),
        ("vertex", {"GOOGLE_CLOUD_PROJECT": "p"}, "no Google credentials for Vertex AI"),
        ("veo", {}, "unknown provider 'veo'"),
    ],
)
def test_missing_setup_is_one_line_naming_what_is_missing(tmp_path, providers, env, says):
    result = run_cli("A fox", "--providers", providers, tmp_path=tmp_path, **env)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: --providers: ") and says in lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_make_with_vertex_providers_writes_the_video_through_the_stub(tmp_path, vertex_stub):
    result = run_cli(
        "A lighthouse keeper befriends a lonely whale",
        "--seconds", "12", "--resolution", "720p", "--providers", "vertex",
        tmp_path=tmp_path,
        GOOGLE_CLOUD_PROJECT="p",
        STORYGENIUS_VERTEX_BASE_URL=vertex_stub.url,
        STORYGENIUS_VERTEX_AUTH="none",
        STORYGENIUS_RENDER_PROFILE="draft",
        STORYGENIUS_CLIP_FIRST_POLL_S="0.05",
        STORYGENIUS_CLIP_POLL_INTERVAL_S="0.05",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "video.mp4").stat().st_size > 0
    assert len(vertex_stub.requests("predictLongRunning")) == 3
    assert all(r.project == "p" for r in vertex_stub.received)
