"""A render spread over several workers: which scenes each encodes, and one worker's share
rendered into the segment cache (the join is assemble() finding every segment cached).

A segment-cached render (common.media.render.segmented) encodes the picture in independent,
closed-GOP segments joined by stream copy, so workers can encode them apart: each worker
prepares the whole timeline (captions, cards and measurements decide the segments' keys, which
hash file contents, never paths, so every worker computes the same keys), encodes the segments
of its scenes, one ffmpeg process per scene (several at once), and stores them. Whoever joins
then finds every segment cached and only renders the soundtrack, joins by stream copy and draws
the thumbnail.

Shares are balanced by frames, not by scene count: a scene is worth the frames its segments
hold (its body and its outgoing transition), and scenes go, longest first, to the least loaded
worker. A scene is never split between workers: its process filters the frames before its
window anyway, so splitting it would pay for them twice.

Each segment is encoded by its own x264 output from its scene's own sub-timeline, whichever
worker encodes it, so the joined video is the same bytes for any number of workers (a render
in one pass cuts one encoder's stream instead: the same frames within the encoder's rounding,
tests/integration/test_segmented_assembly.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from common.media.graph.segments import segmentable
from common.media.render.prepare import prepare
from common.media.render.scratch import scratch_dir
from common.media.render.segmented import (
    SegmentReport,
    black_still,
    encode_scenes,
    keyed_segments,
    segment_files,
)
from common.media.spec.segments import Segment
from common.media.spec.timeline import Timeline

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Share:
    """Worker `index`'s scenes (indices into the timeline's scenes, in order) and the frames
    their segments hold."""

    index: int
    scenes: tuple[int, ...]
    frames: int


class NotSplittableError(ValueError):
    """The timeline cannot be cut into segments (a fade reaches across a cut): it renders in
    one pass, by one worker."""


def plan_shares(segments: list[Segment], count: int) -> list[Share]:
    """`count` shares of the scenes of `segments`, balanced by frames (longest scene first to
    the least loaded share; ties to the lower index, so every worker plans the same)."""
    if count < 1:
        raise ValueError(f"a render needs at least one share, not {count}")
    weights: dict[int, int] = {}
    for s in segments:
        weights[s.scene] = weights.get(s.scene, 0) + s.frames
    loads = [0] * count
    owned: list[list[int]] = [[] for _ in range(count)]
    for scene in sorted(weights, key=lambda i: (-weights[i], i)):
        lightest = min(range(count), key=lambda k: (loads[k], k))
        owned[lightest].append(scene)
        loads[lightest] += weights[scene]
    return [Share(k, tuple(sorted(owned[k])), loads[k]) for k in range(count)]


def render_share(
    timeline: Timeline,
    index: int,
    count: int,
    *,
    fetch: Callable[[str, Path], bool],
    store: Callable[[str, Path], None],
    stop: Callable[[], bool] | None = None,
    workers: int = 1,
) -> SegmentReport:
    """Encode the segments of share `index` of `count` that the cache lacks (`workers` scenes
    at a time), and store them.

    Idempotent: a share whose segments are all cached encodes nothing (a retried worker only
    checks). `stop` is asked before each scene is started; True ends the render with CancelledError
    (segments already stored stay: they are right for any later render). Raises
    NotSplittableError, before encoding anything, for a timeline that cannot be cut into
    segments.
    """
    asked = stop or (lambda: False)
    with scratch_dir("share") as scratch:
        prepared = prepare(timeline, scratch / "captions", scratch)
        if not segmentable(prepared.timeline):
            raise NotSplittableError("a fade crosses a segment: this timeline renders in one pass")
        plan = keyed_segments(prepared)
        share = plan_shares(plan.segments, count)[index]
        parts = segment_files(plan, scratch)
        report = SegmentReport(keys={s.name: plan.keys[s.index] for s in plan.segments})
        stub = black_still(scratch / "stub.png")
        missing: list[list[Segment]] = []  # by scene: one process encodes a scene's segments
        for scene in share.scenes:
            todo = [s for s in plan.segments if s.scene == scene]
            lacking = [s for s in todo if not fetch(plan.keys[s.index], parts[s.index])]
            report.reused += [s.name for s in todo if s not in lacking]
            if lacking:
                missing.append(lacking)

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for finished in encode_scenes(
                prepared, plan, missing, scratch, stub, store, asked, pool
            ):
                report.encoded += [s.name for s in finished]
        names = [s.name for s in plan.segments]
        report.encoded.sort(key=names.index)
    log.info(
        "share %d of %d: %d frames in %d scenes, encoded %d segments, %d cached",
        index, count, share.frames, len(share.scenes), len(report.encoded), len(report.reused),
    )  # fmt: skip
    return report
