"""Processes the tests start: a free local port, stopping a process for sure, the local server
(`python main.py serve`) up and answering, and the ffmpeg processes alive on the machine."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on now (whoever binds it first gets it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes], timeout_s: float = 10) -> None:
    """Terminate `process`; kill it when it is still running `timeout_s` later."""
    process.terminate()
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def local_server(
    port: int, env: Mapping[str, str], log: Path, timeout_s: float = 60
) -> Iterator[str]:
    """`python main.py serve` on `port` with the environment `env`, its output in `log`.

    Yields its base URL once `GET /v1/health` answers 200 and stops it when the block ends;
    RuntimeError (with the log) when it exits first or does not answer within `timeout_s`.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, timeout_s, log)
        yield base
    finally:
        stop(server)


def _wait_until_up(base: str, server: subprocess.Popen[bytes], timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}): {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/v1/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout_s} s: {log.read_text()}")


def live_processes() -> list[tuple[int, int, bytes]]:
    """(pid, parent pid, command line) of every process alive now (zombies left out)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:  # it ended meanwhile
            continue
        if fields[0] != "Z":
            found.append((int(stat.parent.name), int(fields[1]), cmdline))
    return found


def ffmpeg_children(parent: int) -> list[int]:
    """Live ffmpeg processes whose parent is `parent`."""
    return [pid for pid, ppid, cmd in live_processes() if ppid == parent and b"ffmpeg" in cmd]


def ffmpeg_reading(folder: Path) -> list[int]:
    """Live ffmpeg processes, whoever their parent, whose command line names `folder`."""
    needle = str(folder).encode()
    return [pid for pid, _, cmd in live_processes() if b"ffmpeg" in cmd and needle in cmd]


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie does not)."""
    return any(found == pid for found, _, _ in live_processes())
