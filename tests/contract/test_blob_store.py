"""BlobStore contract: every adapter must pass these; FsBlobStore's own promises follow."""

from __future__ import annotations

import errno
import os
import random
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from common.adapters.local.fs_blobs import FsBlobStore
from common.domain.errors import InvalidInputError, NotFoundError
from common.ports.blobs import BlobStore

BAD_KEYS = [
    "",
    "/etc/passwd",
    "../outside",
    "jobs/../../outside",
    "jobs/..",
    "jobs\\video.mp4",
    "jobs/vid\x00eo.mp4",
    "jobs//video.mp4",
    "jobs/",
    "./jobs/video.mp4",
]


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def test_put_then_get_round_trips(blob_store: BlobStore) -> None:
    data = random_bytes(10_000, seed=1)
    assert blob_store.put("jobs/j1/video.mp4", data, "video/mp4") == "jobs/j1/video.mp4"
    assert blob_store.get("jobs/j1/video.mp4") == data
    assert blob_store.exists("jobs/j1/video.mp4")


def test_put_replaces_existing_blob(blob_store: BlobStore) -> None:
    blob_store.put("a.txt", b"first version, longer")
    blob_store.put("a.txt", b"second")
    assert blob_store.get("a.txt") == b"second"


def test_empty_blob_round_trips(blob_store: BlobStore) -> None:
    blob_store.put("empty.bin", b"")
    assert blob_store.exists("empty.bin")
    assert blob_store.get("empty.bin") == b""


