"""Encoding a prepared render in segments kept in a cache, re-encoding only the segments whose
key the cache lacks (the runner, common.media.render.assemble, chooses this way when it is
given a cache).

The picture is encoded as segments (common.media.spec.segments for what a segment is,
common.media.render.segment_keys for what its key covers), the soundtrack is rendered once over
the whole timeline, and ffmpeg joins the segments and the soundtrack by stream copy. A first
render, with nothing cached, encodes the whole picture in one pass and cuts it into segments at
forced IDR frames (as fast as a render in one pass); after an edit, only the segments the edit
touched are encoded again, one process per scene.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from common.domain.errors import CancelledError, MediaError
from common.media.graph.segments import (
    audio_command,
    concat_list,
    mux_args,
    scene_command,
    whole_command,
)
from common.media.render.ffmpeg import carry_context, run_ffmpeg, stoppable
from common.media.render.levels import timeline_levels
from common.media.render.prepare import Prepared
from common.media.render.segment_keys import (
    engine_version,
    file_digest,
    segment_key,
    timeline_files,
)
from common.media.spec.frames import total_frames
from common.media.spec.segments import Segment, plan_segments
from common.media.text.segment_captions import segment_ass

log = logging.getLogger(__name__)

# Shares of the progress bar: encoding the segments, then soundtrack, join and thumbnail.
SEGMENTS_SHARE = 0.9


@dataclass
class SegmentReport:
    """Which scenes' segments this render encoded and which came from the cache (a render in
    one pass encodes every scene), and every segment's key."""

    encoded: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)


def render_segments(
    prepared: Prepared,
    video: Path,
    scratch: Path,
    *,
    fetch: Callable[[str, Path], bool],
    store: Callable[[str, Path], None],
    progress: Callable[[float], None],
    workers: int,
    stop: Callable[[], bool],
) -> SegmentReport:
    """Write `video` from segments: fetched by key, or encoded (and stored), then joined with
    the soundtrack by stream copy."""
    timeline, fps = prepared.timeline, prepared.timeline.fps
    plan = keyed_segments(prepared)
    segments, keys = plan.segments, plan.keys
    report = SegmentReport(keys={s.name: keys[s.index] for s in segments})
    parts = segment_files(plan, scratch)
    missing: dict[int, list[Segment]] = {}  # by scene: one process renders a scene's segments
    for s in segments:
        if fetch(keys[s.index], parts[s.index]):
            report.reused.append(s.name)
        else:
            missing.setdefault(s.scene, []).append(s)
    stub = black_still(scratch / "stub.png")

    def encode_whole() -> None:
        if stop():
            raise CancelledError("the render was stopped")
        cmd = whole_command(
            timeline,
            scratch / "segment_%03d.mp4",
            clip_durations=prepared.clip_durations,
            captions_ass=prepared.captions.ass if prepared.burn else None,
            fonts_dir=prepared.fonts_dir,
            still_sizes=prepared.still_sizes,
        )
        graph = scratch / "whole.graph"
        graph.write_text(cmd.filter_complex, encoding="utf-8")
        # Stopping kills ffmpeg: nothing reaches the cache.
        on_progress = stoppable(progress, SEGMENTS_SHARE, stop)
        run_ffmpeg(cmd.args(graph), progress=on_progress, total_s=total_frames(timeline) / fps)
        for s in segments:
            if not parts[s.index].is_file():
                raise MediaError(f"the one-pass render made no segment {s.name}")
            store(keys[s.index], parts[s.index])

    def soundtrack() -> Path:
        audio = scratch / "audio.m4a"
        cmd = audio_command(timeline, audio, levels=timeline_levels(timeline))
        graph = scratch / "audio.graph"
        graph.write_text(cmd.filter_complex, encoding="utf-8")
        run_ffmpeg(cmd.args(graph))
        return audio

    count = sum(len(todo) for todo in missing.values())
    log.info(
        "assembling %d segments: %d to encode, %d cached",
        len(segments), count, len(segments) - count,
    )  # fmt: skip
    started = time.perf_counter()
    frames, done = sum(s.frames for todo in missing.values() for s in todo) or 1, 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        # The soundtrack is rendered alongside the pictures.
        sound = pool.submit(carry_context(soundtrack))
        if len(segments) > 1 and not report.reused:
            # Nothing cached (a first render): the whole picture in one pass, cut into segments.
            encode_whole()
            report.encoded += [s.name for s in segments]
        else:
            scenes = missing.values()
            for finished in encode_scenes(prepared, plan, scenes, scratch, stub, store, stop, pool):
                report.encoded += [s.name for s in finished]
                done += sum(s.frames for s in finished)
                progress(SEGMENTS_SHARE * done / frames)
        audio = sound.result()
    names = [s.name for s in segments]
    report.encoded.sort(key=names.index)
    log.info("segments and soundtrack took %.1f s", time.perf_counter() - started)
    listing = scratch / "segments.txt"
    listing.write_text(concat_list([parts[s.index] for s in segments]), encoding="utf-8")
    run_ffmpeg(mux_args(listing, audio, video))
    progress(SEGMENTS_SHARE + (1 - SEGMENTS_SHARE) / 2)
    return report


