"""A project's tools in the page, each checked against what the API then holds: scenes added,
moved and deleted; a scene's motion from an upload; music (bed, an uploaded track, none); the
brand kit's logo and title cards; the New video form's checks before sending; and the projects
list's cards (last job's state and thumbnail, duplicate, delete).
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.harness import assert_no_overflow
from tests.support.media_files import png, wav

BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)


def scene_ids(api, project_id: str) -> list[str]:
    return [s["id"] for s in api.call("GET", f"/projects/{project_id}")["story"]["scenes"]]


@BOTH
def test_scenes_are_added_moved_and_deleted_from_their_cards(page, studio, seeds, api, shots):
    project = seeds.project("A lighthouse keeper befriends a lonely whale", title="The Keeper")
    page.goto(f"{studio}/#/projects/{project['id']}")
    cards = page.locator(".scene-card")
    cards.first.wait_for()
    assert cards.count() == 3

    # Move the last scene earlier: the story's order changes, and the cards follow.
    cards.nth(2).locator(".scene-more summary").click()
    cards.nth(2).get_by_role("button", name="Move earlier").click()
    page.wait_for_function("() => document.querySelector('.scene-grid li:nth-child(2)')"
                           ".dataset.scene === 's3'")  # fmt: skip
    assert scene_ids(api, project["id"]) == ["s1", "s3", "s2"]

    # Add a scene after the first.
    cards.first.locator(".scene-more summary").click()
    cards.first.get_by_role("button", name="Add a scene after").click()
    form = page.locator(".add-scene form")
    form.get_by_label("Narration").fill("The storm breaks, and the lamp goes dark.")
    form.get_by_label("Picture").fill("a lighthouse in a storm, its lamp dark")
    form.get_by_role("button", name="Add scene").click()
    page.wait_for_function("() => document.querySelectorAll('.scene-card').length === 4")
    story = api.call("GET", f"/projects/{project['id']}")["story"]
    assert story["scenes"][1]["narration"] == "The storm breaks, and the lamp goes dark."
    assert cards.nth(1).locator(".narration").inner_text() == story["scenes"][1]["narration"]

    # Delete one: asked first.
    page.once("dialog", lambda dialog: dialog.accept())
    cards.nth(3).locator(".scene-more summary").click()
    cards.nth(3).get_by_role("button", name="Delete scene").click()
    page.wait_for_function("() => document.querySelectorAll('.scene-card').length === 3")
    assert "s2" not in scene_ids(api, project["id"])
    assert_no_overflow(page)
    shots(page, "20-scene-tools")


def test_a_scenes_motion_comes_from_an_upload_or_ken_burns(page, studio, seeds, api, tmp_path):
    project = seeds.project("A lighthouse keeper befriends a lonely whale", title="The Keeper")
    page.goto(f"{studio}/#/projects/{project['id']}")
    card = page.locator(".scene-card").first
    card.wait_for()
    motion = card.get_by_label("Motion of scene s1")
    # Changing one's mind at once: the Ken Burns save is held until "My upload" was chosen,
    # and its late answer must not take that choice away.
    held: list = []
    page.route("**/v1/projects/*/scenes/s1", lambda route: held.append(route))
    motion.select_option("kenburns")
    page.wait_for_function("() => true")  # lets the held request reach the route
    motion.select_option("upload")
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/v1/projects/*/scenes/s1")
    _wait_for(lambda: api.call("GET", f"/projects/{project['id']}")["story"]["scenes"][0][
        "clip_source"] == "kenburns")  # fmt: skip
    page.wait_for_function(
        "() => document.getElementById('announcer').textContent.startsWith('Scene saved')"
    )  # the page has the answer
    assert motion.input_value() == "upload"
    assert card.get_by_role("button", name="Upload a picture or clip").is_visible()
    picture = tmp_path / "harbour.png"
    picture.write_bytes(png(360, 640, (30, 60, 90)))
    card.locator("input[type=file]").set_input_files(str(picture))
    card.get_by_text("Uploaded harbour.png.").wait_for()
    scene = _wait_for(
        lambda: api.call("GET", f"/projects/{project['id']}")["story"]["scenes"][0],
        lambda s: s["clip_source"] == "upload",
    )
    [upload] = api.call("GET", f"/projects/{project['id']}/uploads")["uploads"]
    assert scene["upload_id"] == upload["id"] and upload["kind"] == "image"
    # The page shows the upload once the scene's save has answered (it may answer after the
    # API already holds it): wait for the value rather than read it once.
    expect(card.get_by_label("Which upload")).to_have_value(upload["id"], timeout=30_000)

    # A file the API refuses says why, next to the button.
    text = tmp_path / "notes.png"
    text.write_bytes(b"this is no picture at all")
    card.locator("input[type=file]").set_input_files(str(text))
    card.locator(".upload-status.field-error").wait_for()
    assert "notes.png" in card.locator(".upload-status").inner_text()


@BOTH
def test_music_and_the_brand_kit_are_saved_with_the_project(
    page, studio, seeds, api, tmp_path, shots
):
    project = seeds.project("A lighthouse keeper befriends a lonely whale", title="The Keeper")
    page.goto(f"{studio}/#/projects/{project['id']}")
    box = page.locator(".project-media")
    box.locator("summary").click()

    track = tmp_path / "calm.wav"
    track.write_bytes(wav(1.5))
    box.get_by_role("button", name="Upload a track").wait_for()
    box.locator('.field[data-field="settings.music_upload"] input[type=file]').set_input_files(
        str(track)
    )
    box.get_by_text("Uploaded calm.wav.").wait_for()
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(200, 200, (250, 200, 40)))
    box.locator('.field[data-field="settings.brand.logo"] input[type=file]').set_input_files(
        str(logo)
    )
    box.get_by_text("Uploaded logo.png.").wait_for()
    box.get_by_label("Logo image").select_option(label="logo.png · image 200×200")
    box.get_by_label("Corner").select_option("bottom-left")
    box.get_by_label("Title card before the story").check()
    box.locator('[data-field="settings.brand.intro.text"] input').fill("Tales of the Sea")
    box.get_by_label("Card after the story").check()
    box.locator('[data-field="settings.brand.outro.text"] input').fill("Follow for more")
    assert_no_overflow(page)
    shots(page, "21-sound-and-brand")
    box.get_by_role("button", name="Save sound and brand").click()
    box.get_by_text("Saved: the next render uses it.").wait_for()

    settings = api.call("GET", f"/projects/{project['id']}")["settings"]
    listed = api.call("GET", f"/projects/{project['id']}/uploads")["uploads"]
    uploads = {u["kind"]: u["id"] for u in listed}
    assert settings["music_upload"] == uploads["music"]
    assert settings["brand"]["logo"]["upload"] == uploads["image"]
    assert settings["brand"]["logo"]["position"] == "bottom-left"
    assert settings["brand"]["intro"]["text"] == "Tales of the Sea"
    assert settings["brand"]["outro"]["text"] == "Follow for more"
    assert "your track · logo · intro card · outro card" in box.locator("summary").inner_text()

    # Music bed, no logo, no cards.
    box.get_by_text("Music bed", exact=True).click()
    box.get_by_label("Logo image").select_option("")
    box.get_by_label("Title card before the story").uncheck()
    box.get_by_label("Card after the story").uncheck()
    box.get_by_role("button", name="Save sound and brand").click()
    box.locator("summary", has_text="music bed").wait_for()
    settings = api.call("GET", f"/projects/{project['id']}")["settings"]
    assert (settings["music"], settings["music_upload"]) == (True, "")
    assert settings["brand"] == {"logo": None, "intro": None, "outro": None}


@BOTH
def test_the_new_video_form_checks_the_prompt_and_offers_languages_as_a_list(page, studio, api):
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.goto(f"{studio}/#/new")
    prompt = page.get_by_label("What is your video about?")
    submit = page.locator("form.create-form button[type=submit]").first
    error = page.locator('[data-field="prompt"] .field-error')
    for text, words in (("", "Write a prompt"), ("     ", "only spaces"), ("🐋🌊✨", "emoji")):
        prompt.fill(text)
        submit.click()
        error.wait_for()
        assert words in error.inner_text(), error.inner_text()
        assert page.evaluate("() => document.activeElement.id") == "f-prompt"
    assert not sent, f"the page sent a prompt it knew was wrong: {sent}"
    assert api.call("GET", "/projects")["projects"] == []

    language = page.get_by_label("Language")
    assert language.evaluate("el => el.tagName") == "SELECT"
    options = language.locator("option").all_inner_texts()
    assert "English" in " ".join(options) and len(options) >= 3
    assert_no_overflow(page)


def test_project_cards_show_the_last_jobs_state_and_thumbnail_and_duplicate_or_delete(
    page, studio, seeds, api, shots
):
    ready = seeds.project("A fox guards a glowing forest", title="The Fox")
    seeds.job(ready, status="done", stage="done", progress=100, video=True)
    rendering = seeds.project("A whale sings", title="The Whale")
    seeds.job(rendering, status="running", stage="scenes", progress=30)
    page.goto(f"{studio}/#/")
    fox = page.locator(".project-card", has_text="The Fox")
    fox.locator(".card-status", has_text="Video ready").wait_for()
    fox.locator(".swatch img").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.swatch img')].every(i => i.naturalWidth > 0)"
    )
    page.locator(".project-card", has_text="The Whale").locator(
        ".card-status", has_text="Rendering"
    ).wait_for()
    shots(page, "22-project-cards")

    fox.get_by_role("button", name="Duplicate The Fox").click()
    page.get_by_role("heading", name="The Fox (copy)").wait_for()
    copies = [p for p in api.call("GET", "/projects")["projects"] if p["title"] == "The Fox (copy)"]
    assert len(copies) == 1 and copies[0]["prompt"] == ready["prompt"]

    page.goto(f"{studio}/#/")
    page.once("dialog", lambda dialog: dialog.accept())
    whale = page.locator(".project-card", has_text="The Whale")
    whale.get_by_role("button", name="Delete The Whale").click()
    whale.wait_for(state="detached")
    assert "The Whale" not in [p["title"] for p in api.call("GET", "/projects")["projects"]]


def _wait_for(read, ok=bool, timeout_s: float = 15):
    """`read()` until `ok(value)`: what the page saved, as the API answers it."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = read()
        if ok(value):
            return value
        assert time.monotonic() < deadline, f"still {value!r}"
        time.sleep(0.1)


