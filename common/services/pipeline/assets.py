"""Provider results cached by a content hash of their inputs, per owner.

Retries, duplicate deliveries and re-renders after an edit ask for the same hash and find the blob
that is already there: only changed inputs cost a provider call. Blob writes are atomic, so a blob
that exists is complete.

Each owner has a cache of their own (`cache/<kind>/<owner>/<hash>`): a cache shared between users
would tell one user that another made the same prompt (`narration_origin: "cached"`, a job that
costs nothing) and hand them that user's results. Within one owner, every project shares it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from common.domain.assets import (
    ClipResult,
    ImageRequest,
    NarrationRequest,
    WordTiming,
    content_hash,
)
from common.domain.errors import NotFoundError
from common.ports import BlobStore, ImageGenerator, Narrator

log = logging.getLogger(__name__)

_EXT = {"image/png": "png", "image/jpeg": "jpg", "audio/wav": "wav", "audio/mpeg": "mp3"}


class NarrationManifest(BaseModel):
    audio_key: str
    mime: str
    duration_s: float
    words: list[WordTiming]


class AssetCache:
    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs
        self.calls: dict[str, int] = {}

    def _count(self, kind: str) -> None:
        self.calls[kind] = self.calls.get(kind, 0) + 1

    def image(self, generator: ImageGenerator, request: ImageRequest, owner: str) -> str:
        """Blob key of the owner's image for `request`, generating it only if not cached."""
        digest = content_hash("image", generator.id, request.fingerprint())
        stem = f"cache/images/{owner}/{digest}"
        for mime, ext in _EXT.items():
            if mime.startswith("image/") and self._blobs.exists(f"{stem}.{ext}"):
                return f"{stem}.{ext}"
        image = generator.generate(request)
        self._count("image")
        key = f"{stem}.{_EXT.get(image.mime, 'bin')}"
        return self._blobs.put(key, image.data, image.mime)

    def narration(self, narrator: Narrator, request: NarrationRequest, owner: str) -> str:
        """Blob key of the owner's narration manifest (audio key, duration, word timings)."""
        digest = content_hash("narration", narrator.id, request.model_dump(mode="json"))
        stem = f"cache/narration/{owner}/{digest}"
        manifest_key = f"{stem}.json"
        if self._blobs.exists(manifest_key):
            return manifest_key
        narration = narrator.narrate(request)
        self._count("narration")
        audio_key = f"{stem}.{_EXT.get(narration.mime, 'bin')}"
        self._blobs.put(audio_key, narration.audio, narration.mime)
        manifest = NarrationManifest(
            audio_key=audio_key,
            mime=narration.mime,
            duration_s=narration.duration_s,
            words=narration.words,
        )
        # The manifest is written last: its existence means the audio is there too.
        self._blobs.put(manifest_key, manifest.model_dump_json().encode(), "application/json")
        return manifest_key

    def load_narration(self, manifest_key: str) -> NarrationManifest:
        return NarrationManifest.model_validate_json(self._blobs.get(manifest_key))

    def clip_key(self, owner: str, *parts: Any) -> str:
        """Where the owner's clip made from `parts` (provider, request) is recorded."""
        return f"cache/clips/{owner}/{content_hash('clip', *parts)}.json"

    def find_clip(self, key: str) -> ClipResult | None:
        if not self._blobs.exists(key):
            return None
        return ClipResult.model_validate_json(self._blobs.get(key))

    def save_clip(self, key: str, result: ClipResult) -> None:
        self._blobs.put(
            key, json.dumps(result.model_dump(mode="json")).encode(), "application/json"
        )


class BlobSegmentCache:
    """The SegmentCache port (common.ports.segment_cache) on the blob store: encoded video
    segments (common/media/render/segmented.py) by content key:
    `cache/segments/<key>.mp4`. Local folder or Cloud Storage alike, so a re-render in the
    cloud job finds what an earlier render made anywhere."""

    PREFIX = "cache/segments/"

    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs

    def fetch(self, key: str, dest: Path) -> bool:
        blob = f"{self.PREFIX}{key}.mp4"
        try:
            self._blobs.download(blob, dest)
        except NotFoundError:
            return False
        return True

    def store(self, key: str, path: Path) -> None:
        self._blobs.put_file(f"{self.PREFIX}{key}.mp4", path, "video/mp4")
