"""The Studio in a real browser: Debian's Chromium, driven by Playwright, against
`python main.py serve` (embedded default, offline providers) on a fresh data folder.

The first test is the impatient creator's path: "Render now" from a prompt, watched live,
played with captions, downloaded (the reviewed path, script -> storyboard -> render -> edit ->
re-render, is test_walk.py). Others: the API's error words next to the fields, the calendar,
keyboard use, and how a job that fell back to Ken Burns and then failed is shown. Screenshots go
to out/test-artifacts/studio/.
"""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime

import pytest
from PIL import Image

from common.adapters.local.fs_blobs import FsBlobStore
from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.config import Settings
from common.domain.job import CostLine, Job, JobError, SceneState
from common.domain.project import ProjectSettings
from common.domain.story import Scene, Story, StyleBible
from tests.browser.harness import assert_no_overflow, create_video
from tests.browser.video_checks import (
    WATCH_PROGRESS,
    downloads_named,
    plays_with_captions,
    progress_moved_live,
    wait_until_ready,
    waterfall_has_stages,
)

pytestmark = pytest.mark.slow

PROMPT = "A lighthouse keeper befriends a lonely whale"
SLUG = "the-lighthouse-keeper-and-the-lonely-whale"  # the offline writer's title, as a file name


def test_render_now_makes_a_video_in_one_click_watched_live_played_and_downloaded(
    studio, page, shots
):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
    page.goto(studio + "/")
    page.get_by_role("heading", name="Your projects").wait_for()
    page.get_by_text("No projects yet.").wait_for()
    shots(page, "01-projects-empty")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="New video").click()
    page.get_by_role("heading", name="New video").wait_for()
    page.evaluate(WATCH_PROGRESS)
    page.get_by_label("What is your video about?").fill(PROMPT)
    started = time.monotonic()
    create_video(page, PROMPT, seconds=10, aspect="1:1", resolution="720p")

    # Live: the scene cards fill in with keyframes while the job runs.
    page.locator(".job-panel").wait_for()
    page.locator(".scene-media img").first.wait_for(timeout=120_000)
    shots(page, "03-job-running")
    wait_until_ready(page)
    playable_s = time.monotonic() - started
    waterfall_has_stages(page)  # the page as 34-walk-rendered shows it (test_walk.py)
    progress_moved_live(page, studio, requests)
    assert page.locator("#announcer").inner_text() == "Ready, 100 percent"
    plays_with_captions(page)
    downloads_named(page, SLUG)

    # A seek lands where asked (the video is served with ranges). Editing and rendering again
    # is the walk's (test_walk.py), at both sizes.
    page.evaluate(
        "() => { const v = document.querySelector('.screen video'); v.currentTime = 1.5; }"
    )
    page.wait_for_function(
        "() => { const v = document.querySelector('.screen video');"
        " return !v.seeking && v.readyState >= 2 && Math.abs(v.currentTime - 1.5) < 0.1; }"
    )

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    card = page.locator(".project-card")
    card.first.wait_for()
    assert card.count() == 1
    assert "The Lighthouse Keeper" in card.get_by_role("link").inner_text()
    print(f"\nRender now to playable video (10 s, draft profile): {playable_s:.1f} s")


def test_the_apis_own_words_are_shown_once_next_to_the_bad_fields(studio, page, shots):
    page.goto(studio + "/#/new")
    page.get_by_label("What is your video about?").fill(PROMPT)
    page.get_by_label("Length (seconds)", exact=True).fill("5")
    page.get_by_label("Visual style").fill("")
    page.get_by_role("button", name=re.compile("^(Render now|Generate video)$")).click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    # Each of error.fields next to its field, in the API's words; the alert names the fields
    # to fix without saying it all again.
    seconds = page.locator('[data-field="settings.duration_s"] .field-error')
    assert seconds.inner_text() == "Input should be greater than or equal to 10"
    style = page.locator('[data-field="settings.visual_style"] .field-error')
    assert "at least 1 character" in style.inner_text()
    assert page.get_by_label("Length (seconds)", exact=True).get_attribute("aria-invalid") == "true"
    text = alert.inner_text()
    assert "Check the 2 fields marked below" in text
    assert "Length (seconds)" in text and "Visual style" in text
    assert "greater than or equal" not in text
    alert.get_by_role("link", name="Visual style").click()
    assert page.evaluate("() => document.activeElement.id") == "f-settings-visual_style"
    shots(page, "08-form-errors")


