"""What every render needs before ffmpeg runs, done once: inputs checked, brand cards made
scenes, captions written (their text decides the fonts), clip lengths and still sizes measured.

Both ways of encoding (common.media.render.assemble: one pass, or segments) start from the
same Prepared, so the captions, fonts and measurements of a render never depend on how its
picture is encoded.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common.domain.caption_styles import preset
from common.domain.errors import InvalidInputError
from common.media.render.cards import with_cards
from common.media.render.ffmpeg import media_duration
from common.media.spec.timeline import ImageVisual, Timeline, VideoVisual
from common.media.text.captions import (
    CaptionFiles,
    CaptionLayout,
    Cue,
    caption_layout,
    group_cues,
    write_captions,
)
from common.media.text.fonts import FontFace, choose_fonts, drop_uncovered_symbols

DEFAULT_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class Prepared:
    """A timeline ready to encode, and what was measured and written for it."""

    story: Timeline  # as given: the thumbnail shows the story's first scene, not the intro card
    timeline: Timeline  # the brand cards made scenes
    layout: CaptionLayout
    cues: list[Cue]
    captions: CaptionFiles  # SRT, VTT and ASS in the workdir
    burn: bool  # whether captions are burned into the picture
    family: str  # the captions' main font family
    clean: Callable[[str], str]  # what burned-in caption text goes through (no undrawable glyph)
    fonts_dir: Path | None  # just the caption fonts, for libass
    clip_durations: dict[Path, float]  # of every clip file
    still_sizes: dict[Path, tuple[int, int]]  # of every still Pillow can read


def prepare(story: Timeline, workdir: Path, scratch: Path) -> Prepared:
    """Check `story`'s inputs, make its cards scenes (drawn into `scratch`), write its captions
    into `workdir` and measure its clips and stills.

    Raises InvalidInputError naming every missing input, MediaError when no font covers the
    captions' text.
    """
    check_inputs(story)
    workdir.mkdir(parents=True, exist_ok=True)
    timeline = with_cards(story, scratch / "cards")
    layout = caption_layout(timeline.width, timeline.height, timeline.caption_style)
    cues = group_cues(timeline, layout)
    burn = preset(timeline.caption_style).burned and bool(cues)
    shown = layout.shown(" ".join(c.text for c in cues))  # upper case has letters of its own
    faces = choose_fonts(drop_uncovered_symbols(shown)) if burn else []
    family = faces[0].family if faces else DEFAULT_FAMILY
    clean: Callable[[str], str] = drop_uncovered_symbols if burn else (lambda text: text)
    captions = write_captions(
        cues, workdir, layout=layout, style=timeline.caption_style, font_family=family, clean=clean
    )
    return Prepared(
        story=story,
        timeline=timeline,
        layout=layout,
        cues=cues,
        captions=captions,
        burn=burn,
        family=family,
        clean=clean,
        fonts_dir=link_fonts(faces, scratch / "fonts") if faces else None,
        clip_durations={
            scene.visual.path: media_duration(scene.visual.path)
            for scene in timeline.scenes
            if isinstance(scene.visual, VideoVisual)
        },
        still_sizes=still_sizes(timeline),
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


def link_fonts(faces: list[FontFace], fonts_dir: Path) -> Path:
    """A folder holding just the caption fonts, for libass (found whatever fontconfig sees)."""
    fonts_dir.mkdir(parents=True)
    for file in {file for face in faces for file in face.files}:
        try:
            (fonts_dir / file.name).symlink_to(file)
        except OSError:
            shutil.copyfile(file, fonts_dir / file.name)
    return fonts_dir
