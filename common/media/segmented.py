"""assemble_segmented(timeline, workdir, cache): the video from per-scene segments, re-encoding
only the segments whose key is not in `cache`.

The same outputs as common.media.assemble.assemble() (video.mp4, thumbnail.jpg, captions),
made differently: the picture is encoded as segments (see common/media/segments.py for what a
segment is and what its key covers), the soundtrack is rendered once over the whole timeline,
and ffmpeg joins the segments and the soundtrack by stream copy. A first render, with nothing
cached, encodes the whole picture in one pass and cuts it into segments at forced IDR frames
(as fast as a one-pass render); after an edit, only the segments the edit touched are encoded
again, one process per scene.

The cache is a small port (fetch/store by key) so that media code knows nothing of storage;
the assembly service backs it with the blob store.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from common.domain.errors import CancelledError, MediaError
from common.media.assemble import (
    AssemblyResult,
    _link_fonts,
    assemble,
    check_inputs,
    check_lengths,
    still_sizes,
)
from common.media.captions import CaptionFiles, caption_layout, group_cues, write_captions
from common.media.cards import with_cards
from common.media.ffmpeg import (
    FfmpegCommand,
    carry_context,
    ffmpeg_exe,
    media_duration,
    run_ffmpeg,
)
from common.media.fonts import choose_fonts, drop_uncovered_symbols
from common.media.graph import AUDIO_BITRATE, SAMPLE_RATE, audio_filters
from common.media.levels import measure_levels, timeline_audio
from common.media.segments import (
    Segment,
    plan_segments,
    scene_command,
    segment_ass,
    segment_key,
    segmentable,
    timeline_files,
    total_frames,
    whole_command,
)
from common.media.thumbnail import make_thumbnail
from common.media.timeline import Timeline, VideoVisual

log = logging.getLogger(__name__)

# Shares of the progress bar: encoding the segments, then soundtrack, join and thumbnail.
SEGMENTS_SHARE = 0.9
# How often a one-pass render asks whether to stop (`stop` may read a database).
STOP_CHECK_S = 2.0


class SegmentCache(Protocol):
    """Encoded segments by key."""

    def fetch(self, key: str, dest: Path) -> bool:
        """Copy the segment stored under `key` to `dest`; False when there is none."""

    def store(self, key: str, path: Path) -> None:
        """Keep the segment file at `path` under `key` (atomically: all or nothing)."""


class FolderSegmentCache:
    """A SegmentCache on a local folder (benchmarks, tests, one-machine use)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def fetch(self, key: str, dest: Path) -> bool:
        source = self.folder / f"{key}.mp4"
        if not source.is_file():
            return False
        shutil.copyfile(source, dest)
        return True

    def store(self, key: str, path: Path) -> None:
        tmp = self.folder / f".{key}.{threading.get_ident()}.tmp"
        shutil.copyfile(path, tmp)
        tmp.replace(self.folder / f"{key}.mp4")


@dataclass
class SegmentReport:
    """Which scenes' segments were encoded by this render and which came from the cache."""

    encoded: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    """The ffmpeg build's version line (a new encoder build may encode other bytes)."""
    try:
        out = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise MediaError(f"cannot run ffmpeg -version: {exc}") from exc
    return out.splitlines()[0] if out else "ffmpeg"


