"""LinkSigner: signatures that let a browser read one media file until a time, without a token.

In the cloud a link is the blob store's own V4 signed URL; the local folder store has no such
thing, so the local server signs `/media/<key>?expires=&signature=` links itself with a signer
(common/adapters/local/link_signer.py) and checks them when they come back.
"""

from __future__ import annotations

from typing import Protocol


class LinkSigner(Protocol):
    def sign(self, key: str, expires: int) -> str:
        """The signature of (key, expires): URL-safe text."""

    def valid(self, key: str, expires: int, signature: str, now: float) -> bool:
        """Whether `signature` was made by this signer for (key, expires) and `expires` (unix
        seconds) is still ahead of `now`."""
