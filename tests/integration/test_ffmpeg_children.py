"""ffmpeg never outlives the process that started it (issue 16 item 11: after kill -9 of a worker
mid-assembly, its ffmpeg kept encoding for a minute and a half for nobody). The kernel kills
the child with its parent (PR_SET_PDEATHSIG, Linux)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.support.processes import ROOT, alive, ffmpeg_children

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux prctl")

# A parent that starts an endless ffmpeg the way a render does (in a worker thread, as the
# in-process queue and the segment pool do), prints its pid, then waits.
PARENT = """
import sys, threading
from common.media.render.ffmpeg import run_bounded, run_ffmpeg, ffmpeg_exe
endless = ["-re", "-f", "lavfi", "-i", "color=size=32x32:rate=30", "-f", "null", "-"]
how = sys.argv[1]
if how == "run_ffmpeg":
    work = lambda: run_ffmpeg(endless, progress=lambda f: None, total_s=3600.0)
else:
    work = lambda: run_bounded([ffmpeg_exe(), *endless], 3600.0)
threading.Thread(target=work, daemon=True).start()
print("started", flush=True)
threading.Event().wait()
"""


@pytest.mark.parametrize("how", ["run_ffmpeg", "run_bounded"])
def test_ffmpeg_dies_when_the_process_that_started_it_is_killed(how: str) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, how], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 60
        while not (children := ffmpeg_children(parent.pid)):
            assert time.monotonic() < deadline, "ffmpeg did not start"
            time.sleep(0.05)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        killed = time.monotonic()
        # The kernel delivers the signal as the parent exits; a loaded machine may take a
        # moment to schedule the child's death.
        while any(alive(pid) for pid in children):
            assert time.monotonic() - killed < 30, f"ffmpeg {children} outlived its parent"
            time.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
