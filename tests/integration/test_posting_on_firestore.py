"""The posting path's documents on Firestore: the scenarios of test_posting.py,
test_youtube_scheduled_release.py and test_post_listings.py again, with the Firestore adapter on
its stand-in (tests/support/firestore_emulator.py) as the store instead of SQLite.

What they read and write there: `oauth_states` (connect: made, then taken once by the callback),
`connections` (tokens sealed, refreshed, marked reconnect, deleted on disconnect; the TikTok
init-rate window), `posts` (created if absent, leased in transactions, the session saved before
bytes, the ack conditional on the attempt; the tick's `next_at` and `views_due_at` queries;
analytics' owner and `created_at` range), and the schedules' post summaries. Every query they
run has its index in firestore.indexes.json (tests/unit/test_infra_consistency.py).

Left out: the tests of two deliveries at once (duplicate deliveries, TikTok's six inits a
minute). The stand-in does not isolate transactions (two claims both see the entry free, two
creates both see it absent), so they would test the stand-in; isolation is proven on SQLite
(tests/contract/test_document_store.py says the same).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from common.adapters.gcp.firestore_store import FirestoreDocumentStore
from tests.integration.test_post_listings import (  # noqa: F401
    test_a_listing_edit_a_platform_would_refuse_is_a_400_naming_the_field,
    test_listings_edited_after_the_render_are_what_goes_out,
)
from tests.integration.test_posting import (  # noqa: F401
    OWNER,
    build,
    publish,
    reels,
    scheduled,
    stubs,
    test_a_connection_dropped_mid_upload_resumes_from_the_offset_youtube_reports,
    test_a_crash_after_the_upload_before_the_ledger_ack_adopts_the_video,
    test_a_reel_published_before_the_crash_is_adopted_not_published_again,
    test_a_revoked_grant_marks_the_post_reconnect_without_retrying_forever,
    test_a_schedule_posts_once_to_youtube_and_tiktok_with_each_platforms_metadata,
    test_disconnecting_stops_posting_and_revokes,
    test_quota_exceeded_moves_the_post_to_the_next_quota_day,
    test_the_tick_reads_youtube_view_counts_and_analytics_shows_them,
)
from tests.integration.test_youtube_scheduled_release import (  # noqa: F401
    test_a_video_ready_early_is_on_youtube_private_until_its_time_then_public_once,
    test_cancelling_takes_a_scheduled_video_back_and_nothing_goes_out_at_the_time,
)
from tests.stubs.instagram_server import instagram_stub  # noqa: F401
from tests.stubs.tiktok_server import tiktok_stub  # noqa: F401
from tests.stubs.youtube_server import youtube_stub  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture
def firestore_stores(
    firestore_emulator: str, firestore_project: str
) -> Iterator[Callable[[], FirestoreDocumentStore]]:
    """Clients of this test's own Firestore database (a fresh project on the stand-in)."""
    opened: list[FirestoreDocumentStore] = []

    def open_store() -> FirestoreDocumentStore:
        store = FirestoreDocumentStore.for_emulator(firestore_emulator, firestore_project)
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()


@pytest.fixture
def base_store(firestore_stores: Callable[[], FirestoreDocumentStore]) -> FirestoreDocumentStore:
    return firestore_stores()


@pytest.fixture
def make_services(
    make_services: Callable[..., Any], firestore_stores: Callable[[], FirestoreDocumentStore]
) -> Callable[..., Any]:
    """Services as the other modules build them, on Firestore unless a test brings its store."""

    def make(settings: dict[str, Any] | None = None, **overrides: Any) -> Any:
        overrides.setdefault("store", firestore_stores())
        return make_services(settings, **overrides)

    return make


def test_the_posting_documents_are_in_firestore_with_no_token_readable(
    make_services,
    stubs,  # noqa: F811
    tmp_path,
    firestore_stores,
):
    youtube, tiktok = stubs
    svc, clock = build(make_services, stubs, tmp_path)
    assert isinstance(svc.store, FirestoreDocumentStore)  # the modules' tests ran on Firestore
    schedule = scheduled(svc)
    publish(svc, clock)

    raw = firestore_stores()  # another client of the same database
    posts = {d.id: d.data for d in raw.query("posts", [("owner", "==", OWNER)])}
    assert set(posts) == {f"{schedule.id}--youtube", f"{schedule.id}--tiktok"}
    assert posts[f"{schedule.id}--youtube"]["status"] == "published"
    assert raw.query("oauth_states", []) == []  # each authorisation was taken once
    connections = raw.query("connections", [("owner", "==", OWNER)])
    assert {d.data["platform"] for d in connections} == {"youtube", "tiktok"}
    stored = repr([d.data for d in connections])
    issued = youtube.secrets_issued() + tiktok.secrets_issued()
    assert issued and not [token for token in issued if token in stored]
