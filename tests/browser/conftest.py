"""Fixtures of the browser tests: a served Studio and a Chromium page, both per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import ARTIFACTS, launch, missing_browser, studio_server


@pytest.fixture(scope="module")
def studio_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder (SQLite file, media) the served Studio uses."""
    return tmp_path_factory.mktemp("studio") / "data"


@pytest.fixture(scope="module")
def studio(studio_data: Path) -> Iterator[str]:
    """The base URL of `python main.py serve` on a fresh data folder."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    with studio_server(studio_data, ARTIFACTS / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser(studio: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (1280x900, en-US, UTC); JavaScript errors on it fail the test."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(30_000)
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def shots() -> Any:
    """Save a screenshot under out/test-artifacts/studio/ (kept after the run)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return shot
