"""Series in the page: start one from the form (weekly, in a zone, with topics), see its planned
runs, pause and resume it, and open a past run's video. Past runs are written into the served
series document as the scheduler tick records them (tests/browser/seeds.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from common.domain.series import SeriesRun
from tests.browser.harness import PLAYABLE, assert_no_overflow

BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)


@BOTH
def test_a_series_is_started_paused_resumed_and_its_past_runs_open_their_videos(
    page, studio, seeds, api, shots
):
    page.goto(f"{studio}/#/series")
    page.get_by_role("heading", name="Series", exact=True).wait_for()
    form = page.locator(".series-form")
    form.get_by_label("Theme").fill("Strange facts about the deep sea")
    form.get_by_label("Topics").fill("The anglerfish's lamp\nWhales that sing\n")
    form.get_by_label("How often").select_option("weekly")
    form.get_by_text("Mon", exact=True).click()
    form.get_by_text("Thu", exact=True).click()
    form.get_by_label("At", exact=True).fill("18:30")
    form.get_by_label("Time zone").select_option("Europe/Paris")
    assert_no_overflow(page)
    shots(page, "23-series-form")
    form.get_by_role("button", name="Start the series").click()

    page.get_by_role("heading", name="Strange facts about the deep sea").wait_for()
    [series] = api.call("GET", "/series")["series"]
    assert series["cadence"] == {
        "kind": "weekly",
        "time": "18:30",
        "days": ["mon", "thu"],
        "rrule": None,
    }
    assert series["timezone"] == "Europe/Paris"
    assert series["topics"] == ["The anglerfish's lamp", "Whales that sing"]
    planned = page.locator(".run-list.planned li")
    assert planned.count() == len(series["upcoming"]) >= 2
    assert all(", 6:30 PM" in text for text in planned.all_inner_texts())

    page.get_by_role("button", name="Pause").click()
    page.get_by_text("Paused: resume to plan runs again.").wait_for()
    assert api.call("GET", f"/series/{series['id']}")["status"] == "paused"
    page.get_by_role("button", name="Resume").click()
    planned.first.wait_for()
    assert api.call("GET", f"/series/{series['id']}")["status"] == "active"

    # Changed: another time of day and a longer video; only what changed is sent.
    page.locator(".series-edit-box > summary").click()
    edit = page.locator(".series-edit")
    edit.get_by_label("At", exact=True).fill("07:15")
    edit.get_by_text("Video settings").click()
    edit.get_by_label("Length (seconds)", exact=True).fill("45")
    edit.get_by_role("button", name="Save changes").click()
    page.get_by_text("Mon, Thu at 07:15").wait_for()
    changed = api.call("GET", f"/series/{series['id']}")
    assert (changed["cadence"]["time"], changed["settings"]["duration_s"]) == ("07:15", 45)
    assert changed["theme"] == "Strange facts about the deep sea"
    assert all(", 7:15 AM" in text for text in planned.all_inner_texts())

    # Two past runs, as the tick records them: one published, one failed.
    project = seeds.project("The anglerfish's lamp", title="The Anglerfish's Lamp")
    job = seeds.job(project, status="done", stage="done", progress=100, video=True)
    when = datetime.now(UTC) - timedelta(days=3)
    failure = {"stage": "script", "code": "script_failed", "message": "the script failed"}
    runs = [
        SeriesRun(index=0, occurrence=when, project_id=project["id"], job_id=job,
                  topic="The anglerfish's lamp", title="The Anglerfish's Lamp", status="published"),
        SeriesRun(index=1, occurrence=when + timedelta(days=3), topic="Whales that sing",
                  status="failed", error=failure),
    ]  # fmt: skip
    seeds.store.update(
        "series", series["id"], {"runs": [r.model_dump(mode="json") for r in runs], "run_count": 2}
    )
    page.reload()
    past = page.locator(".run-list:not(.planned) li")
    past.first.wait_for()
    assert past.count() == 2
    assert "Failed" in past.nth(0).inner_text() and "the script failed" in past.nth(0).inner_text()
    assert_no_overflow(page)
    shots(page, "24-series-runs")
    past.nth(1).get_by_role("link", name="The Anglerfish's Lamp").click()
    page.wait_for_function(PLAYABLE)
    assert page.url.endswith(f"/#/projects/{project['id']}/jobs/{job}")

    # The list shows it with its next run; deleting asks first.
    page.goto(f"{studio}/#/series")
    card = page.locator(".series-card", has_text="Strange facts about the deep sea")
    assert "Mon, Thu at 07:15" in card.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Delete").click()
    card.wait_for(state="detached")
    assert api.call("GET", "/series")["series"] == []