def test_the_calendar_schedules_a_project_and_says_errors_once_in_the_chosen_zone(
    studio, page, api, shots
):
    body = {"prompt": "A fox guards a glowing forest", "title": "Fox"}
    project = api.call("POST", "/projects", body)
    page.goto(f"{studio}/#/calendar?project={project['id']}")
    page.get_by_role("heading", name="Publishing calendar").wait_for()
    form = page.locator(".schedule-form")
    assert form.get_by_label("Project").input_value() == project["id"]
    # The page's zone is UTC (conftest); the form's zone starts there.
    assert form.get_by_label("Time zone").input_value() == "UTC"

    # A time in the past, said in the zone chosen, once.
    form.get_by_label("Publish at").fill("2020-05-14T09:30")
    form.get_by_label("Time zone").select_option("Asia/Tokyo")
    form.get_by_role("button", name="Schedule").click()
    error = form.locator('[data-field="publish_at"] .field-error')
    error.wait_for()
    assert "May 14, 2020, 9:30 AM (Asia/Tokyo)" in error.inner_text()
    assert form.inner_text().count("2020") == 1, form.inner_text()

    form.get_by_label("Publish at").fill("2031-05-14T09:30")
    form.get_by_label("Time zone").select_option("Europe/Paris")
    form.get_by_role("button", name="Schedule").click()
    page.get_by_text("Scheduled for").wait_for()
    # The calendar moves to the schedule's month and shows it on its day, in local time.
    page.get_by_role("heading", name="May 2031", exact=True).wait_for()
    event = page.locator("table.month .event", has_text="Fox")
    event.wait_for()
    # 09:30 in Paris is 07:30 UTC.
    assert event.locator("time").inner_text() == "07:30"
    cell = page.locator("table.month td", has=page.locator(".event", has_text="Fox"))
    assert cell.locator(".day").inner_text() == "14"  # as 36-walk-scheduled shows it

    # The event opens its details: moved to another day and zone, then cancelled.
    event.get_by_role("link", name="Fox").click()
    details = page.locator(".schedule-details")
    details.get_by_role("heading", name="Fox").wait_for()
    assert "(Europe/Paris)" in details.inner_text()
    details.get_by_label("New time").fill("2031-05-20T10:00")
    details.get_by_label("Its time zone").select_option("America/New_York")
    details.get_by_role("button", name="Move").click()
    moved = page.locator("table.month td", has=page.locator(".event", has_text="Fox"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('table.month td')].some(td =>"
        " td.querySelector('.day')?.textContent === '20' && td.textContent.includes('Fox'))"
    )
    assert moved.locator(".event time").inner_text() == "14:00"  # 10:00 in New York, in UTC
    [schedule] = api.call("GET", "/schedules?from=2031-05-01&to=2031-05-31")["schedules"]
    assert (schedule["timezone"], schedule["publish_at"]) == (
        "America/New_York",
        "2031-05-20T14:00:00Z",
    )
    page.once("dialog", lambda dialog: dialog.accept())
    details.get_by_role("button", name="Cancel this publish").click()
    page.locator("table.month .event-cancelled", has_text="Fox").wait_for()
    page.locator(".schedule-details .pill", has_text="cancelled").wait_for()
    page.locator(".schedule-details").get_by_role("link", name="Open the project").click()
    page.get_by_role("heading", name="Fox", exact=True).wait_for()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_on_a_phone_the_calendar_lists_the_months_events_whole_and_each_opens(
    studio, page, api, shots
):
    title = "The Secret Life of Lighthouse Keepers on the Northern Isles"
    project = api.call("POST", "/projects", {"prompt": "Lighthouse keepers", "title": title})
    api.call(
        "POST",
        "/schedules",
        {"project_id": project["id"], "publish_at": "2031-05-14T09:30:00", "timezone": "UTC"},
    )
    series = api.call(
        "POST",
        "/series",
        {"theme": "Deep sea oddities", "cadence": {"kind": "weekly", "days": ["fri"]}},
    )
    page.goto(f"{studio}/#/calendar")
    page.get_by_role("heading", name="Publishing calendar").wait_for()
    # A planned series run this month, whole and clickable, in the list under the month.
    planned = page.locator(".agenda-item.event-planned").first
    planned.get_by_role("link", name="Series: Deep sea oddities").click()
    page.get_by_role("heading", name="Deep sea oddities").wait_for()
    page.goto(f"{studio}/#/calendar?month=2031-05")
    page.get_by_role("heading", name="May 2031", exact=True).wait_for()
    item = page.locator(".agenda-item", has_text=title)
    item.wait_for()
    assert item.get_by_role("link").inner_text() == title  # whole, not cut short
    link = item.get_by_role("link").bounding_box()
    assert link["width"] <= page.viewport_size["width"]
    assert_no_overflow(page)
    shots(page, "19-calendar-phone")
    item.get_by_role("link").click()
    details = page.locator(".schedule-details")
    details.get_by_role("heading", name=title).wait_for()
    assert_no_overflow(page)
    details.get_by_role("link", name="Open the project").click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    assert series["id"]


def test_keyboard_users_can_skip_to_content_and_see_where_focus_is(studio, page):
    page.goto(studio + "/")
    page.get_by_role("heading", name="Your projects").wait_for()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    assert skip.evaluate("el => getComputedStyle(el).top") == "16px"  # moved into view
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement; const s = getComputedStyle(el);"
        " return [el.textContent, s.outlineStyle, s.outlineWidth]; }"
    )
    assert focused == ["Projects", "solid", "3px"]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "New video"
    page.get_by_role("heading", name="New video").wait_for()
    assert page.evaluate("() => document.activeElement.tagName") == "H1"
    page.keyboard.press("Tab")
    # The first control after the heading: the template strip's chosen one, when the server
    # has templates, else the prompt.
    first = page.evaluate(
        "() => { const el = document.activeElement; return el.name === 'template' ? 'template'"
        " : el.id; }"
    )
    assert first == ("template" if page.locator(".template-strip").count() else "f-prompt")


