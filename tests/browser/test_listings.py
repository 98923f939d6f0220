"""The project page's "Titles and hashtags": each platform's title, description and hashtags as
the writer left them, edited in the page and checked against what the API then holds; a value a
platform would refuse is shown next to its field, and nothing is saved."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_overflow

BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)


@BOTH
def test_each_platforms_title_and_hashtags_are_edited_on_the_project_page(
    page, studio, seeds, api, shots
):
    project = seeds.project("A lighthouse keeper befriends a lonely whale", title="The Keeper")
    page.goto(f"{studio}/#/projects/{project['id']}")
    panel = page.locator("details.project-section", has=page.locator("#listings-heading"))
    panel.locator("> summary").click()
    youtube = panel.locator('fieldset[data-platform="youtube"]')
    # A story written before listings were shows the ones its title makes.
    assert youtube.get_by_label("YouTube title").input_value() == project["story"]["title"]

    youtube.get_by_label("YouTube title").fill("Nora and the whale that sang back")
    youtube.get_by_label("YouTube hashtags").fill("whale song, #Lighthouse")
    panel.get_by_label("TikTok description").fill("She hummed. It answered.")
    assert_no_overflow(page)
    shots(page, "27-listings")
    panel.get_by_role("button", name="Save titles and hashtags").click()
    panel.get_by_text("Saved.").wait_for()
    listings = api.call("GET", f"/projects/{project['id']}")["story"]["listings"]
    assert listings["youtube"]["title"] == "Nora and the whale that sang back"
    assert listings["youtube"]["hashtags"] == ["#WhaleSong", "#Lighthouse"]
    assert listings["tiktok"]["description"] == "She hummed. It answered."
    assert listings["instagram"]["title"] == project["story"]["title"]  # not sent: as it was
    assert youtube.get_by_label("YouTube hashtags").input_value() == "#WhaleSong #Lighthouse"

    # "#!!" has no letter to make a hashtag of: the 400 is shown at the field, nothing written.
    revision = api.call("GET", f"/projects/{project['id']}")["revision"]
    panel.get_by_label("Instagram hashtags").fill("#!!, ocean")
    panel.get_by_role("button", name="Save titles and hashtags").click()
    error = panel.locator('[data-field="instagram.hashtags"] .field-error')
    error.wait_for()
    assert "hashtag" in error.inner_text()
    assert_no_overflow(page)
    assert api.call("GET", f"/projects/{project['id']}")["revision"] == revision
