"""bench/results.json, written by every bench module, and what each records beside its numbers.

`make bench` runs the modules one after another into one file: each merges only its own keys and
keeps the others' (a stopped run keeps what earlier ones measured), and the file is replaced
whole, never left half-written. Each module also records when it measured (`measured_at`, UTC)
and the machine's load: wall times on a shared machine mean little without it, which is why the
modules time their work in CPU seconds too (`cpu_seconds`), a figure other work moves much less.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def measured_at() -> str:
    """Now, in UTC to the second."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def load_avg_1m() -> float:
    """The machine's 1-minute load average, to two decimals."""
    return round(os.getloadavg()[0], 2)


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished children (ffmpeg)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def load(path: Path = RESULTS) -> dict[str, Any]:
    """Every key measured so far ({} before the first run)."""
    if not path.exists():
        return {}
    found: dict[str, Any] = json.loads(path.read_text())
    return found


def merge(results: dict[str, Any], *, prefix: str = "", path: Path = RESULTS) -> None:
    """Add `results` (each key after `prefix`) to the file, keeping every other key."""
    merged = load(path) | {prefix + key: value for key, value in results.items()}
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(merged, indent=2) + "\n")
    partial.replace(path)
