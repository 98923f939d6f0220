"""Live streams (`GET /v1/jobs/{id}/events`) a process holds open at once, per user and in all.

Each open stream holds a thread, a store listener and its buffers for up to 20 minutes: 300
streams from one user were 307 threads and +84 MB. So a process serves at most
`max_streams` at once and one user at most `max_streams_per_user` of them; one more is a 429
with Retry-After (the client reconnects later, or closes a tab). Opening a stream also takes a
token from the user's `stream` rate-limit budget (common/services/accounts/rate_limit.py), so a
client that opens and drops streams in a loop is slowed like any other.

Slots are counted per process: in the cloud each function instance has its own (an instance
serves a bounded number of requests at once anyway).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from common.config import Settings
from common.domain.quota import RateLimitedError

RETRY_AFTER_S = 30.0


class TooManyStreamsError(RateLimitedError):
    code = "too_many_streams"


class StreamSlots:
    def __init__(self, settings: Settings) -> None:
        self._per_user = settings.max_streams_per_user
        self._in_all = settings.max_streams
        self._open: dict[str, int] = {}
        self._total = 0
        self._lock = threading.Lock()

    def acquire(self, owner: str) -> Callable[[], None]:
        """Take a slot for one of `owner`'s streams; the returned function gives it back (once,
        however often it is called). TooManyStreamsError when none is free."""
        with self._lock:
            if self._open.get(owner, 0) >= self._per_user:
                raise TooManyStreamsError(
                    f"you have {self._per_user} live streams open: close one first",
                    retry_after_s=RETRY_AFTER_S,
                    bucket="streams_per_user",
                )
            if self._total >= self._in_all:
                raise TooManyStreamsError(
                    "this server holds as many live streams as it can: retry shortly",
                    retry_after_s=RETRY_AFTER_S,
                    bucket="streams",
                )
            self._open[owner] = self._open.get(owner, 0) + 1
            self._total += 1
        released = threading.Event()

        def release() -> None:
            with self._lock:
                if released.is_set():
                    return
                released.set()
                self._total -= 1
                left = self._open[owner] - 1
                if left:
                    self._open[owner] = left
                else:
                    del self._open[owner]

        return release

    def open_streams(self, owner: str | None = None) -> int:
        """Streams open now (of `owner`, or in all)."""
        with self._lock:
            return self._total if owner is None else self._open.get(owner, 0)
