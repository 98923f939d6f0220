"""Running ffmpeg: where the binary is, one call that raises MediaError (with progress, and a
way to stop it), media durations, and children that never outlive their worker.

The binary comes from imageio-ffmpeg (a static build with libx264, libass, harfbuzz, fribidi), so
nothing here needs a system ffmpeg or ffprobe. Set STORYGENIUS_FFMPEG to use another binary.
"""

from __future__ import annotations

import contextvars
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from common.domain.errors import CancelledError, MediaError

_STDERR_TAIL_LINES = 40
# How often a long render asks whether to stop (`stop` may read a database).
STOP_CHECK_S = 2.0
_DURATION_RE = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_TIME_RE = re.compile(r"time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_FRAME_RE = re.compile(r"frame=\s*(\d+)")
INFO_TIMEOUT_S = 120.0  # `ffmpeg -i` reads a header; a file that takes longer is broken
_SPEED_RE = re.compile(r"speed=\s*([\d.e+]+)x")
R = TypeVar("R")


@dataclass(frozen=True)
class FfmpegRun:
    """One finished ffmpeg run, for whoever observes runs (a trace span per run): when it ran
    (epoch ns), the CPU seconds it used (user + system; None where the OS cannot tell), the
    frames it wrote and its speed (x real time) as ffmpeg reported them, and its exit code."""

    args: tuple[str, ...]
    started_ns: int
    ended_ns: int
    cpu_s: float | None
    frames: int | None
    speed: float | None
    returncode: int


# Told of every run in this context (the pipeline sets it per step delivery: a span per run).
# A context variable, so renders of two jobs at once tell their own observers; threads that
# render for a caller get the caller's through `carry_context`.
run_observer: contextvars.ContextVar[Callable[[FfmpegRun], None] | None] = contextvars.ContextVar(
    "ffmpeg_run_observer", default=None
)


def carry_context(fn: Callable[..., R]) -> Callable[..., R]:
    """`fn`, to be called on other threads with the calling thread's context variables (the
    run observer, the current trace span), each call in a copy of its own."""
    context = contextvars.copy_context()

    def run(*args: Any) -> R:
        return context.copy().run(fn, *args)

    return run


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: $STORYGENIUS_FFMPEG, else the one imageio-ffmpeg ships."""
    override = os.environ.get("STORYGENIUS_FFMPEG")
    if override:
        return override
    try:
        import imageio_ffmpeg  # lazy: keeps imports of common.media cheap
    except ImportError as exc:  # pragma: no cover - requirements install it
        raise MediaError("imageio-ffmpeg is not installed; no ffmpeg binary available") from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:  # pragma: no cover - wheel without a binary
        raise MediaError(f"no ffmpeg binary found: {exc}") from exc


def run_ffmpeg(
    args: Sequence[str],
    *,
    progress: Callable[[float], None] | None = None,
    total_s: float | None = None,
    tail_lines: int = _STDERR_TAIL_LINES,
) -> str:
    """Run ffmpeg with `args` (without the binary) and return the tail of its stderr (the last
    `tail_lines` lines).

    With `progress` and `total_s`, ffmpeg reports its position through `-progress pipe:1` and
    `progress` is called with the done fraction in [0, 1] (1.0 once at the end); if it
    raises, ffmpeg is killed and the exception propagates. Raises MediaError with the stderr
    tail when ffmpeg exits non-zero or cannot start.
    """
    report = progress is not None and total_s is not None and total_s > 0
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y"]
    if report:
        cmd += ["-progress", "pipe:1", "-nostats"]
    cmd += list(args)
    started_ns = time.time_ns()
    try:
        proc = subprocess.Popen(
            die_with_parent(cmd),
            stdout=subprocess.PIPE if report else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise MediaError(f"cannot start ffmpeg: {exc}") from exc

    # stderr is drained on a thread so a chatty ffmpeg never blocks on a full pipe.
    tail: deque[str] = deque(maxlen=tail_lines)
    assert proc.stderr is not None
    drain = threading.Thread(target=_drain, args=(proc.stderr, tail), daemon=True)
    drain.start()
    stats: dict[str, str] = {}
    if report:
        assert proc.stdout is not None and progress is not None and total_s is not None
        try:
            _follow_progress(proc.stdout, progress, total_s, stats)
        except BaseException:
            # `progress` raised (a cancelled render, say): never leave ffmpeg running.
            proc.kill()
            proc.wait()
            drain.join()
            raise
    returncode, cpu_s = _wait(proc)
    drain.join()
    stderr = "\n".join(tail)
    observer = run_observer.get()
    if observer is not None:
        observer(_run(cmd, started_ns, cpu_s, returncode, stats, stderr))
    if returncode != 0:
        last = tail[-1] if tail else "no output"
        raise MediaError(f"ffmpeg failed (exit {returncode}): {last}", stderr)
    if report and progress is not None:
        progress(1.0)
    return stderr


def run_bounded(args: list[str], timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Run a child (its argv in full) that reads a file: stdin closed, output captured as text,
    killed when it runs past `timeout_s` (MediaError), never outliving this process."""
    try:
        return subprocess.run(
            die_with_parent(args),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"reading the file took longer than {timeout_s:.0f} s") from exc
    except OSError as exc:
        raise MediaError(f"cannot start ffmpeg: {exc}") from exc


def die_with_parent(argv: list[str]) -> list[str]:
    """`argv` run so that the child does not outlive this process.

    A worker killed mid-render (kill -9, an instance stopped) used to leave its ffmpeg encoding
    for a minute and a half for nobody (issue 16 item 11). On Linux util-linux's `setpriv`
    asks the kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG) and execs the child in
    its place. Not a `preexec_fn`: Python code run between fork and exec in a process with other
    threads (gRPC's, a Firestore client's) can crash or deadlock the child (ffmpeg "exit -11"
    once in a CLI run on Firestore). The signal follows the thread that started the child, and
    every caller here waits for its child on the thread that started it.
    """
    setpriv = _setpriv()
    return [setpriv, "--pdeathsig", "KILL", "--", *argv] if setpriv else argv


@functools.lru_cache(maxsize=1)
def _setpriv() -> str | None:
    """util-linux's setpriv on Linux (Essential on Debian, so in the assembly image too)."""
    if not sys.platform.startswith("linux"):
        return None
    return shutil.which("setpriv")


def stoppable(
    report: Callable[[float], None], share: float, stop: Callable[[], bool]
) -> Callable[[float], None]:
    """A progress callback for run_ffmpeg: it reports `share` of the bar and asks `stop` every
    STOP_CHECK_S; when `stop` answers True it raises CancelledError, which kills ffmpeg."""
    asked = time.monotonic()

    def on_progress(fraction: float) -> None:
        nonlocal asked
        report(share * fraction)
        if time.monotonic() - asked >= STOP_CHECK_S:
            asked = time.monotonic()
            if stop():
                raise CancelledError("the render was stopped")

    return on_progress


def media_duration(path: Path) -> float:
    """Duration of an audio or video file in seconds, without ffprobe.

    Reads the container's duration from `ffmpeg -i`; when the container has none, decodes the
    file to nowhere and takes the last reported time.
    """
    if not Path(path).is_file():
        raise MediaError(f"media file not found: {path}")
    duration = reported_duration(_ffmpeg_info(path))
    if duration is not None:
        return duration
    stderr = run_ffmpeg(["-i", str(path), "-map", "0", "-f", "null", "-"])
    decoded = last_time(stderr)
    if decoded is None:
        raise MediaError(f"cannot tell the duration of {path}", stderr)
    return decoded


def reported_duration(info: str) -> float | None:
    """The container's duration in what `ffmpeg -i` printed, in seconds; None without one."""
    match = _DURATION_RE.search(info)
    return None if match is None else _hms(match)


def last_time(stderr: str) -> float | None:
    """The last position (`time=`) ffmpeg reported while decoding, in seconds; None if none."""
    times = list(_TIME_RE.finditer(stderr))
    return _hms(times[-1]) if times else None


def _ffmpeg_info(path: Path) -> str:
    """The stream summary `ffmpeg -i` prints (it exits 1 because no output is given)."""
    done = run_bounded([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)], INFO_TIMEOUT_S)
    if "Invalid data found" in done.stderr or "No such file" in done.stderr:
        raise MediaError(f"not a media file: {path}", done.stderr[-2000:])
    return done.stderr


