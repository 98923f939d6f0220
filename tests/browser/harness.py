"""Serving the Studio and driving Debian's Chromium, for the browser tests and bench/studio.py.

`python main.py serve` runs in a subprocess on a free port with its own data folder and the
offline providers; the browser is Debian's Chromium headless shell (infra/scripts/install-browser.sh
installs it), driven by Playwright. One server serves a whole run: each test acts as its own
dev user (`Authorization: Bearer dev:<uid>`, the Studio's "Dev user" field), so tests see only
their own projects.

Why the headless shell rather than `/usr/bin/chromium --headless`: the same Blink and V8 without
the browser's UI layer. Measured on this 2-core machine (load 7-12), the same workload of 36
page loads and full-page screenshots in 6 contexts cost 9.7-10.1 CPU-s against 11.8-12.5, and
the whole browser suite in one process 92 CPU-s against 116-119. No command-line flag moved
either by more than the noise (no GPU compositing, no site isolation, no /dev/shm, no GPU
rasterization: all within 0.5 s of each other). The full `chromium` still works when the shell
is missing.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.processes import ROOT, free_port, local_server

# The headless shell first (the binary itself: Debian's /usr/bin entry is a shell wrapper that
# would stay alive as the browser's parent); the full browser when only it is installed.
BROWSERS = (Path("/usr/lib/chromium/chromium-headless-shell"), Path("/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "out" / "test-artifacts" / "studio"

# The two screens every page is checked on: a laptop and a phone (iPhone 12-15 CSS pixels).
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

# Variables that would point the server at other backends or providers than the defaults.
_FOREIGN = ("STORYGENIUS_", "FIRESTORE_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "GOOGLE_")


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if browser_path() is None:
        return (
            f"neither {' nor '.join(map(str, BROWSERS))} is installed: run "
            "infra/scripts/install-browser.sh as root (apt-get install chromium-headless-shell)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (requirements-dev.txt)"
    return None


@contextmanager
def studio_server(
    data_dir: Path, log: Path, timeout_s: float = 60, extra: dict[str, str] | None = None
) -> Iterator[str]:
    """`python main.py serve` on a free port with its own data folder (and `extra` settings);
    yields its base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env |= {"STORYGENIUS_DATA_DIR": str(data_dir), "STORYGENIUS_LOG_LEVEL": "WARNING"}
    env |= extra or {}
    with local_server(free_port(), env, log, timeout_s) as base:
        yield base


def browser_path() -> Path | None:
    """The Chromium the tests drive: the first of BROWSERS installed."""
    return next((path for path in BROWSERS if path.exists()), None)


def launch(playwright: Any) -> Any:
    """Headless Chromium (Playwright adds `--headless`)."""
    path = browser_path()
    assert path is not None, missing_browser()
    return playwright.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)


class StudioPage:
    """A fresh page (en-US, UTC) as one dev user, and what went wrong on it: JavaScript errors
    and failed loads of the Studio's own files (a 404 for an optional config or a module is a
    defect; API answers are the page's business).

    The window prefers reduced motion, which the Studio honours by stopping its animations (the
    stage dot's pulse, the placeholders' shimmer, spinners): a page left on a running job then
    costs Chromium 0.01 CPU-s a second instead of 0.21 (measured), and screenshots show no
    half-faded frame. test_studio.py checks both preferences."""

    def __init__(self, browser: Any, uid: str, viewport: str) -> None:
        self.context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            locale="en-US",
            timezone_id="UTC",
            accept_downloads=True,
            reduced_motion="reduce",
        )
        self.context.add_init_script(f"localStorage.setItem('storygenius.devUid', {uid!r})")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", self._on_response)
        self.page.set_default_timeout(30_000)

    def _on_response(self, response: Any) -> None:
        if response.status == 404 and "/v1/" not in response.url and "/media/" not in response.url:
            self.errors.append(f"{response.status} {response.url}")

    def check(self) -> None:
        """Fail with the errors seen since the last check."""
        errors, self.errors[:] = list(self.errors), []
        assert not errors, f"errors on the page: {errors}"

    def close(self) -> None:
        self.context.close()


class Api:
    """The served REST API as one dev user: seeds what a test needs without the page."""

    def __init__(self, base: str, uid: str) -> None:
        self.base = base
        self.uid = uid

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base}/v1{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer dev:{self.uid}"},
        )
        with urllib.request.urlopen(request) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def has_route(self, method: str, path: str) -> bool:
        """Whether the server's OpenAPI document lists the route (a backend may not have landed)."""
        paths = self.call("GET", "/openapi.json")["paths"]
        return method.lower() in paths.get(f"/v1{path}", {})

    def status_of(self, method: str, path: str, body: Any = None) -> int:
        try:
            self.call(method, path, body)
        except urllib.error.HTTPError as answer:
            return answer.code
        return 200


# Horizontal overflow as a person meets it: the page scrolls sideways. Names what sticks out.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = document.documentElement.scrollWidth;
  if (wide <= width) return null;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && el.offsetParent !== null) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      out.push(`${name} right=${Math.round(r.right)}`);
    }
  }
  return `page is ${wide} px wide in a ${width} px window: ${out.slice(0, 6).join('; ')}`;
}"""


def assert_no_overflow(page: Any) -> None:
    """The page does not scroll sideways at its window's width."""
    problem = page.evaluate(OVERFLOW)
    assert problem is None, problem


def create_video(page: Any, prompt: str, seconds: int, aspect: str, resolution: str) -> None:
    """Fill the New video form (the page must be on it) and click its render button."""
    fill_video_form(page, prompt, seconds, aspect, resolution)
    render = page.get_by_role("button", name="Render now")
    if not render.count():
        render = page.get_by_role("button", name="Generate video")
    render.click()


def fill_video_form(page: Any, prompt: str, seconds: int, aspect: str, resolution: str) -> None:
    page.get_by_label("What is your video about?").fill(prompt)
    page.get_by_label("Length (seconds)", exact=True).fill(str(seconds))
    page.locator(f'.choice:has(input[value="{aspect}"])').click()
    page.locator(f'.choice:has(input[value="{resolution}"])').click()


PLAYABLE = (
    "() => { const v = document.querySelector('.screen video'); return v && v.readyState >= 2; }"
)
