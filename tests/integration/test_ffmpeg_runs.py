"""Each ffmpeg run is told to the observer of its context (a trace span per run): when it ran,
the CPU seconds it used, the frames it wrote and its speed, with or without progress reports;
threads that render for a caller tell the caller's observer; outside any observer nothing is
told."""

from __future__ import annotations

import threading

import pytest

from common.domain.errors import MediaError
from common.media.render.ffmpeg import FfmpegRun, carry_context, run_ffmpeg, run_observer

pytestmark = pytest.mark.slow

TEN_FRAMES = ["-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=1", "-f", "null", "-"]


@pytest.fixture
def runs():
    seen: list[FfmpegRun] = []
    token = run_observer.set(seen.append)
    yield seen
    run_observer.reset(token)


@pytest.mark.parametrize("progress", [False, True])
def test_a_run_is_told_with_its_frames_speed_and_cpu_seconds(runs, progress):
    if progress:
        run_ffmpeg(TEN_FRAMES, progress=lambda fraction: None, total_s=1.0)
    else:
        run_ffmpeg(TEN_FRAMES)
    [run] = runs
    assert run.returncode == 0
    assert run.frames == 10
    assert run.speed is not None and run.speed > 0
    assert run.cpu_s is not None and run.cpu_s > 0
    assert 0 < run.ended_ns - run.started_ns < 60e9
    assert run.args[-1] == "-"


def test_a_failed_run_is_told_before_it_raises(runs):
    with pytest.raises(MediaError):
        run_ffmpeg(["-i", "/nonexistent/input.mp4", "-f", "null", "-"])
    [run] = runs
    assert run.returncode != 0 and run.frames is None


def test_threads_given_the_callers_context_tell_the_callers_observer(runs):
    render = carry_context(lambda: run_ffmpeg(TEN_FRAMES))
    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 2


def test_without_an_observer_nothing_is_told():
    assert run_observer.get() is None
    run_ffmpeg(TEN_FRAMES)  # no observer to fail
