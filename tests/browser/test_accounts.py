"""Connected accounts in the page: "Connect YouTube" goes through the platform's consent screen
(a stand-in speaking Google's OAuth 2 endpoints) and back, the account shows as connected, and
"Disconnect" revokes the grant at the platform. Platforms this server has no OAuth client for
say so and cannot be connected."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_overflow

BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)


@BOTH
def test_youtube_is_connected_through_its_consent_screen_posted_to_and_disconnected(
    page, studio, api, seeds, youtube, shots
):
    page.goto(f"{studio}/#/accounts")
    page.get_by_role("heading", name="Account", exact=True).wait_for()
    page.get_by_role("heading", name="Connected accounts").wait_for()
    cards = page.locator(".account-card")
    cards.first.wait_for()
    assert cards.count() == 3
    tiktok = page.locator('.account-card[data-platform="tiktok"]')
    assert tiktok.get_by_role("button", name="Connect TikTok").is_disabled()
    assert "no TikTok OAuth client" in tiktok.inner_text()
    assert_no_overflow(page)

    page.get_by_role("button", name="Connect YouTube").click()
    # The stand-in's consent screen answers "Allow" at once and sends the browser back.
    page.get_by_text("YouTube is connected.").wait_for()
    assert page.url.endswith("/#/accounts?connected=youtube")
    card = page.locator('.account-card[data-platform="youtube"]')
    card.locator(".pill", has_text="Connected").wait_for()
    [view] = [
        c for c in api.call("GET", "/connections")["connections"] if c["platform"] == "youtube"
    ]
    assert view["status"] == "connected" and view["account_id"] == youtube.account
    shots(page, "25-accounts")

    # A schedule posts to the connected account; its details say how each post went.
    project = api.call("POST", "/projects", {"prompt": "A fox guards a forest", "title": "Fox"})
    page.goto(f"{studio}/#/calendar?project={project['id']}")
    form = page.locator(".schedule-form")
    form.get_by_label("Publish at").fill("2031-05-14T09:30")
    assert form.get_by_label("TikTok", exact=True).is_disabled()  # not connected
    form.get_by_label("YouTube", exact=True).check()
    form.get_by_label("YouTube privacy").select_option("unlisted")
    form.get_by_label("YouTube title").fill("The Fox Who Guarded the Forest")
    assert_no_overflow(page)
    form.get_by_role("button", name="Schedule").click()
    page.get_by_text("Scheduled for").wait_for()
    [scheduled] = api.call("GET", "/schedules?from=2031-05-01&to=2031-05-31")["schedules"]
    [destination] = scheduled["destinations"]
    assert (destination["platform"], destination["privacy"], destination["title"]) == (
        "youtube", "unlisted", "The Fox Who Guarded the Forest"
    )  # fmt: skip
    # Uploaded ahead of its time: said in the schedule's zone (the calendar's default, UTC).
    early = {"platform": "youtube", "status": "scheduled", "url": "https://youtu.be/abc"}
    early |= {"scheduled_for": "2031-05-14T09:30:00Z", "note": "scheduled on YouTube for …"}
    seeds.store.update("schedules", scheduled["id"], {"posts": [early]})
    page.goto(f"{studio}/#/calendar?month=2031-05&schedule={scheduled['id']}")
    post = page.locator(".schedule-details .post-scheduled")
    post.wait_for()
    assert "scheduled on YouTube for" in post.inner_text()
    assert "…" not in post.inner_text()  # the API's UTC note is not said twice
    seeds.store.update(
        "schedules",
        scheduled["id"],
        {"posts": [{"platform": "youtube", "status": "published", "url": "https://youtu.be/abc"}]},
    )  # as the publish step records it
    page.reload()
    post = page.locator(".schedule-details .post-published")
    post.wait_for()
    assert post.get_by_role("link", name="see it").get_attribute("href") == "https://youtu.be/abc"

    page.goto(f"{studio}/#/accounts")
    card = page.locator('.account-card[data-platform="youtube"]')
    revoked_before = len(youtube.revocations)
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Disconnect YouTube").click()
    page.get_by_text("YouTube is disconnected").wait_for()
    card.get_by_role("button", name="Connect YouTube").wait_for()
    assert len(youtube.revocations) == revoked_before + 1


def test_the_account_shows_credit_and_usage_and_sets_a_webhook_whose_secret_is_shown_once(
    page, studio, api, shots
):
    page.goto(f"{studio}/#/accounts")
    usage = page.locator(".usage")
    usage.get_by_text("available").wait_for()
    account = api.call("GET", "/account")
    assert f"${account['available_usd']:.2f}" in usage.locator(".credit").inner_text()
    assert usage.locator(".meter").count() == 3

    form = page.locator(".webhook-form")
    form.get_by_text("No webhook").wait_for()
    # An address the API refuses (not https) is said next to the field.
    form.get_by_label("Webhook URL").fill("http://example.com/hook")
    form.get_by_role("button", name="Save webhook").click()
    form.locator('[data-field="url"] .field-error').wait_for()
    form.get_by_label("Webhook URL").fill("https://93.184.216.34/story-genius")
    form.get_by_role("button", name="Save webhook").click()
    secret = form.locator(".secret")
    secret.wait_for()
    hook = api.call("GET", "/webhook")
    assert hook["url"] == "https://93.184.216.34/story-genius"
    assert secret.inner_text().endswith(hook["secret_hint"])
    assert_no_overflow(page)
    shots(page, "27-account")
    page.reload()
    page.locator(".webhook-form").get_by_text("https://93.184.216.34/story-genius").wait_for()
    assert page.locator(".webhook-form .secret").count() == 0  # shown once
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove webhook").click()
    page.get_by_text("No webhook").wait_for()
    assert api.status_of("GET", "/webhook") == 404
