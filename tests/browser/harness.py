"""Serving the Studio and driving Debian's Chromium, for the browser tests and bench/studio.py.

`python main.py serve` runs in a subprocess on a free port with its own data folder and the
offline providers; Chromium is `/usr/bin/chromium` (infra/scripts/install-browser.sh installs
it), driven by Playwright.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.processes import ROOT, free_port, local_server

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


@contextmanager
def studio_server(data_dir: Path, log: Path, timeout_s: float = 60) -> Iterator[str]:
    """`python main.py serve` on a free port with its own data folder; yields its base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env |= {"STORYGENIUS_DATA_DIR": str(data_dir), "STORYGENIUS_LOG_LEVEL": "WARNING"}
    with local_server(free_port(), env, log, timeout_s) as base:
        yield base


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
