"""The creator's whole path through the Studio, on a laptop and on a phone (issue 20's "done
when"): pick a template -> prompt -> edit the script -> storyboard -> a new picture for one
scene -> render -> edit a line -> re-render -> schedule; and a series started from a template.
Every screen on the way is checked for sideways scrolling and saved as a screenshot (unless
test_layout.py saves the same screen).

What the page shows is checked against what the API holds: the storyboard's pictures are the
render's (`keyframe_origin` cached: no second painting), the re-render makes anew only the
edited scene.
"""

from __future__ import annotations

import re

import pytest

from common.services.projects.media_links import download_name
from tests.browser.harness import assert_no_overflow
from tests.browser.video_checks import (
    WATCH_PROGRESS,
    downloads_named,
    plays_with_captions,
    progress_moved_live,
    spoken_words,
    wait_until_ready,
    waterfall_has_stages,
)

pytestmark = pytest.mark.slow  # it renders, twice at each size
BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)
PROMPT = "A lighthouse keeper befriends a lonely whale"
NEW_LINE = "Far out at sea, a grey whale sings alone beneath the lighthouse beam."
LATER_LINE = "The keeper answers the whale with three long flashes of her lamp."


@pytest.fixture
def flow(api):
    """The script -> storyboard -> render routes (issue 20's backend) are served."""
    for route in ("/projects/{project_id}/script", "/projects/{project_id}/storyboard"):
        if not api.has_route("POST", route):
            pytest.skip(f"the server has no POST /v1{route} yet")
    if not api.has_route("GET", "/templates"):
        pytest.skip("the server has no GET /v1/templates yet")


def job_done(page, job_kind_text: str) -> str:
    """Wait for the watched job to end ready; its id."""
    page.locator(".job-panel h2", has_text=job_kind_text).wait_for()
    page.locator(".job-panel .pill", has_text="Ready").wait_for(timeout=240_000)
    return re.search(r"/jobs/([\w-]+)$", page.url).group(1)


def check(page, shots, name: str | None = None) -> None:
    """No sideways scrolling; with a name, the screenshot (none where another test saves the
    same screen in the same state)."""
    assert_no_overflow(page)
    if name:
        shots(page, name)


@BOTH
def test_a_template_becomes_a_reviewed_script_a_storyboard_a_video_a_rerender_and_a_schedule(
    page, studio, api, flow, shots
):
    # Pick a template.
    page.goto(f"{studio}/#/templates")
    cards = page.locator(".template-card")
    cards.first.wait_for()
    assert cards.count() >= 8
    check(page, shots)  # as 13-templates (test_layout.py)
    chosen = cards.first
    name = chosen.locator("h2").inner_text()
    chosen.get_by_role("link", name="Use this template").click()
    page.get_by_role("heading", name="New video").wait_for()
    assert page.locator(".template-chip:has(input:checked) .template-name").inner_text() == name

    # A prompt, kept short and small.
    page.get_by_label("What is your video about?").fill(PROMPT)
    page.get_by_label("Length (seconds)", exact=True).fill("10")
    page.locator('.choice:has(input[value="720p"])').click()
    check(page, shots)  # as 12-new-video (test_layout.py)
    page.get_by_role("button", name="Write the script").click()

    # The script, written and then edited.
    job_done(page, "Script")
    project_id = re.search(r"/projects/([\w-]+)/", page.url).group(1)
    project = api.call("GET", f"/projects/{project_id}")
    assert project["settings"].get("format"), "the template's format did not reach the project"
    first = page.locator(".scene-card").first
    first.get_by_role("button", name="Edit text").click()
    first.get_by_label("Narration").fill(NEW_LINE)
    first.get_by_role("button", name="Save scene").click()
    first.locator(".narration", has_text=NEW_LINE).wait_for()
    assert api.call("GET", f"/projects/{project_id}/story")["scenes"][0]["narration"] == NEW_LINE
    check(page, shots, "32-walk-script")

    # The storyboard: a picture per scene and the render's cost.
    page.get_by_role("button", name="Make the storyboard").click()
    board = job_done(page, "Storyboard")
    scenes = page.locator(".scene-card")
    page.wait_for_function(
        "n => document.querySelectorAll('.scene-card .scene-media img').length === n",
        arg=scenes.count(),
    )
    page.locator(".board-summary", has_text="The render is estimated at").wait_for()
    assert api.call("GET", f"/jobs/{board}")["estimate"]["total_usd"] >= 0
    check(page, shots, "33-walk-storyboard")

    # A new picture for the second scene: only it is painted again.
    second_id = scenes.nth(1).get_attribute("data-scene")
    scenes.nth(1).get_by_role("button", name="New picture").click()
    page.wait_for_url(lambda url: not url.endswith(f"/jobs/{board}"))
    repaint = job_done(page, "Storyboard")
    origins = {
        s: v["keyframe_origin"] for s, v in api.call("GET", f"/jobs/{repaint}")["scenes"].items()
    }
    assert origins[second_id] == "generated"
    assert {o for s, o in origins.items() if s != second_id} == {"cached"}

    # Render: every approved picture comes from the cache; progress moves live; the video
    # plays with captions; downloads are named after the title.
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Render video").click()
    page.wait_for_url(lambda url: not url.endswith(f"/jobs/{repaint}"))
    page.evaluate("() => { window.progressSeen = []; }")  # this job's bar only
    render = job_done(page, "Render")
    wait_until_ready(page)
    rendered = api.call("GET", f"/jobs/{render}")
    assert {s["keyframe_origin"] for s in rendered["scenes"].values()} == {"cached"}
    progress_moved_live(page, studio, requests)
    waterfall_has_stages(page, provider_call="video.start")  # the script was reviewed
    plays_with_captions(page)
    downloads_named(page, download_name(rendered["story"]["title"], "v.mp4")[: -len(".mp4")])
    check(page, shots, "34-walk-rendered")

    # Edit a line, render again: the old video plays meanwhile; only that scene is made anew.
    last = page.locator(".scene-card").last
    last.get_by_role("button", name="Edit text").click()
    last.get_by_label("Narration").fill(LATER_LINE)
    last.get_by_role("button", name="Save scene").click()
    page.get_by_text("You changed 1 scene.").wait_for()
    page.get_by_role("button", name="Re-render now").click()
    page.wait_for_url(lambda url: not url.endswith(f"/jobs/{render}"))
    again = job_done(page, "Render")
    wait_until_ready(page)
    last.get_by_text("Made anew in this render").wait_for()
    assert LATER_LINE.lower().rstrip(".") in spoken_words(page).lower()
    assert page.locator(".scene-card").first.get_by_text("Reused from the cache").count() == 1
    assert api.call("GET", f"/jobs/{again}")["status"] == "done"
    check(page, shots, "35-walk-rerendered")

    # Schedule it.
    page.get_by_role("link", name="Schedule publishing").click()
    form = page.locator(".schedule-form")
    assert form.get_by_label("Project").input_value() == project_id
    form.get_by_label("Publish at").fill("2031-05-14T09:30")
    form.get_by_role("button", name="Schedule").click()
    page.get_by_text("Scheduled for").wait_for()
    page.get_by_role("heading", name="May 2031", exact=True).wait_for()
    check(page, shots, "36-walk-scheduled")
    [scheduled] = api.call("GET", "/schedules?from=2031-05-01&to=2031-05-31")["schedules"]
    assert scheduled["project_id"] == project_id