def test_put_file_stores_a_local_file(blob_store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    data = random_bytes(3 * 1024 * 1024 + 17, seed=2)  # several copy chunks and a remainder
    source.write_bytes(data)
    assert (
        blob_store.put_file("media/big.bin", source, "application/octet-stream") == "media/big.bin"
    )
    assert blob_store.get("media/big.bin") == data


def test_put_file_of_missing_source_raises_not_found(blob_store: BlobStore, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        blob_store.put_file("media/x.bin", tmp_path / "nope.bin")
    assert not blob_store.exists("media/x.bin")


def test_download_copies_to_a_local_path(blob_store: BlobStore, tmp_path: Path) -> None:
    blob_store.put("jobs/j1/thumb.jpg", b"jpeg bytes")
    dest = tmp_path / "out" / "nested" / "thumb.jpg"
    assert blob_store.download("jobs/j1/thumb.jpg", dest) == dest
    assert dest.read_bytes() == b"jpeg bytes"


def test_missing_blob_raises_not_found(blob_store: BlobStore, tmp_path: Path) -> None:
    blob_store.put("jobs/j1/video.mp4", b"x")
    for key in ["nope.bin", "jobs/j1/nope.mp4", "jobs/j1", "jobs/j1/video.mp4/deeper"]:
        assert not blob_store.exists(key)
        with pytest.raises(NotFoundError):
            blob_store.get(key)
        with pytest.raises(NotFoundError):
            blob_store.download(key, tmp_path / "dest.bin")
    assert not (tmp_path / "dest.bin").exists()


def test_delete_removes_and_tolerates_missing(blob_store: BlobStore) -> None:
    blob_store.put("a/b.txt", b"x")
    blob_store.delete("a/b.txt")
    assert not blob_store.exists("a/b.txt")
    blob_store.delete("a/b.txt")
    blob_store.delete("never/was.txt")
    assert blob_store.list() == []


def test_list_returns_sorted_keys_under_prefix(blob_store: BlobStore) -> None:
    for key in [
        "jobs/j2/b.mp4",
        "jobs/j1/a.mp4",
        "jobs/j10/c.mp4",
        "projects/p1/x.json",
        "top.txt",
    ]:
        blob_store.put(key, b"x")
    assert blob_store.list() == [
        "jobs/j1/a.mp4",
        "jobs/j10/c.mp4",
        "jobs/j2/b.mp4",
        "projects/p1/x.json",
        "top.txt",
    ]
    assert blob_store.list("jobs/") == ["jobs/j1/a.mp4", "jobs/j10/c.mp4", "jobs/j2/b.mp4"]
    assert blob_store.list("jobs/j1") == ["jobs/j1/a.mp4", "jobs/j10/c.mp4"]  # a string prefix
    assert blob_store.list("jobs/j1/") == ["jobs/j1/a.mp4"]
    assert blob_store.list("t") == ["top.txt"]
    assert blob_store.list("missing/") == []


def test_unicode_keys_work(blob_store: BlobStore) -> None:
    blob_store.put("projects/café/🎬 scene 1.png", b"png")
    assert blob_store.get("projects/café/🎬 scene 1.png") == b"png"
    assert blob_store.list("projects/") == ["projects/café/🎬 scene 1.png"]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_refused_everywhere(blob_store: BlobStore, key: str, tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(b"x")
    calls: list[Callable[[], object]] = [
        lambda: blob_store.put(key, b"x"),
        lambda: blob_store.put_file(key, source),
        lambda: blob_store.get(key),
        lambda: blob_store.download(key, tmp_path / "dest.bin"),
        lambda: blob_store.exists(key),
        lambda: blob_store.delete(key),
        lambda: blob_store.uri(key),
        lambda: blob_store.url(key),
    ]
    for call in calls:
        with pytest.raises(InvalidInputError) as caught:
            call()
        assert "key" in caught.value.fields
    assert blob_store.list() == []
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["src.bin"]


def test_uri_and_url_name_the_blob(blob_store: BlobStore) -> None:
    blob_store.put("jobs/j1/video.mp4", b"x")
    assert blob_store.uri("jobs/j1/video.mp4").endswith("jobs/j1/video.mp4")
    assert blob_store.url("jobs/j1/video.mp4", expires_s=60)


def test_writes_leave_nothing_but_the_blobs(blob_store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(random_bytes(100_000, seed=3))
    keys = [f"jobs/j1/scene-{i}.bin" for i in range(10)]
    for key in keys:
        blob_store.put(key, b"x" * 1000)
        blob_store.put_file(key, source)
    assert blob_store.list() == sorted(keys)


def test_readers_never_see_a_partial_blob(blob_store: BlobStore) -> None:
    """A writer swaps two big versions in a loop while a reader reads: only whole versions."""
    versions = [b"a" * 2_000_000, b"b" * 1_000_000]
    blob_store.put("jobs/j1/video.mp4", versions[0])
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(40):
                blob_store.put("jobs/j1/video.mp4", versions[(i + 1) % 2])
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            stop.set()

    thread = threading.Thread(target=writer)
    thread.start()
    reads = 0
    while not stop.is_set() or reads < 5:
        data = blob_store.get("jobs/j1/video.mp4")
        assert data in versions, f"read {len(data)} bytes: a partial or mixed blob"
        reads += 1
    thread.join(timeout=60)
    assert errors == []


# --- FsBlobStore's own promises ---------------------------------------------------------------


def test_fs_uri_is_a_file_uri_of_the_absolute_path(tmp_path: Path) -> None:
    store = FsBlobStore(tmp_path / "blobs")
    store.put("jobs/j1/video.mp4", b"video")
    uri = store.uri("jobs/j1/video.mp4")
    assert uri.startswith("file:///")
    path = Path(url2pathname(urlparse(uri).path))
    assert path.is_absolute()
    assert path.read_bytes() == b"video"
    assert store.url("jobs/j1/video.mp4") == uri


def test_fs_refuses_keys_that_escape_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret")
    store = FsBlobStore(tmp_path / "blobs")
    os.symlink(outside, store.root / "link")
    os.symlink(store.root, store.root / "self")
    for key in ["link/secret.txt", "link/new.txt", "self"]:
        with pytest.raises(InvalidInputError) as caught:
            store.put(key, b"x")
        assert "key" in caught.value.fields
        with pytest.raises(InvalidInputError):
            store.get(key)
    with pytest.raises(InvalidInputError):
        store.list("link/")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (outside / "secret.txt").read_bytes() == b"secret"


def test_fs_symlinks_inside_the_root_are_allowed(tmp_path: Path) -> None:
    store = FsBlobStore(tmp_path / "blobs")
    store.put("real/a.txt", b"a")
    os.symlink(store.root / "real", store.root / "alias")
    assert store.get("alias/a.txt") == b"a"


def test_fs_failed_write_leaves_old_blob_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FsBlobStore(tmp_path / "blobs")
    source = tmp_path / "src.bin"
    source.write_bytes(b"y" * 100_000)
    store.put("jobs/a.bin", b"old")

    def disk_full(src: BinaryIO, dst: BinaryIO, length: int = 0) -> None:
        dst.write(src.read(10))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.put_file("jobs/a.bin", source)
    assert store.get("jobs/a.bin") == b"old"
    files = [p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file()]
    assert files == ["jobs/a.bin"]


def test_fs_blob_files_and_a_new_folder_are_the_owners_alone(tmp_path: Path) -> None:
    store = FsBlobStore(tmp_path / "blobs")
    store.put("a.bin", b"x")
    store.put_file("b.bin", tmp_path / "blobs" / "a.bin")
    for name in ("a.bin", "b.bin"):
        assert (store.root / name).stat().st_mode & 0o777 == 0o600
    assert store.root.stat().st_mode & 0o777 == 0o700
