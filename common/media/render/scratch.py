"""Render folders that outlive no one: each is marked with the process that made it, and a
sweep removes the folders of processes that are gone.

A render works in a temporary folder (cards, fonts, graphs, segments, fetched assets: ~13 MB
for a short video) that Python removes when the render ends. A worker killed mid-render
(kill -9, an instance stopped) removes nothing, and its folders used to stay forever (issue 16
item 11). The owner mark is the process id and its start time (a pid can be reused), so a
sweep by any process on the machine removes exactly the folders whose owner no longer runs;
folders without a readable mark are left for MAX_UNMARKED_AGE_S, longer than any render.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "storygenius-render-"
OWNER_FILE = ".owner"
MAX_UNMARKED_AGE_S = 24 * 3600.0


@contextmanager
def scratch_dir(label: str, root: Path | None = None) -> Iterator[Path]:
    """A temporary folder for one render (its name starts PREFIX + `label`; in `root`, else the
    temp folder), marked with this process as its owner and removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}{label}-", dir=root) as name:
        folder = Path(name)
        (folder / OWNER_FILE).write_text(_identity(os.getpid()), encoding="ascii")
        yield folder


def sweep_scratch(root: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Remove the render folders in `root` (the temp folder) whose owner process is gone, and
    unmarked ones older than MAX_UNMARKED_AGE_S; the folders removed."""
    root = Path(root or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = []
    for folder in root.glob(f"{PREFIX}*"):
        try:
            if not folder.is_dir() or _alive(folder, now):
                continue
        except OSError:  # removed meanwhile by its owner or another sweep
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    if removed:
        log.warning("removed %d render folders of processes that are gone", len(removed))
    return removed


def _alive(folder: Path, now: float) -> bool:
    """Whether the folder's owner still runs (unmarked: whether it is young)."""
    try:
        mark = (folder / OWNER_FILE).read_text(encoding="ascii").split()
        pid = int(mark[0])
    except (OSError, ValueError, IndexError):
        return now - folder.stat().st_mtime < MAX_UNMARKED_AGE_S
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return _identity(pid) == " ".join(mark)  # False: the pid was reused by another process


def _identity(pid: int) -> str:
    """`pid` and its start time since boot (Linux /proc), which tell one process from a later
    one with the same pid; the pid alone where /proc has no such file."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return str(pid)
    # The command name (field 2) may hold spaces and parentheses: count from its end.
    fields = stat.rsplit(")", 1)[1].split()
    return f"{pid} {fields[19]}"  # field 22: starttime