def file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def assemble_segmented(
    timeline: Timeline,
    workdir: Path,
    cache: SegmentCache,
    *,
    progress: Callable[[float], None] | None = None,
    workers: int = 1,
    stop: Callable[[], bool] | None = None,
) -> tuple[AssemblyResult, SegmentReport]:
    """Render `timeline` into workdir (video.mp4, thumbnail.jpg, captions) from segments.

    Segments found in `cache` are reused; the others are encoded and stored: all of them in
    one pass when none is cached, else scene by scene (`workers` scenes at a time). `stop` is
    asked before each scene (every STOP_CHECK_S during a one-pass render): when it answers
    True the render ends with CancelledError (segments already encoded stay cached; a one-pass
    render's ffmpeg is killed and stores none). The steps around the picture are
    assemble()'s: brand cards made scenes, captions written, clips and audio measured, the
    thumbnail drawn from the story's own first scene.
    A timeline that cannot be cut into segments (segments.segment_fades) is rendered by
    assemble() in one pass, and every scene is reported encoded.
    Raises InvalidInputError for missing inputs, MediaError when ffmpeg fails.
    """
    check_inputs(timeline)
    workdir.mkdir(parents=True, exist_ok=True)
    report_progress = progress or (lambda _fraction: None)
    story = timeline  # the thumbnail shows the story's first scene, not the intro card
    with tempfile.TemporaryDirectory(prefix="storygenius-segments-") as scratch_dir:
        scratch = Path(scratch_dir)
        timeline = with_cards(story, scratch / "cards")
        if not segmentable(timeline):
            log.info("a fade crosses a segment: assembling in one pass")
            result = assemble(story, workdir, progress=progress)
            return result, SegmentReport(encoded=[s.id for s in timeline.scenes])
        report, captions = _render(
            timeline, workdir, scratch, cache, report_progress, workers, stop or (lambda: False)
        )
    thumbnail = make_thumbnail(story, workdir / "thumbnail.jpg", workdir=workdir)
    report_progress(1.0)
    result = AssemblyResult(
        video=workdir / "video.mp4",
        thumbnail=thumbnail,
        captions_srt=captions.srt,
        captions_vtt=captions.vtt,
        captions_ass=captions.ass,
        duration_s=total_frames(timeline) / timeline.fps,
        width=timeline.width,
        height=timeline.height,
    )
    return result, report


def _render(
    timeline: Timeline,
    workdir: Path,
    scratch: Path,
    cache: SegmentCache,
    report_progress: Callable[[float], None],
    workers: int,
    stop: Callable[[], bool],
) -> tuple[SegmentReport, CaptionFiles]:
    """Captions, the segments (from the cache or encoded), the soundtrack, and the join."""
    fps = timeline.fps
    layout = caption_layout(timeline.width, timeline.height)
    cues = group_cues(timeline, layout)
    burn = timeline.caption_style != "none" and bool(cues)
    faces = choose_fonts(drop_uncovered_symbols(" ".join(c.text for c in cues))) if burn else []
    family = faces[0].family if faces else "DejaVu Sans"
    clean = drop_uncovered_symbols if burn else (lambda text: text)
    captions = write_captions(
        cues, workdir, layout=layout, style=timeline.caption_style, font_family=family, clean=clean
    )

    digests = {path: file_digest(path) for path in timeline_files(timeline)}
    engine = engine_version()
    segments = plan_segments(timeline)
    scripts = {
        s.index: (
            segment_ass(
                cues, s, fps, layout=layout, font_family=family,
                style=timeline.caption_style, clean=clean,
            )
            if burn
            else None
        )
        for s in segments
    }  # fmt: skip
    keys = {
        s.index: segment_key(timeline, s, ass=scripts[s.index], digests=digests, engine=engine)
        for s in segments
    }
    report = SegmentReport(keys={s.name: keys[s.index] for s in segments})
    parts = {s.index: scratch / f"segment_{s.index:03d}.mp4" for s in segments}
    missing: dict[int, list[Segment]] = {}  # by scene: one process renders a scene's segments
    for s in segments:
        if cache.fetch(keys[s.index], parts[s.index]):
            report.reused.append(s.name)
        else:
            missing.setdefault(s.scene, []).append(s)
    clip_durations = {
        scene.visual.path: media_duration(scene.visual.path)
        for scene in timeline.scenes
        if isinstance(scene.visual, VideoVisual)
    }
    sizes = still_sizes(timeline)
    fonts_dir = _link_fonts(faces, scratch / "fonts") if faces else None
    stub = _black_still(scratch / "stub.png")

    def encode(todo: list[Segment]) -> list[Segment]:
        if stop():
            raise CancelledError("the render was stopped")
        outputs = []
        for s in todo:
            ass = None
            script = scripts[s.index]
            if script is not None:
                ass = scratch / f"segment_{s.index:03d}.ass"
                ass.write_text(script, encoding="utf-8")
            outputs.append((s, parts[s.index], ass))
        cmd = scene_command(
            timeline,
            outputs,
            stub=stub,
            clip_durations=clip_durations,
            fonts_dir=fonts_dir,
            still_sizes=sizes,
        )
        graph = scratch / f"scene_{todo[0].scene:03d}.graph"
        graph.write_text(cmd.filter_complex, encoding="utf-8")
        run_ffmpeg(cmd.args(graph))
        for s in todo:
            cache.store(keys[s.index], parts[s.index])
        return todo

    def encode_whole() -> None:
        if stop():
            raise CancelledError("the render was stopped")
        cmd = whole_command(
            timeline,
            scratch / "segment_%03d.mp4",
            clip_durations=clip_durations,
            captions_ass=captions.ass if burn else None,
            fonts_dir=fonts_dir,
            still_sizes=sizes,
        )
        graph = scratch / "whole.graph"
        graph.write_text(cmd.filter_complex, encoding="utf-8")
        asked = time.monotonic()

        def on_progress(fraction: float) -> None:
            nonlocal asked
            report_progress(SEGMENTS_SHARE * fraction)
            if time.monotonic() - asked >= STOP_CHECK_S:
                asked = time.monotonic()
                if stop():  # raising here kills ffmpeg; nothing reaches the cache
                    raise CancelledError("the render was stopped")

        run_ffmpeg(cmd.args(graph), progress=on_progress, total_s=total_frames(timeline) / fps)
        for s in segments:
            if not parts[s.index].is_file():
                raise MediaError(f"the one-pass render made no segment {s.name}")
            cache.store(keys[s.index], parts[s.index])

    def soundtrack() -> Path:
        audio = scratch / "audio.m4a"
        levels = measure_levels(timeline_audio(timeline), music=timeline.music_path)
        cmd = audio_command(timeline, audio, levels=levels)
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
    # The scene with most to encode first, so that two workers finish together.
    order = sorted(missing.values(), key=lambda todo: -sum(s.frames for s in todo))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        # The soundtrack is rendered alongside the pictures.
        sound = pool.submit(carry_context(soundtrack))
        if len(segments) > 1 and not report.reused:
            # Nothing cached (a first render): the whole picture in one pass, cut into segments.
            encode_whole()
            report.encoded += [s.name for s in segments]
        else:
            for finished in pool.map(carry_context(encode), order):
                report.encoded += [s.name for s in finished]
                done += sum(s.frames for s in finished)
                report_progress(SEGMENTS_SHARE * done / frames)
        audio = sound.result()
    names = [s.name for s in segments]
    report.encoded.sort(key=names.index)
    log.info("segments and soundtrack took %.1f s", time.perf_counter() - started)
    listing = scratch / "segments.txt"
    listing.write_text(concat_list([parts[s.index] for s in segments]), encoding="utf-8")
    video = workdir / "video.mp4"
    run_ffmpeg(mux_args(listing, audio, video))
    # A join that lost or doubled frames, or a short soundtrack: never publish such a video.
    check_lengths(video, total_frames(timeline) / fps, fps)
    report_progress(SEGMENTS_SHARE + (1 - SEGMENTS_SHARE) / 2)
    return report, captions