@BOTH
def test_a_series_starts_from_a_template(page, studio, api, flow, shots):
    page.goto(f"{studio}/#/templates")
    chosen = page.locator(".template-card").nth(1)
    chosen.wait_for()
    name = chosen.locator("h2").inner_text()
    template_id = chosen.get_attribute("data-template")
    chosen.get_by_role("link", name="Start a series").click()
    form = page.locator(".series-form")
    form.get_by_label("Theme").fill("Five-minute history")
    form.get_by_text("Video settings").click()
    assert form.locator(".template-chip:has(input:checked) .template-name").inner_text() == name
    check(page, shots, "37-walk-series-form")
    form.get_by_role("button", name="Start the series").click()
    page.get_by_role("heading", name="Five-minute history").wait_for()
    check(page, shots)  # as 15-series-one (test_layout.py)
    [series] = api.call("GET", "/series")["series"]
    template = next(t for t in api.call("GET", "/templates")["templates"] if t["id"] == template_id)
    for key, value in template["settings"].items():
        if key in ("duration_s", "aspect", "visual_style", "transition", "caption_style"):
            assert series["settings"][key] == value, key


def test_a_projects_settings_are_saved_as_a_template_of_ones_own(page, studio, seeds, api, flow):
    project = seeds.project("A fox guards a glowing forest", title="The Fox", transition="slide")
    page.goto(f"{studio}/#/projects/{project['id']}")
    page.locator(".menu > summary").click()
    page.once("dialog", lambda dialog: dialog.accept("Foxy nights"))
    page.get_by_role("button", name="Save as template").click()
    page.get_by_text("Saved as the template “Foxy nights”.").wait_for()
    [mine] = [t for t in api.call("GET", "/templates")["templates"] if not t["builtin"]]
    assert (mine["name"], mine["settings"]["transition"]) == ("Foxy nights", "slide")

    page.goto(f"{studio}/#/templates")
    card = page.locator(f'.template-card[data-template="{mine["id"]}"]')
    card.locator(".pill", has_text="Yours").wait_for()
    card.get_by_role("link", name="Use this template").click()
    page.get_by_role("heading", name="New video").wait_for()
    assert page.locator("#f-settings-transition").input_value() == "slide"
    page.go_back()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'.template-card[data-template="{mine["id"]}"]').get_by_role(
        "button", name="Delete"
    ).click()
    page.locator(f'.template-card[data-template="{mine["id"]}"]').wait_for(state="detached")
    assert all(t["builtin"] for t in api.call("GET", "/templates")["templates"])
