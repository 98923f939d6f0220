"""The New video form's pickers against the server's lists: languages (GET /v1/languages), the
narrator's voices for the chosen language with a sample to play (GET /v1/voices), and caption
style presets with a still of each (GET /v1/caption-styles). Each is skipped until the server
has its route; what the page sends is checked on the project the API then holds."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_overflow

BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)


def save(page) -> None:
    """Store the project the cheapest way the server offers: a script, or no job at all."""
    script = page.get_by_role("button", name="Write the script")
    (
        script if script.count() else page.get_by_role("button", name="Save without generating")
    ).click()
    page.wait_for_url(lambda url: "/projects/" in url)


def stop_jobs(api, project_id: str) -> None:
    """Cancel what still runs (a job that ends meanwhile answers 409: nothing to stop)."""
    for job in api.call("GET", f"/projects/{project_id}/jobs")["jobs"]:
        if job["status"] not in ("done", "failed", "cancelled"):
            assert api.status_of("POST", f"/jobs/{job['id']}/cancel") in (200, 409)


def needs(api, path: str) -> None:
    if not api.has_route("GET", path):
        pytest.skip(f"the server has no GET /v1{path} yet")


@BOTH
def test_a_voice_is_picked_for_the_language_after_hearing_its_sample(page, studio, api, shots):
    needs(api, "/voices")
    needs(api, "/languages")
    page.goto(f"{studio}/#/new")
    language = page.get_by_label("Language")
    language.wait_for()
    codes = language.locator("option").evaluate_all("options => options.map((o) => o.value)")
    listed = [entry["code"] for entry in api.call("GET", "/languages")["languages"]]
    assert codes == ["auto", *listed]
    language.select_option("en")

    voices = api.call("GET", "/voices?language=en")["voices"]
    assert voices, "the narrator lists no English voice"
    chosen = next((v for v in voices if not v["default"]), voices[0])
    picker = page.locator('[data-field="settings.voice"] select')
    page.wait_for_function(
        "n => document.querySelectorAll('[data-field=\"settings.voice\"] option').length === n",
        arg=len(voices) + 1,  # and "default"
    )
    picker.select_option(chosen["id"])
    page.get_by_role("button", name="Play a sample of this voice").click()
    page.wait_for_function(
        "() => { const a = document.querySelector('.voice-audio');"
        " return a && !a.paused && a.currentTime > 0; }",
        timeout=20_000,
    )
    assert_no_overflow(page)  # the form as 12-new-video shows it (test_layout.py)

    page.get_by_label("What is your video about?").fill("A lighthouse keeper befriends a whale")
    save(page)
    [project] = api.call("GET", "/projects")["projects"]
    assert (project["settings"]["language"], project["settings"]["voice"]) == ("en", chosen["id"])
    stop_jobs(api, project["id"])


@BOTH
def test_caption_styles_are_picked_from_their_stills(page, studio, api, shots):
    needs(api, "/caption-styles")
    styles = api.call("GET", "/caption-styles")
    presets = styles.get("styles") or styles.get("caption_styles") or []
    assert len(presets) >= 5
    page.goto(f"{studio}/#/new")
    cards = page.locator(".caption-choice")
    cards.first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.caption-preview')].every(i => i.naturalWidth > 0)"
    )
    assert page.locator(".caption-preview").count() >= 5
    cards.nth(2).click()
    assert_no_overflow(page)  # the form as 12-new-video shows it (test_layout.py)
    picked = cards.nth(2).locator("input").get_attribute("value")
    page.get_by_label("What is your video about?").fill("A lighthouse keeper befriends a whale")
    save(page)
    [project] = api.call("GET", "/projects")["projects"]
    assert project["settings"]["caption_style"] == picked
    stop_jobs(api, project["id"])


@BOTH
def test_a_language_detected_from_the_prompt_is_shown_and_can_be_changed(page, studio, api, shots):
    needs(api, "/languages")
    page.goto(f"{studio}/#/new")
    page.get_by_label("Language").wait_for()
    page.get_by_label("What is your video about?").fill(
        "Un pequeño robot aprende a pintar el atardecer junto al mar"
    )
    save(page)
    told = page.locator(".job-language")
    told.get_by_text("Told in Spanish, detected from the prompt.").wait_for(timeout=120_000)
    [project] = api.call("GET", "/projects")["projects"]
    stop_jobs(api, project["id"])
    job = api.call("GET", f"/projects/{project['id']}/jobs")["jobs"][0]
    assert (job["language"], job["language_detected"]) == ("es", True)
    assert_no_overflow(page)
    shots(page, "42-language-detected")

    # The override: the settings open on the language, which the page then saves.
    told.get_by_role("button", name="Tell it in another language").click()
    language = page.locator('[data-field="settings.language"] select')
    assert language.evaluate("el => el === document.activeElement")
    language.select_option("en")
    page.once("dialog", lambda dialog: dialog.accept())  # a new language writes a new script
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Saved.").wait_for()
    assert api.call("GET", f"/projects/{project['id']}")["settings"]["language"] == "en"


@BOTH
def test_caption_stills_follow_the_shape_of_the_video(page, studio, api, shots):
    needs(api, "/caption-styles")
    page.goto(f"{studio}/#/new")
    previews = page.locator(".caption-preview")
    previews.first.wait_for()
    every = "() => [...document.querySelectorAll('.caption-preview')].every(i => {})"
    page.wait_for_function(every.format("i.complete && i.naturalHeight > i.naturalWidth"))
    page.locator('.choice:has(input[name="settings.aspect"][value="16:9"])').click()
    page.wait_for_function(every.format("i.complete && i.naturalWidth > i.naturalHeight"))
    boxes = [previews.nth(k).bounding_box() for k in range(previews.count())]
    assert all(b is not None and b["width"] > b["height"] for b in boxes)
    assert_no_overflow(page)
    shots(page, "42-caption-styles-wide")
    page.locator('.choice:has(input[name="settings.aspect"][value="1:1"])').click()
    page.wait_for_function(every.format("i.complete && i.naturalWidth === i.naturalHeight"))
    assert_no_overflow(page)
