"""assemble(timeline, workdir): the finished video, its captions and its thumbnail.

Brand cards become scenes first; captions are written (their text decides the font); clip
lengths, still sizes and audio loudness are measured; then one ffmpeg process renders and
encodes everything, and the thumbnail is drawn from the sources.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from common.domain.base import StrictModel
from common.domain.errors import InvalidInputError, MediaError
from common.media.captions import caption_layout, group_cues, write_captions
from common.media.cards import with_cards
from common.media.ffmpeg import media_duration, run_ffmpeg
from common.media.fonts import FontFace, choose_fonts, drop_uncovered_symbols
from common.media.graph import build_command, frame_grid
from common.media.levels import measure_levels, timeline_audio
from common.media.probe import stream_lengths
from common.media.thumbnail import make_thumbnail
from common.media.timeline import ImageVisual, Timeline, VideoVisual

log = logging.getLogger(__name__)

ENCODE_SHARE = 0.95  # of the progress bar; the thumbnail takes the rest


class AssemblyResult(StrictModel):
    """Where assemble() wrote each output, and what the video turned out to be."""

    video: Path
    thumbnail: Path
    captions_srt: Path
    captions_vtt: Path
    captions_ass: Path | None
    duration_s: float
    width: int
    height: int


def assemble(
    timeline: Timeline, workdir: Path, *, progress: Callable[[float], None] | None = None
) -> AssemblyResult:
    """Render `timeline` into workdir: video.mp4, thumbnail.jpg, captions.srt/.vtt/.ass.

    `progress` is called with the done fraction in [0, 1]. Raises InvalidInputError for
    missing inputs or an odd frame size, MediaError when ffmpeg fails or no font covers the text.
    """
    check_inputs(timeline)
    workdir.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda _fraction: None)
    story = timeline  # the thumbnail shows the story's first scene, not the intro card
    with tempfile.TemporaryDirectory(prefix="storygenius-assemble-") as scratch:
        timeline = with_cards(story, Path(scratch) / "cards")
        layout = caption_layout(timeline.width, timeline.height)
        cues = group_cues(timeline, layout)
        burn = timeline.caption_style != "none" and bool(cues)
        spoken = " ".join(c.text for c in cues)
        faces = choose_fonts(drop_uncovered_symbols(spoken)) if burn else []
        captions = write_captions(
            cues,
            workdir,
            layout=layout,
            style=timeline.caption_style,
            font_family=faces[0].family if faces else "DejaVu Sans",
            clean=drop_uncovered_symbols if burn else (lambda text: text),
        )

        clip_durations = {
            scene.visual.path: media_duration(scene.visual.path)
            for scene in timeline.scenes
            if isinstance(scene.visual, VideoVisual)
        }
        levels = measure_levels(timeline_audio(timeline), music=timeline.music_path)
        video = workdir / "video.mp4"
        first, frames = frame_grid(timeline)[-1]
        total_s = (first + frames) / timeline.fps
        log.info("assembling %d scenes, %.2f s, into %s", len(timeline.scenes), total_s, video)
        fonts_dir = _link_fonts(faces, Path(scratch) / "fonts") if faces else None
        cmd = build_command(
            timeline,
            video,
            clip_durations=clip_durations,
            captions_ass=captions.ass if burn else None,
            fonts_dir=fonts_dir,
            still_sizes=still_sizes(timeline),
            levels=levels,
        )
        graph_file = Path(scratch) / "graph.txt"
        graph_file.write_text(cmd.filter_complex, encoding="utf-8")
        run_ffmpeg(
            cmd.args(graph_file), progress=lambda f: report(f * ENCODE_SHARE), total_s=total_s
        )
        check_lengths(video, total_s, timeline.fps)

    thumbnail = make_thumbnail(story, workdir / "thumbnail.jpg", workdir=workdir)
    report(1.0)
    return AssemblyResult(
        video=video,
        thumbnail=thumbnail,
        captions_srt=captions.srt,
        captions_vtt=captions.vtt,
        captions_ass=captions.ass,
        duration_s=media_duration(video),
        width=timeline.width,
        height=timeline.height,
    )


def check_inputs(timeline: Timeline) -> None:
    """Raise InvalidInputError naming every missing input file and an odd frame size."""
    bad: dict[str, str] = {}
    for name in ("width", "height"):
        if getattr(timeline, name) % 2:
            bad[name] = "must be even (H.264 with yuv420p)"
    for i, scene in enumerate(timeline.scenes):
        if not scene.visual.path.is_file():
            bad[f"scenes[{i}].visual.path"] = f"file not found: {scene.visual.path}"
        if scene.narration_path is not None and not scene.narration_path.is_file():
            bad[f"scenes[{i}].narration_path"] = f"file not found: {scene.narration_path}"
    for i, (scene, nxt) in enumerate(itertools.pairwise(timeline.scenes)):
        if scene.transition_s >= min(scene.duration_s, nxt.duration_s):
            bad[f"scenes[{i}].transition_s"] = "must be shorter than this scene and the next"
    if timeline.music_path is not None and not timeline.music_path.is_file():
        bad["music_path"] = f"file not found: {timeline.music_path}"
    if timeline.logo is not None and not timeline.logo.path.is_file():
        bad["logo.path"] = f"file not found: {timeline.logo.path}"
    if bad:
        raise InvalidInputError("the timeline cannot be assembled", bad)


def check_lengths(video: Path, total_s: float, fps: int) -> None:
    """Raise MediaError unless `video`'s picture and sound both last `total_s`, within a frame.

    A video whose soundtrack stops early (or whose picture lost frames) is lost work for its
    creator: it is refused here, so the job fails naming the assembly, rather than published.
    """
    found = stream_lengths(video)
    picture, sound = found.video_s or 0.0, found.audio_s or 0.0
    frame = 1.0 / fps + 1e-6
    if abs(picture - total_s) > frame or abs(sound - total_s) > frame:
        raise MediaError(
            f"the rendered picture lasts {picture:.3f} s and its soundtrack {sound:.3f} s, "
            f"not the timeline's {total_s:.3f} s: the video was not published"
        )


def still_sizes(timeline: Timeline) -> dict[Path, tuple[int, int]]:
    """(width, height) of every still Pillow can read (from its header: nothing is decoded)."""
    from PIL import Image  # lazy: Pillow is only needed where a video is made

    sizes = {}
    for scene in timeline.scenes:
        if isinstance(scene.visual, ImageVisual) and scene.visual.path not in sizes:
            try:
                with Image.open(scene.visual.path) as image:
                    sizes[scene.visual.path] = image.size
            except OSError:  # a format only ffmpeg reads: the still gets an input of its own
                continue
    return sizes


def _link_fonts(faces: list[FontFace], fonts_dir: Path) -> Path:
    """A folder holding just the caption fonts, for libass (found whatever fontconfig sees)."""
    fonts_dir.mkdir(parents=True)
    for file in {file for face in faces for file in face.files}:
        try:
            (fonts_dir / file.name).symlink_to(file)
        except OSError:
            shutil.copyfile(file, fonts_dir / file.name)
    return fonts_dir
