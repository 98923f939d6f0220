"""Per-user token buckets in the document store: bursts, refill, separate budgets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.config import Settings
from common.domain.quota import RateLimitedError
from common.services.accounts.rate_limit import RateLimiter

GENERATE = ("POST", "/v1/projects/{project_id}/generate")
CREATE = ("POST", "/v1/projects")


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 3, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.t


@pytest.fixture
def limiter(tmp_path):
    def make(**limits: float) -> tuple[RateLimiter, Clock]:
        clock = Clock()
        settings = Settings.from_env({}, data_dir=tmp_path, **limits)
        store = SqliteDocumentStore(tmp_path / "db.sqlite3")
        return RateLimiter(store, clock, settings), clock

    return make


def test_a_burst_passes_then_the_next_request_waits_for_a_token(limiter):
    rl, _ = limiter(rate_generate_per_min=6, rate_generate_burst=3)
    for _ in range(3):
        rl.take("ann", *GENERATE)

    with pytest.raises(RateLimitedError) as caught:
        rl.take("ann", *GENERATE)
    assert caught.value.code == "rate_limited"
    assert caught.value.retry_after_s == pytest.approx(10.0)  # 6 a minute
    assert caught.value.fields["bucket"] == "generate"


def test_tokens_come_back_with_time_up_to_the_burst(limiter):
    rl, clock = limiter(rate_generate_per_min=6, rate_generate_burst=2)
    rl.take("ann", *GENERATE)
    rl.take("ann", *GENERATE)
    clock.t += timedelta(seconds=10)
    rl.take("ann", *GENERATE)
    with pytest.raises(RateLimitedError):
        rl.take("ann", *GENERATE)

    clock.t += timedelta(hours=1)  # long idle: back to the burst, not more
    rl.take("ann", *GENERATE)
    rl.take("ann", *GENERATE)
    with pytest.raises(RateLimitedError):
        rl.take("ann", *GENERATE)


def test_users_and_budgets_have_their_own_buckets_and_reads_are_free(limiter):
    rl, _ = limiter(
        rate_generate_per_min=1, rate_generate_burst=1, rate_mutate_per_min=1, rate_mutate_burst=1
    )
    rl.take("ann", *GENERATE)
    rl.take("ann", *CREATE)  # the mutate budget is untouched by generate
    rl.take("bob", *GENERATE)
    for _ in range(50):
        rl.take("ann", "GET", "/v1/projects")
    for route in (GENERATE, CREATE, ("PATCH", "/v1/projects/{project_id}")):
        with pytest.raises(RateLimitedError):
            rl.take("ann", *route)


def test_a_rate_of_zero_turns_the_budget_off(limiter):
    rl, _ = limiter(rate_mutate_per_min=0, rate_mutate_burst=1)
    for _ in range(20):
        rl.take("ann", *CREATE)
