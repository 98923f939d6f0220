"""Studio latency: from clicking "Generate video" to a playable video, for the demo prompt.

Serves the Studio (`python main.py serve`, offline providers, a fresh data folder), opens it in
Debian's Chromium through Playwright, makes the demo video (30 s, 9:16, 1080p) from the page and
prints how long until the page's <video> can play (readyState >= 2), with the job's own time
and the machine's load. Not a test: `python bench/studio.py`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.harness import (
    ARTIFACTS,
    PLAYABLE,
    create_video,
    launch,
    missing_browser,
    studio_server,
)

PROMPT = "A lighthouse keeper befriends a lonely whale"


def main() -> int:
    reason = missing_browser()
    if reason:
        print(f"skipped: {reason}")
        return 1
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        studio_server(Path(tmp) / "data", ARTIFACTS / "bench-server.log") as base,
        sync_playwright() as p,
    ):
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/#/new")
        page.get_by_label("What is your video about?").wait_for()
        load = os.getloadavg()[0]
        started = time.monotonic()
        create_video(page, PROMPT, seconds=30, aspect="9:16", resolution="1080p")
        page.wait_for_function(PLAYABLE, timeout=600_000, polling=100)
        playable = time.monotonic() - started
        took = page.locator(".job-panel > p").first.inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "bench-demo-ready.png"), full_page=True)
        browser.close()
    print(f"demo prompt, 30 s 9:16 1080p: Generate -> playable video {playable:.1f} s")
    print(f"job panel: {took}; load average at start {load:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
