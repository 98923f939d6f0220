"""Processes the tests start: a free local port, stopping a process for sure, and the local server
(`python main.py serve`) up and answering."""

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
