"""Every screen on a laptop (1440x900) and a phone (390x844): nothing scrolls sideways, a phone
sees a job's progress without scrolling, a long prompt is clamped, and a running re-render
keeps the last video playable with a time-left estimate and its button disabled.

Jobs are written into the served store (tests/browser/seeds.py), so a job stays at the stage
a test needs for as long as it needs, without rendering.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import assert_no_overflow

BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)
LONG_PROMPT = (
    "A lighthouse keeper on a far northern island befriends a lonely humpback whale that "
    "sings beneath her tower every night, and together they weather the winter storms. "
) * 6


@BOTH
def test_every_screen_fits_the_window_without_sideways_scrolling(page, studio, seeds, shots):
    project = seeds.project("A fox guards a glowing forest", title="The Fox of the Glowing Wood")
    done = seeds.job(project, status="done", stage="done", progress=100, video=True)
    series = seeds.api.call(
        "POST", "/series", {"theme": "Deep sea oddities", "cadence": {"kind": "daily"}}
    )
    screens = [
        ("#/", "Your projects", "11-projects"),
        ("#/new", "New video", "12-new-video"),
        ("#/templates", "Templates", "13-templates"),
        ("#/series", "Series", "14-series"),
        (f"#/series/{series['id']}", "Deep sea oddities", "15-series-one"),
        ("#/calendar", "Publishing calendar", "16-calendar"),
        ("#/accounts", "Account", "16b-account"),
        (f"#/projects/{project['id']}/jobs/{done}", "The Fox of the Glowing Wood", "17-project"),
    ]
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/openapi.json") else None)
    for path, heading, name in screens:
        page.goto(f"{studio}/{path}")
        page.get_by_role("heading", name=heading, exact=True).first.wait_for()
        page.wait_for_load_state("networkidle")
        assert_no_overflow(page)
        shots(page, name)
    # What the server can do is read once for the tab, not at every page load.
    assert len(asked) == 1, asked
    # Every section of the project page open: look, sound and brand, settings, the menu.
    for summary in page.locator(".project-sections > details > summary").all():
        summary.click()
    page.locator(".menu > summary").click()
    page.locator(".waterfall > summary").click()
    page.locator(".scene-card .scene-more > summary").first.click()
    assert_no_overflow(page)
    shots(page, "17b-project-open")


@BOTH
def test_a_running_rerender_keeps_the_last_video_playable_says_the_time_left_and_locks_the_button(
    page, studio, seeds, shots, viewport
):
    project = seeds.project("A lighthouse keeper befriends a lonely whale", title="The Keeper")
    done = seeds.job(project, status="done", stage="done", progress=100, video=True)
    running = seeds.job(project, status="running", stage="scenes", progress=40, started_s_ago=60)
    page.goto(f"{studio}/#/projects/{project['id']}/jobs/{running}")

    video = page.locator(f'.screen video[data-job="{done}"]')
    video.wait_for()
    page.wait_for_function(
        "() => document.querySelector('.screen video').readyState >= 2", timeout=20_000
    )
    assert "previous render" in page.locator(".screen-note").inner_text()
    primary = page.locator('[data-action="primary"]')
    assert primary.inner_text() == "Re-render"
    assert primary.is_disabled()
    # 40 % in 60 s: about 90 s to go at that pace.
    eta = page.locator("#job-eta")
    assert re.fullmatch(r"about (1|2) min left", eta.inner_text()), eta.inner_text()
    # On a phone the progress bar is on the first screen, without scrolling.
    bar = page.locator("#job-progress").bounding_box()
    assert bar["y"] + bar["height"] <= page.viewport_size["height"], bar
    assert_no_overflow(page)
    shots(page, "18-rerender-running")

    # The new video replaces the old one as soon as the job is done; the button comes back.
    seeds.update_job(running, {"status": "done", "stage": "done", "progress": 100})
    page.locator(".job-panel .pill", has_text="Ready").wait_for()
    assert not primary.is_disabled()
    assert page.locator("#job-eta").is_hidden()


@BOTH
def test_a_first_render_is_called_generate_and_its_button_waits_while_it_runs(
    page, studio, seeds, viewport
):
    project = seeds.project(LONG_PROMPT, scenes=0)
    running = seeds.job(project, status="running", stage="script", progress=3, started_s_ago=5)
    page.goto(f"{studio}/#/projects/{project['id']}/jobs/{running}")
    primary = page.locator('[data-action="primary"]')
    primary.wait_for()
    assert primary.inner_text() in ("Generate video", "Write the script")
    assert primary.is_disabled()
    page.get_by_text("is running; start another when it ends").wait_for()

    # The long prompt, which is the heading until a title exists, is clamped to three lines.
    heading = page.get_by_role("heading", level=1)
    lines_of = (
        "el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)"
    )
    lines = heading.evaluate(lines_of)
    assert lines <= 3.05, lines
    page.get_by_role("button", name="Show the whole prompt").click()
    # Whole now: no clamp, and many more lines than three.
    assert heading.evaluate("el => getComputedStyle(el).webkitLineClamp") == "none"
    assert heading.evaluate(lines_of) > 6
    page.get_by_role("button", name="Show less").click()
    bar = page.locator("#job-progress").bounding_box()
    assert bar["y"] + bar["height"] <= page.viewport_size["height"], bar
    assert_no_overflow(page)
