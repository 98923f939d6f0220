"""Session fixture that runs the Firestore stand-in (npm @firestore-emulator/server) for tests.

The stand-in speaks the Firestore gRPC API from one Node process. It starts the first time a test
asks for `firestore_emulator` and stops at the end of the session. Tests isolate themselves by
project id (`firestore_project`): the stand-in keeps every project's documents apart.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO_ROOT / ".tools" / "firestore" / "node_modules" / "@firestore-emulator" / "server"
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 5.0
INSTALL_HINT = "run `make emulators` (it installs the stand-in into .tools/firestore)"

# argv: package dir, port. Exits when stdin closes, so a killed test run leaves no server behind.
# Real Firestore gives every write to a document a later update_time (the adapter's version, and
# what listeners compare); the stand-in stamps writes with a millisecond clock, so two quick writes
# could share one. Every argument-less `new Date()` is therefore made at least 1 ms later.
START_SCRIPT = """
const RealDate = Date;
let last = 0;
globalThis.Date = class extends RealDate {
  constructor(...args) {
    if (args.length > 0) { super(...args); return; }
    last = Math.max(RealDate.now(), last + 1);
    super(last);
  }
};
const { FirestoreServer } = require(process.argv[1]);
const server = new FirestoreServer();
server.start(Number(process.argv[2])).then(
  () => console.log("ready"),
  (err) => { console.error(err); process.exit(3); },
);
process.stdin.on("end", () => { server.stop(); process.exit(0); });
process.stdin.resume();
"""


class StandInError(RuntimeError):
    """The stand-in is not installed or did not start."""


@dataclass
class FirestoreStandIn:
    """A running stand-in: `host` is "127.0.0.1:PORT"."""

    process: subprocess.Popen[bytes]
    host: str
    log_path: Path

    def stop(self) -> None:
        """Close its stdin (it exits by itself), then terminate it if it lingers."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_firestore_standin(
    log_path: Path,
    *,
    node: str | None = None,
    package_dir: Path = PACKAGE_DIR,
    attempts: int = 3,
) -> FirestoreStandIn:
    """Start the stand-in on a free port and wait until it accepts connections."""
    node_path = node or shutil.which("node")
    if node_path is None or shutil.which(node_path) is None:
        raise StandInError(f"node (Node.js 20) was not found; install it and {INSTALL_HINT}")
    if not (package_dir / "package.json").is_file():
        raise StandInError(
            f"the Firestore stand-in is not installed at {package_dir}; {INSTALL_HINT}"
        )
    failure = ""
    for _ in range(attempts):  # another process may take the free port before node binds it
        port = free_port()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [node_path, "-e", START_SCRIPT, str(package_dir), str(port)],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if _wait_until_listening(process, port):
            return FirestoreStandIn(process, f"127.0.0.1:{port}", log_path)
        FirestoreStandIn(process, "", log_path).stop()
        failure = log_path.read_text(errors="replace")
    raise StandInError(f"the Firestore stand-in did not start; its output:\n{failure}")


def _wait_until_listening(process: subprocess.Popen[bytes], port: int) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def new_project_id() -> str:
    """A project id no other test uses: the stand-in keeps each project's data apart."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def firestore_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The running stand-in's "127.0.0.1:PORT"; started on first use, stopped after the session."""
    try:
        standin = start_firestore_standin(tmp_path_factory.mktemp("firestore") / "standin.log")
    except StandInError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield standin.host
    finally:
        standin.stop()


@pytest.fixture
def firestore_project() -> str:
    """A fresh project id for this test, so it sees no other test's documents."""
    return new_project_id()
