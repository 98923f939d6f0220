"""One worker of a multi-task render in a process of its own (spawned, as a Cloud Run task is
started): it renders its share of a timeline into a folder segment cache."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from common.media.spec.timeline import Timeline


def render_in_process(timeline_json: str, index: int, count: int, cache: str) -> None:
    from common.adapters.local.segment_cache import FolderSegmentCache
    from common.media.render.shares import render_share

    folder = FolderSegmentCache(Path(cache))
    timeline = Timeline.model_validate_json(timeline_json)
    render_share(timeline, index, count, fetch=folder.fetch, store=folder.store)


def render_shares_in_processes(timeline: Timeline, count: int, cache: Path) -> None:
    """Every share of `timeline` at once, each in a spawned process; raises if one fails."""
    ctx = multiprocessing.get_context("spawn")
    spec = timeline.model_dump_json()
    workers = [
        ctx.Process(target=render_in_process, args=(spec, index, count, str(cache)))
        for index in range(count)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    codes = [worker.exitcode for worker in workers]
    if codes != [0] * count:
        raise RuntimeError(f"share workers exited with {codes}")