def test_the_studio_moves_only_for_people_who_do_not_ask_for_less_motion(studio, page):
    page.goto(studio + "/")
    page.get_by_role("heading", name="Your projects").wait_for()
    spinning = (
        "() => { const s = document.createElement('span'); s.className = 'spinner';"
        " document.body.append(s); const name = getComputedStyle(s).animationName;"
        " s.remove(); return name; }"
    )
    assert page.evaluate(spinning) == "none"  # the tests' windows prefer reduced motion
    page.emulate_media(reduced_motion="no-preference")
    assert page.evaluate(spinning) == "spin"


def test_fallbacks_cost_and_a_failure_are_shown_as_the_job_records_them(
    studio, studio_data, page, api, shots
):
    """A job document written straight into the served store (as a Veo run that fell back and
    then failed would leave it): the page shows what it records, live, across processes."""
    store = SqliteDocumentStore(Settings.from_env({}, data_dir=studio_data).database_path)
    blobs = FsBlobStore(studio_data / "media")
    project = api.call("POST", "/projects", {"prompt": PROMPT, "settings": {"duration_s": 10}})
    stills = {}
    for sid, colour in (("s1", (40, 90, 160)), ("s2", (170, 110, 60))):
        out = io.BytesIO()
        Image.new("RGB", (360, 640), colour).save(out, "PNG")
        stills[sid] = blobs.put(f"cache/images/test-{sid}.png", out.getvalue(), "image/png")
    now = datetime.now(UTC)
    reason = "Veo returned no video: safety filter (rai_media_filtered_reasons: person)"
    job = Job(
        id="fallbackjob1",
        owner=api.uid,
        project_id=project["id"],
        status="running",
        stage="scenes",
        progress=40,
        settings=ProjectSettings(duration_s=10),
        story=Story(
            title="The Keeper",
            style=StyleBible(visual_style="ink", palette=["#112233", "#445566", "#778899"]),
            scenes=[
                Scene(id="s1", beat="hook", narration="Night falls.", visual_prompt="a tower"),
                Scene(id="s2", beat="resolution", narration="A whale.", visual_prompt="a whale"),
            ],
        ),
        scene_ids=["s1", "s2"],
        scenes={
            "s1": SceneState(
                narration="done", keyframe="done", clip="done", clip_source="veo",
                keyframe_key=stills["s1"],
            ),
            "s2": SceneState(
                narration="done", keyframe="done", clip="fallback", clip_source="kenburns",
                fallback_reason=reason, keyframe_key=stills["s2"],
            ),
        },
        cost={"veo-3.1-fast-generate-001": CostLine(units=6, unit="second", estimated_usd=0.9)},
        created_at=now,
        updated_at=now,
        started_at=now,
    )  # fmt: skip
    store.create("jobs", job.id, job.model_dump(mode="json"))

    page.goto(f"{studio}/#/projects/{project['id']}/jobs/{job.id}")
    panel = page.locator(".job-panel")
    panel.get_by_text("1 scene fell back to Ken Burns motion").wait_for()
    assert f"Scene 2: {reason}" in panel.locator(".fallbacks").inner_text()
    second = page.locator(".scene-card").nth(1)
    assert second.locator(".note-warn").inner_text() == f"Fell back to Ken Burns: {reason}"
    assert "Veo clip" in page.locator(".scene-card").first.inner_text()
    assert panel.locator(".cost summary").inner_text() == "Cost so far: $0.90"
    assert page.locator("#job-percent").inner_text() == "40%"
    page.locator(".scene-card img").nth(1).wait_for()

    # Changes written by another process reach the page through the event stream.
    store.update("jobs", job.id, {"stage": "assembly", "progress": 85})
    page.wait_for_function("() => document.getElementById('job-percent').textContent === '85%'")
    failure = JobError(stage="assembly", code="media_error", message="ffmpeg exited with 1")
    store.update(
        "jobs",
        job.id,
        {
            "status": "failed",
            "error": failure.model_dump(mode="json"),
            "finished_at": now.isoformat(),
        },
    )
    alert = panel.get_by_role("alert")
    alert.wait_for()
    assert "ffmpeg exited with 1" in alert.inner_text()
    assert "stage assembly · media_error" in alert.inner_text()
    assert panel.locator(".pill").inner_text() == "Failed"
    shots(page, "10-fallback-and-failure")
    store.close()
