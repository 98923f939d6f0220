"""Fixtures of the browser tests: one served Studio and one Chromium for the run, a fresh page
per test acting as its own dev user, at a laptop's or a phone's size."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import (
    ARTIFACTS,
    Api,
    StudioPage,
    launch,
    missing_browser,
    studio_server,
)
from tests.browser.seeds import Seeds
from tests.stubs.youtube_server import YouTubeStub

_users = itertools.count(1)


@pytest.fixture(scope="session")
def studio_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder (SQLite file, media) the served Studio uses."""
    return tmp_path_factory.mktemp("studio") / "data"


@pytest.fixture(scope="session")
def youtube() -> Iterator[YouTubeStub]:
    """YouTube's OAuth and upload endpoints, as the served Studio's YouTube."""
    stub = YouTubeStub()
    yield stub
    stub.close()


@pytest.fixture(scope="session")
def studio(studio_data: Path, youtube: YouTubeStub) -> Iterator[str]:
    """The base URL of `python main.py serve` on a fresh data folder: offline providers, draft
    renders (tiny frames: the tests watch the flow, not the pictures), YouTube on a stand-in."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    extra = {
        "STORYGENIUS_RENDER_PROFILE": "draft",
        "STORYGENIUS_YOUTUBE_CLIENT_ID": youtube.client_id,
        "STORYGENIUS_YOUTUBE_CLIENT_SECRET": youtube.client_secret,
        "STORYGENIUS_YOUTUBE_BASE_URL": youtube.url,
    }
    with studio_server(studio_data, ARTIFACTS / f"server-{worker}.log", extra=extra) as base:
        yield base


@pytest.fixture(scope="session")
def browser(studio: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def uid(request: pytest.FixtureRequest) -> str:
    """This test's own dev user: it sees only what it made."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    return f"t{worker}-{next(_users)}-{request.node.name[:24]}".replace("[", "-").replace("]", "")[
        :64
    ]


@pytest.fixture
def api(studio: str, uid: str) -> Api:
    """The REST API as this test's user."""
    return Api(studio, uid)


@pytest.fixture
def seeds(studio_data: Path, api: Api, tmp_path: Path) -> Iterator[Seeds]:
    """Documents written straight into the served store, as this test's user."""
    seeded = Seeds(studio_data, api, tmp_path)
    yield seeded
    seeded.close()


@pytest.fixture(params=["desktop"])
def viewport(request: pytest.FixtureRequest) -> str:
    """The window's size: override with `@pytest.mark.parametrize("viewport", [...],
    indirect=True)` to run a test at the phone's size too."""
    return str(request.param)


@pytest.fixture
def page(browser: Any, uid: str, viewport: str) -> Iterator[Any]:
    """This test's own page as its own user (StudioPage): errors on it fail the test."""
    opened = StudioPage(browser, uid, viewport)
    yield opened.page
    opened.close()
    opened.check()


@pytest.fixture(scope="session")
def shots() -> Any:
    """Save a screenshot of the whole page under out/test-artifacts/studio/ (kept after the run),
    named with the window's size: one per screen and state a person looks at (a screen already
    saved in the same state is not saved again).

    JPEG at quality 90: a full-page PNG cost Chromium 0.23 CPU-s at 1440 px wide (0.12 at 390),
    a JPEG 0.16 (0.08), and text stays crisp; the run's 71 PNGs had been 14.3 of its 87 CPU-s."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Any, name: str) -> None:
        width = page.viewport_size["width"]
        path = ARTIFACTS / f"{name}-{width}.jpg"
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=90)

    return shot
