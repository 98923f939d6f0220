"""Fault suite: the worker is killed (kill -9) while it assembles; a restarted worker finishes
the job within three minutes, and nothing of the dead one is left: no ffmpeg still encoding
for nobody, no render folder on the disk (issue 16 item 11).

The worker is `python main.py serve` (the in-process queue, the assembly in-process, the tick
that sweeps expired claims), run twice on one data folder. Its temporary folder is the test's
own, so every render folder it leaves can be counted. It renders drafts (96p, the soundtrack
encoded fast) of a 30 s video: what is checked is the processes and folders around a render,
not its pixels, and an assembly that long keeps ffmpeg at work for well over a second, which the
test's 0.2 s look finds (a 720p render of 10 s cost 20 CPU-s twice over, once killed).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from common.media.render.scratch import PREFIX
from tests.support.processes import (
    ROOT,
    alive,
    ffmpeg_children,
    ffmpeg_reading,
    free_port,
    stop,
)

pytestmark = pytest.mark.slow

RECOVERY_S = 180.0
FOREIGN = ("FIRESTORE_", "STORAGE_EMULATOR", "STORYGENIUS_")


def worker(tmp: Path, log: Path, *, sweeps: bool) -> tuple[subprocess.Popen[bytes], str]:
    """`main.py serve` on the shared data folder; with `sweeps`, its tick sweeps every second
    (the first worker never sweeps: only the second takes the dead one's claim over)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN)}
    env |= {
        "STORYGENIUS_DATA_DIR": str(tmp / "data"),
        # A step at work renews its claim every third of the lease (pipeline.ledger): a claim
        # that expires after 10 s belongs to a dead worker (the second worker waits that long
        # before it takes the assembly over; its own renewals come every 3.3 s).
        "STORYGENIUS_STEP_LEASE_S": "10",
        "STORYGENIUS_RENDER_PROFILE": "draft",
        "STORYGENIUS_TICK_INTERVAL_S": "1" if sweeps else "3600",
        "TMPDIR": str(tmp / "tmp"),
    }
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            call(base, "GET", "/v1/health")
            return process, base
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the worker did not answer: {log.read_text()}")


def call(base: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def test_a_worker_killed_mid_assembly_leaves_no_ffmpeg_no_folder_and_the_job_ends(
    tmp_path: Path,
) -> None:
    (tmp_path / "tmp").mkdir()
    log = tmp_path / "serve.log"
    first, base = worker(tmp_path, log, sweeps=False)
    try:
        settings = {"duration_s": 30, "resolution": "720p"}
        body = {"prompt": "A lantern maker", "settings": settings}
        project = call(base, "POST", "/v1/projects", body)
        job_id = call(base, "POST", f"/v1/projects/{project['id']}/generate")["job_id"]
        deadline = time.monotonic() + 300
        encoders: list[int] = []
        while not encoders:  # assembling: ffmpeg at work for the first worker
            assert time.monotonic() < deadline, log.read_text()
            job = call(base, "GET", f"/v1/jobs/{job_id}")
            assert job["status"] in ("queued", "running"), job
            encoders = ffmpeg_children(first.pid) if job["stage"] == "assembly" else []
            time.sleep(0.2)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed = time.monotonic()
    finally:
        if first.poll() is None:
            first.kill()

    # The kernel kills the dead worker's ffmpeg with it (PR_SET_PDEATHSIG).
    while any(alive(pid) for pid in encoders):
        assert time.monotonic() - killed < 30, f"ffmpeg outlived its worker: {encoders}"
        time.sleep(0.1)
    left = list((tmp_path / "tmp").glob(f"{PREFIX}*"))
    assert left, "the killed render left its folders (the sweep below must remove them)"

    second, base = worker(tmp_path, log, sweeps=True)
    try:
        while True:
            job = call(base, "GET", f"/v1/jobs/{job_id}")
            if job["status"] in ("done", "failed"):
                break
            assert time.monotonic() - killed < RECOVERY_S, (job["stage"], job["progress"])
            time.sleep(0.5)
        assert job["status"] == "done" or job["error"]["stage"] == "assembly", job
    finally:
        stop(second)
    # Nothing of either worker is left: no render folder, no ffmpeg reading the test's files.
    assert list((tmp_path / "tmp").glob(f"{PREFIX}*")) == []
    assert ffmpeg_reading(tmp_path) == []