def audio_command(
    timeline: Timeline, out_path: Path, *, levels: Mapping[Path, float] | None = None
) -> FfmpegCommand:
    """The soundtrack over the whole timeline (narration, music, ducking, loudness) as AAC;
    `levels` as for graph.build_command."""
    cmd = FfmpegCommand()
    audio_filters(cmd, timeline, total_frames(timeline) / timeline.fps, levels=levels)
    cmd.output = [
        "-map", "[aout]", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(SAMPLE_RATE),
        "-ac", "2", "-vn", str(out_path),
    ]  # fmt: skip
    return cmd


def concat_list(paths: Sequence[Path]) -> str:
    """The concat demuxer's list of `paths`, quoted for it."""
    return "".join("file '" + str(p).replace("'", "'\\''") + "'\n" for p in paths)


def mux_args(list_file: Path, audio: Path, out_path: Path) -> list[str]:
    """Join the segments listed in `list_file` and add `audio`, both by stream copy."""
    return [
        "-f", "concat", "-safe", "0", "-i", str(list_file), "-i", str(audio),
        "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-movflags", "+faststart",
        str(out_path),
    ]  # fmt: skip


def _black_still(path: Path) -> Path:
    """A tiny black PNG: the stand-in for the scene before a segment (never on screen)."""
    from PIL import Image  # lazy: Pillow is only needed where a video is made

    Image.new("RGB", (16, 16)).save(path)
    return path
