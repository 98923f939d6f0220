"""assemble(timeline, workdir): the finished video, its captions and its thumbnail. The one way
media is rendered.

Everything a render needs is prepared once (common.media.render.prepare: cards, captions,
fonts, clip and still measurements). Then the picture and sound are encoded one of two ways:
- in one ffmpeg process (picture and sound in one graph, one encode), when no segment cache is
  given or the timeline cannot be cut into segments (a fade reaching across a cut);
- in segments kept in a cache (common.media.render.segmented), when the caller gives one, so a
  re-render encodes only what an edit touched.
Either way the video's picture and sound are measured before it is returned (a video that
stops short is refused), and the thumbnail is drawn from the sources.

Media code knows nothing of storage: a segment cache is two functions the caller hands in
(common.ports.SegmentCache's fetch and store). A render works in a folder marked with its
process (common.media.render.scratch) and its ffmpeg dies with it, so a worker killed
mid-render leaves nothing running and nothing a sweep cannot tell is dead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common.domain.errors import CancelledError
from common.media.graph.segments import segmentable
from common.media.graph.whole import build_command
from common.media.render.ffmpeg import run_ffmpeg, stoppable
from common.media.render.lengths import check_lengths
from common.media.render.levels import timeline_levels
from common.media.render.prepare import Prepared, prepare
from common.media.render.scratch import scratch_dir
from common.media.render.segmented import SegmentReport, render_segments
from common.media.render.thumbnail import make_thumbnail
from common.media.spec.frames import total_frames
from common.media.spec.timeline import Timeline

log = logging.getLogger(__name__)

ENCODE_SHARE = 0.95  # of the progress bar; the thumbnail takes the rest

Fetch = Callable[[str, Path], bool]  # copy the segment under a key to a path; False if none
Store = Callable[[str, Path], None]  # keep the segment file at a path under a key


@dataclass(frozen=True)
class AssemblyResult:
    """Where assemble() wrote each output, and what the video turned out to be."""

    video: Path
    thumbnail: Path
    captions_srt: Path
    captions_vtt: Path
    captions_ass: Path | None
    duration_s: float
    width: int
    height: int
    segments: SegmentReport


def assemble(
    timeline: Timeline,
    workdir: Path,
    *,
    fetch_segment: Fetch | None = None,
    store_segment: Store | None = None,
    progress: Callable[[float], None] | None = None,
    workers: int = 1,
    stop: Callable[[], bool] | None = None,
) -> AssemblyResult:
    """Render `timeline` into workdir: video.mp4, thumbnail.jpg, captions.srt/.vtt/.ass.

    With `store_segment` (and `fetch_segment`), the picture is encoded in segments: those
    `fetch_segment` finds are reused, the others encoded (`workers` scenes at a time after an
    edit) and stored. `progress` is called with the done fraction in [0, 1]. `stop` is asked
    now and then (before each scene; every ffmpeg.STOP_CHECK_S during a pass over the whole
    picture): when it answers True the render ends with CancelledError (segments already
    stored stay; a pass over the whole picture is killed and stores none).
    Raises InvalidInputError for missing inputs or an odd frame size, MediaError when ffmpeg
    fails, no font covers the text, or the video's picture or sound stops short.
    """
    report = progress or (lambda _fraction: None)
    asked = stop or (lambda: False)
    with scratch_dir("assemble") as scratch:
        prepared = prepare(timeline, workdir, scratch)
        video = workdir / "video.mp4"
        if store_segment is not None and segmentable(prepared.timeline):
            segments = render_segments(
                prepared,
                video,
                scratch,
                fetch=fetch_segment or (lambda _key, _dest: False),
                store=store_segment,
                progress=report,
                workers=workers,
                stop=asked,
            )
        else:
            if store_segment is not None:
                log.info("a fade crosses a segment: assembling in one pass")
            segments = _one_pass(prepared, video, scratch, report, asked)
    fps = prepared.timeline.fps
    found = check_lengths(video, total_frames(prepared.timeline) / fps, fps)
    thumbnail = make_thumbnail(prepared.story, workdir / "thumbnail.jpg", workdir=workdir)
    report(1.0)
    return AssemblyResult(
        video=video,
        thumbnail=thumbnail,
        captions_srt=prepared.captions.srt,
        captions_vtt=prepared.captions.vtt,
        captions_ass=prepared.captions.ass,
        duration_s=found.video_s or 0.0,
        width=prepared.timeline.width,
        height=prepared.timeline.height,
        segments=segments,
    )


def _one_pass(
    prepared: Prepared,
    video: Path,
    scratch: Path,
    report: Callable[[float], None],
    stop: Callable[[], bool],
) -> SegmentReport:
    """Picture and sound in one ffmpeg process: every scene encoded."""
    timeline = prepared.timeline
    if stop():
        raise CancelledError("the render was stopped")
    total_s = total_frames(timeline) / timeline.fps
    log.info("assembling %d scenes, %.2f s, into %s", len(timeline.scenes), total_s, video)
    cmd = build_command(
        timeline,
        video,
        clip_durations=prepared.clip_durations,
        captions_ass=prepared.captions.ass if prepared.burn else None,
        fonts_dir=prepared.fonts_dir,
        still_sizes=prepared.still_sizes,
        levels=timeline_levels(timeline),
    )
    graph_file = scratch / "graph.txt"
    graph_file.write_text(cmd.filter_complex, encoding="utf-8")
    on_progress = stoppable(report, ENCODE_SHARE, stop)
    run_ffmpeg(cmd.args(graph_file), progress=on_progress, total_s=total_s)
    return SegmentReport(encoded=[scene.id for scene in timeline.scenes])