@dataclass(frozen=True)
class KeyedSegments:
    """A prepared render's segments, each one's burned-in ASS script (None: no captions in
    it) and its key in the segment cache, both by segment index."""

    segments: list[Segment]
    scripts: dict[int, str | None]
    keys: dict[int, str]


def keyed_segments(prepared: Prepared) -> KeyedSegments:
    """Every segment of `prepared` with its captions and its cache key. A key hashes file
    contents, never paths: every process that prepares the same timeline computes the same
    keys (a multi-task assembly's workers and its join, common.media.render.shares)."""
    timeline = prepared.timeline
    digests = {path: file_digest(path) for path in timeline_files(timeline)}
    engine = engine_version()
    segments = plan_segments(timeline)
    scripts = {s.index: _captions(prepared, s) for s in segments}
    keys = {
        s.index: segment_key(timeline, s, ass=scripts[s.index], digests=digests, engine=engine)
        for s in segments
    }
    return KeyedSegments(segments, scripts, keys)


def segment_files(plan: KeyedSegments, scratch: Path) -> dict[int, Path]:
    """Where each segment's file is written or fetched to, by index."""
    return {s.index: scratch / f"segment_{s.index:03d}.mp4" for s in plan.segments}


def encode_scenes(
    prepared: Prepared,
    plan: KeyedSegments,
    missing: Iterable[list[Segment]],
    scratch: Path,
    stub: Path,
    store: Callable[[str, Path], None],
    stop: Callable[[], bool],
    pool: Executor,
) -> Iterator[list[Segment]]:
    """Encode each scene's `missing` segments on `pool` and store them; each scene's segments
    as it is done. One ffmpeg process a scene keeps only about 1.2 of two cores busy (x264's
    frame threads fill and drain on a few seconds of video, Ken Burns filters on one thread),
    so scenes are encoded side by side, the one with most frames first so that they end
    together. `stop` is asked before each scene starts: True raises CancelledError."""
    parts = segment_files(plan, scratch)

    def encode(todo: list[Segment]) -> list[Segment]:
        if stop():
            raise CancelledError("the render was stopped")
        encode_scene(prepared, plan, todo, scratch, stub)
        for s in todo:
            store(plan.keys[s.index], parts[s.index])
        return todo

    order = sorted(missing, key=lambda todo: -sum(s.frames for s in todo))
    return pool.map(carry_context(encode), order)


def encode_scene(
    prepared: Prepared, plan: KeyedSegments, todo: list[Segment], scratch: Path, stub: Path
) -> None:
    """Encode `todo`, some segments of one scene, in one ffmpeg process into their
    segment_files(); `stub` is black_still()'s picture."""
    parts = segment_files(plan, scratch)
    outputs = []
    for s in todo:
        ass = None
        script = plan.scripts[s.index]
        if script is not None:
            ass = scratch / f"segment_{s.index:03d}.ass"
            ass.write_text(script, encoding="utf-8")
        outputs.append((s, parts[s.index], ass))
    cmd = scene_command(
        prepared.timeline,
        outputs,
        stub=stub,
        clip_durations=prepared.clip_durations,
        fonts_dir=prepared.fonts_dir,
        still_sizes=prepared.still_sizes,
    )
    graph = scratch / f"scene_{todo[0].scene:03d}.graph"
    graph.write_text(cmd.filter_complex, encoding="utf-8")
    run_ffmpeg(cmd.args(graph))


def _captions(prepared: Prepared, segment: Segment) -> str | None:
    """The ASS script burned into `segment`, if captions are burned and any shows in it."""
    if not prepared.burn:
        return None
    return segment_ass(
        prepared.cues,
        segment,
        prepared.timeline.fps,
        layout=prepared.layout,
        font_family=prepared.family,
        style=prepared.timeline.caption_style,
        clean=prepared.clean,
    )


def black_still(path: Path) -> Path:
    """A tiny black PNG: the stand-in for the scene before a segment (never on screen)."""
    from PIL import Image  # lazy: Pillow is only needed where a video is made

    Image.new("RGB", (16, 16)).save(path)
    return path