@BOTH
def test_the_title_settings_and_the_storys_look_are_changed_on_the_project_page(
    page, studio, seeds, api, shots
):
    project = seeds.project("A lighthouse keeper befriends a lonely whale", title="The Keeper")
    page.goto(f"{studio}/#/projects/{project['id']}")
    look = page.locator("details.project-section", has=page.locator("#look-heading"))
    look.locator("> summary").click()
    look.get_by_label("Lighting").fill("moonlight through sea fog")
    look.get_by_label("Palette colour 1").evaluate(
        "el => { el.value = '#112233'; el.dispatchEvent(new Event('input')); }"
    )
    look.get_by_role("button", name="Save the look").click()
    look.get_by_text("Saved.").wait_for()
    style = api.call("GET", f"/projects/{project['id']}/story")["style"]
    assert style["lighting"] == "moonlight through sea fog"
    assert style["palette"][0] == "#112233"

    settings = page.locator("details.project-section", has=page.locator("#settings-heading"))
    settings.locator("> summary").click()
    settings.get_by_label("Title").fill("The Keeper of the North Light")
    settings.locator('.choice:has(input[value="plain"])').click()
    settings.locator('.choice:has(input[value="720p"])').click()
    assert_no_overflow(page)  # the section as 17b-project-open shows it (test_layout.py)
    settings.get_by_role("button", name="Save settings").click()
    settings.get_by_text("Saved.").wait_for()
    page.get_by_role("heading", name="The Keeper of the North Light", level=1).wait_for()
    saved = api.call("GET", f"/projects/{project['id']}")
    assert (saved["settings"]["caption_style"], saved["settings"]["resolution"]) == (
        "plain",
        "720p",
    )
    assert saved["story"] is not None  # captions and resolution keep the script

    # A new prompt writes a new script: asked first, and the story is gone after.
    page.once("dialog", lambda dialog: dialog.accept())
    settings.get_by_label("Prompt").fill("A fox guards a glowing forest")
    settings.get_by_role("button", name="Save settings").click()
    settings.get_by_text("Saved.").wait_for()
    assert api.call("GET", f"/projects/{project['id']}")["story"] is None


def test_an_export_at_another_shape_starts_from_the_more_menu(page, studio, seeds, api):
    project = seeds.project("A lighthouse keeper befriends a lonely whale", title="The Keeper")
    page.goto(f"{studio}/#/projects/{project['id']}")
    page.locator(".menu summary").click()
    assert page.get_by_label("Export shape").input_value() == "16:9"  # the project is 9:16
    page.get_by_role("button", name="Export", exact=True).click()
    page.locator(".job-panel h2", has_text="Export").wait_for()
    job_id = re.search(r"/jobs/([\w-]+)$", page.url).group(1)
    job = api.call("GET", f"/jobs/{job_id}")
    assert (job["kind"], job["render"]["aspect"]) == ("export", "16:9")
    if job["status"] not in ("done", "failed", "cancelled"):
        page.get_by_role("button", name="Cancel render").click()
        page.locator(".job-panel .pill", has_text="Cancelled").wait_for()
