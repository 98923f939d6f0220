"""assemble() with a segment cache object (common.ports.SegmentCache), as the assembly service
calls it, returning the result and its segment report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common.media.render.assemble import AssemblyResult, assemble
from common.media.render.segmented import SegmentReport
from common.media.spec.timeline import Timeline
from common.ports import SegmentCache


def assemble_cached(
    timeline: Timeline, workdir: Path, cache: SegmentCache, **options: Any
) -> tuple[AssemblyResult, SegmentReport]:
    result = assemble(
        timeline, workdir, fetch_segment=cache.fetch, store_segment=cache.store, **options
    )
    return result, result.segments
