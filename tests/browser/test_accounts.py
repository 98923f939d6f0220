"""Connected accounts in the page: "Connect YouTube" goes through the platform's consent screen
(a stand-in speaking Google's OAuth 2 endpoints) and back, the account shows as connected, and
"Disconnect" revokes the grant at the platform. Platforms this server has no OAuth client for
say so and cannot be connected."""

from __future__ import annotations

import pytest

from tests.browser.harness import assert_no_overflow

BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"], indirect=True)


@BOTH
def test_youtube_is_connected_through_its_consent_screen_and_disconnected_with_a_revocation(
    page, studio, api, youtube, shots
):
    page.goto(f"{studio}/#/accounts")
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

    revoked_before = len(youtube.revocations)
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Disconnect YouTube").click()
    page.get_by_text("YouTube is disconnected").wait_for()
    card.get_by_role("button", name="Connect YouTube").wait_for()
    assert len(youtube.revocations) == revoked_before + 1
