"""Serving the Studio and driving Debian's Chromium, for the browser tests and bench/studio.py.

`python main.py serve` runs in a subprocess on a free port with its own data folder and the
offline providers; Chromium is `/usr/bin/chromium` (infra/scripts/install-browser.sh installs
it), driven by Playwright.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "out" / "test-artifacts" / "studio"

# Variables that would point the server at other backends or providers than the defaults.
_FOREIGN = ("STORYGENIUS_", "FIRESTORE_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "GOOGLE_")


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is not installed: run infra/scripts/install-browser.sh as root "
            "(apt-get install chromium)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (requirements-dev.txt)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def studio_server(data_dir: Path, log: Path, timeout_s: float = 60) -> Iterator[str]:
    """`python main.py serve` on a free port with its own data folder; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env |= {"STORYGENIUS_DATA_DIR": str(data_dir), "STORYGENIUS_LOG_LEVEL": "WARNING"}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, server, timeout_s, log)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


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


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def create_video(page: Any, prompt: str, seconds: int, aspect: str, resolution: str) -> None:
    """Fill the New video form (the page must be on it) and click Generate video."""
    page.get_by_label("What is your video about?").fill(prompt)
    page.get_by_label("Length (seconds)", exact=True).fill(str(seconds))
    page.locator(f'.choice:has(input[value="{aspect}"])').click()
    page.locator(f'.choice:has(input[value="{resolution}"])').click()
    page.get_by_role("button", name="Generate video").click()


PLAYABLE = (
    "() => { const v = document.querySelector('.screen video'); return v && v.readyState >= 2; }"
)
