"""FsBlobStore: the BlobStore port on a local folder (the embedded default's media folder).

A key maps to a file under the root. Keys are checked before any file is touched so none can
reach outside the root (absolute keys, '..', backslashes, symlinks pointing out). Writes go to a
temp file in the target's directory and are renamed into place, so readers see all or nothing.
Content types are not stored: files are served by their extension.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from common.domain.errors import ConflictError, NotFoundError
from common.ports.blob_keys import TEMP_PREFIX, BlobKeyError, key_problem

_COPY_CHUNK = 1 << 20


class FsBlobStore:
    """BlobStore on a folder; keys are relative, '/'-separated paths under `root`."""

    def __init__(self, root: Path | str) -> None:
        self._root = Path(root).resolve()
        self._root.mkdir(mode=0o700, parents=True, exist_ok=True)

    @property
    def root(self) -> Path:
        return self._root

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Store `data` under `key` atomically; returns the key."""
        self._write(key, lambda out: out.write(data))
        return key

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> str:
        """Store a local file under `key`, streamed in chunks; returns the key."""
        with _open(Path(path), f"source file {path}") as source:
            self._write(key, lambda out: shutil.copyfileobj(source, out, _COPY_CHUNK))
        return key

    def get(self, key: str) -> bytes:
        """The blob's bytes; NotFoundError if absent."""
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise NotFoundError(f"blob {key} does not exist") from exc

    def download(self, key: str, dest: Path) -> Path:
        """Copy the blob to `dest` (written atomically) and return it; NotFoundError if absent."""
        path = self._path(key)
        dest = Path(dest)
        with _open(path, f"blob {key}") as source:
            _atomic_write(dest, lambda out: shutil.copyfileobj(source, out, _COPY_CHUNK))
        return dest

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under `key`."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Delete the blob; a missing blob is not an error."""
        path = self._path(key)
        with suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            path.unlink()

    def expire(self, prefix: str, before: datetime) -> list[str]:
        """Delete the blobs under `prefix` last written before `before` (the bucket's lifecycle
        rule, on a folder: common/services/housekeeping.py); the keys deleted."""
        cutoff = before.timestamp()
        gone: list[str] = []
        for key in self.list(prefix):
            with suppress(FileNotFoundError):
                if self._path(key).stat().st_mtime < cutoff:
                    self.delete(key)
                    gone.append(key)
        return gone

    def list(self, prefix: str = "") -> list[str]:
        """Keys that start with `prefix`, sorted. The prefix need not end at a '/'."""
        folder = prefix.rpartition("/")[0]
        # Walk only the folder the prefix names: the rest of the tree cannot match.
        start = self._root
        if folder:
            self._path(folder)  # refuses a prefix that would leave the root
            start = self._root.joinpath(*folder.split("/"))
        keys = []
        for dirpath, _dirnames, filenames in os.walk(start):
            relative = Path(dirpath).relative_to(self._root).as_posix()
            for name in filenames:
                key = name if relative == "." else f"{relative}/{name}"
                if not name.startswith(TEMP_PREFIX) and key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def uri(self, key: str) -> str:
        """The blob's ``file://`` URI (absolute path)."""
        return self._path(key).as_uri()

    def url(self, key: str, expires_s: int = 3600, download_name: str | None = None) -> str:
        """Locally the same ``file://`` URI; nothing expires, and the name is the file's (the
        local server's media route names downloads instead)."""
        return self.uri(key)

    def _path(self, key: str) -> Path:
        problem = key_problem(key)
        resolved = self._root
        if problem is None:
            # Resolving follows symlinks, so a link inside the root cannot lead out of it.
            resolved = self._root.joinpath(*key.split("/")).resolve()
            if resolved == self._root or not resolved.is_relative_to(self._root):
                problem = "must stay inside the blob root"
        if problem is not None:
            raise BlobKeyError(problem)
        return resolved

    def _write(self, key: str, fill: Callable[[BinaryIO], object]) -> None:
        path = self._path(key)
        try:
            _atomic_write(path, fill)
        except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
            # A folder cannot also be a file: "a" and "a/b" cannot both be keys here.
            raise ConflictError(f"blob {key} clashes with a folder or file: {exc}") from exc


def _open(path: Path, what: str) -> BinaryIO:
    """`path` opened for reading; NotFoundError naming `what` when there is no such file."""
    try:
        return path.open("rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise NotFoundError(f"{what} does not exist") from exc


def _atomic_write(path: Path, fill: Callable[[BinaryIO], object]) -> None:
    """Write through a temp file in the same folder, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            # mkstemp's 0600 stays: media in the data folder are the owner's alone (issue 16).
            fill(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
