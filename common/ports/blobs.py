"""BlobStore: media files by key (``jobs/<id>/video.mp4``). Keys are relative, '/'-separated."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import quote


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

    def url(self, key: str, expires_s: int = 3600, download_name: str | None = None) -> str:
        """A URL a client can download from (signed in the cloud, a file URL locally).

        With `download_name`, a browser saves the file under that name: the response carries
        `Content-Disposition: attachment` with it (`attachment_disposition`). A page's
        `download` attribute cannot do this for a URL on another origin (a bucket), and the
        store's own name (``video.mp4``) would win.
        """


def attachment_disposition(name: str) -> str:
    """`Content-Disposition` for saving as `name` (RFC 6266): a plain ASCII `filename` for old
    clients and the exact UTF-8 name as `filename*`."""
    ascii_name = "".join(c if 32 < ord(c) < 127 and c not in '"\\%;' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@runtime_checkable
class UploadSessions(Protocol):
    """Stores a client can send a large file to directly (Cloud Storage's resumable uploads):
    the API's front end caps a request body at 32 MiB in the cloud."""

    def upload_session(self, key: str, content_type: str, size: int) -> str:
        """A URL the client PUTs exactly `size` bytes of `content_type` to (in chunks, resuming
        after a dropped connection), which then land under `key`; the URL is the credential."""