def _hms(match: re.Match[str]) -> float:
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _drain(stream: IO[bytes], tail: deque[str]) -> None:
    for raw in stream:
        tail.append(raw.decode("utf-8", "replace").rstrip())


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, float | None]:
    """Wait for ffmpeg: its exit code and the CPU seconds it used (its own rusage, which
    only wait4 reports; the process-wide children's total would mix concurrent renders)."""
    if not hasattr(os, "wait4"):  # pragma: no cover - not POSIX
        return proc.wait(), None
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except ChildProcessError:  # pragma: no cover - already reaped
        return proc.wait(), None
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def _run(
    cmd: list[str],
    started_ns: int,
    cpu_s: float | None,
    returncode: int,
    stats: dict[str, str],
    stderr: str,
) -> FfmpegRun:
    """The run as observers see it; frames and speed from -progress, else from the stats
    ffmpeg writes to stderr (the last report wins)."""
    frames = stats.get("frame") or next(reversed(_FRAME_RE.findall(stderr)), None)
    speed = (stats.get("speed") or "").rstrip("x") or next(
        reversed(_SPEED_RE.findall(stderr)), None
    )
    return FfmpegRun(
        args=tuple(cmd[1:]),
        started_ns=started_ns,
        ended_ns=time.time_ns(),
        cpu_s=cpu_s,
        frames=int(frames) if frames and frames.isdigit() else None,
        speed=_number(speed),
        returncode=returncode,
    )


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None  # "N/A" before the first frame


def _follow_progress(
    stream: IO[bytes],
    progress: Callable[[float], None],
    total_s: float,
    stats: dict[str, str] | None = None,
) -> None:
    """Turn ffmpeg's `key=value` progress blocks into fractions of `total_s` (and keep the
    last frame count and speed in `stats`)."""
    last = -1.0
    for raw in stream:
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        if stats is not None and key in ("frame", "speed"):
            stats[key] = value
        # out_time_us and (despite its name) out_time_ms are both in microseconds.
        if key in ("out_time_us", "out_time_ms") and value.lstrip("-").isdigit():
            fraction = min(max(int(value) / 1e6 / total_s, 0.0), 1.0)
            if fraction > last:
                last = fraction
                progress(fraction)
