"""SegmentCache: encoded video segments by content key (common.media.render.segment_keys).

The assembly service hands a cache's `fetch` and `store` to the media runner, which stays free
of storage: it only asks for a key's file and offers the files it encoded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class SegmentCache(Protocol):
    """Encoded segments by key."""

    def fetch(self, key: str, dest: Path) -> bool:
        """Copy the segment stored under `key` to `dest`; False when there is none."""

    def store(self, key: str, path: Path) -> None:
        """Keep the segment file at `path` under `key` (atomically: all or nothing)."""
