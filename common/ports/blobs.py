"""BlobStore: media files by key (``jobs/<id>/video.mp4``). Keys are relative, '/'-separated."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Store `data` under `key` atomically (readers see all or nothing); returns the key."""

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> str:
        """Store a local file under `key` (large media: streamed, not read into memory)."""

    def get(self, key: str) -> bytes:
        """The blob's bytes; NotFoundError if absent."""

    def download(self, key: str, dest: Path) -> Path:
        """Copy the blob to a local file and return its path; NotFoundError if absent."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Delete the blob; a missing blob is not an error."""

    def list(self, prefix: str = "") -> list[str]:
        """Keys that start with `prefix`, sorted."""

    def uri(self, key: str) -> str:
        """A location other services understand (``gs://bucket/key`` or ``file:///abs/path``)."""

    def url(self, key: str, expires_s: int = 3600) -> str:
        """A URL a client can download from (signed in the cloud, a file URL locally)."""
