"""Render folders of dead processes are swept; a live render's are never touched."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from common.media.render.scratch import (
    MAX_UNMARKED_AGE_S,
    OWNER_FILE,
    PREFIX,
    _identity,
    scratch_dir,
    sweep_scratch,
)


def folder(root: Path, name: str, owner: str | None) -> Path:
    path = root / f"{PREFIX}{name}"
    path.mkdir()
    (path / "segment_000.mp4").write_bytes(b"x" * 100)
    if owner is not None:
        (path / OWNER_FILE).write_text(owner)
    return path


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_folders_of_processes_that_are_gone_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    mine = folder(tmp_path, "live", _identity(os.getpid()))
    dead = folder(tmp_path, "dead", f"{dead_pid()} 12345")
    reused = folder(tmp_path, "reused", f"{os.getpid()} 1")  # this pid, another start time
    young = folder(tmp_path, "unmarked-young", None)
    old = folder(tmp_path, "unmarked-old", None)
    os.utime(old, (time.time() - MAX_UNMARKED_AGE_S - 60,) * 2)
    other = tmp_path / "storygenius-upload-x"  # not a render folder: not ours to judge
    other.mkdir()

    removed = sweep_scratch(tmp_path)

    assert sorted(removed) == sorted([dead, reused, old])
    assert mine.is_dir() and young.is_dir() and other.is_dir()
    assert not dead.exists() and not reused.exists() and not old.exists()


def test_a_render_folder_is_marked_with_its_owner_and_removed_when_done(tmp_path: Path) -> None:
    with scratch_dir("job-abc", tmp_path) as scratch:
        assert scratch.name.startswith(f"{PREFIX}job-abc-")
        assert (scratch / OWNER_FILE).read_text() == _identity(os.getpid())
        assert sweep_scratch(tmp_path) == []  # its owner is alive
    assert not scratch.exists()
