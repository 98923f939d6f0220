"""Publisher: where a finished video is announced or uploaded when its time comes.

The webhook publisher (common/adapters/webhook/) is the one adapter today; platform uploads
(YouTube, TikTok) would be others behind the same port.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from common.domain.publishing import PublishedEvent, Receipt


class Publisher(Protocol):
    id: str

    def check_destination(self, url: str) -> str:
        """The destination normalised, or InvalidInputError naming `url` when it is not one
        this publisher may send to."""

    def publish(self, url: str, secret: str, event: PublishedEvent, at: datetime) -> Receipt:
        """Deliver `event` to `url`, signed with `secret` at time `at`. Never raises for a
        delivery that failed: the receipt says how, and whether another attempt may help."""
