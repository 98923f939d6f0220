"""The thumbnail: a clean, bright frame of the opening scene with the title set on it.

The frame is taken from the scene's own visual (the still under its Ken Burns window, or a frame
of the clip), not from the finished video, so it carries no burned-in caption and no transition.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, ImageStat, features

from common.media.graph.picture import clip_slowdown
from common.media.render.ffmpeg import media_duration, run_ffmpeg
from common.media.spec.motion import window_at
from common.media.spec.timeline import ImageVisual, Timeline
from common.media.text.fonts import FontFace, choose_fonts, drop_uncovered_symbols, font_runs
from common.media.text.segmenting import break_offsets

log = logging.getLogger(__name__)

LONG_SIDE = 1280
MIN_MEAN_LUMA = 40.0  # of 255: darker frames read as black in a feed
MAX_TITLE_LINES = 4
# (scene, fraction of its duration): the middle of the hook first, after its motion started.
_CANDIDATES = ((0, 0.5), (0, 0.7), (0, 0.3), (1, 0.5), (2, 0.5), (0, 0.9))


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """`LONG_SIDE` px on the long side, or the video's own size when that is smaller."""
    scale = min(1.0, LONG_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def make_thumbnail(timeline: Timeline, out_path: Path, *, workdir: Path) -> Path:
    """Write a JPEG thumbnail with the timeline's title over its first bright frame."""
    size = thumbnail_size(timeline.width, timeline.height)
    frame = _pick_frame(timeline, size, workdir)
    if timeline.title.strip():
        frame = compose_title(frame, timeline.title)
    frame.convert("RGB").save(out_path, "JPEG", quality=90, optimize=True)
    return out_path


def _pick_frame(timeline: Timeline, size: tuple[int, int], workdir: Path) -> Image.Image:
    """The first candidate frame that is not too dark; the brightest one otherwise."""
    best: tuple[float, Image.Image] | None = None
    for index, fraction in _CANDIDATES:
        if index >= len(timeline.scenes):
            continue
        frame = scene_frame(timeline, index, fraction, size, workdir)
        luma = ImageStat.Stat(frame.convert("L")).mean[0]
        if luma >= MIN_MEAN_LUMA:
            return frame
        if best is None or luma > best[0]:
            best = (luma, frame)
    assert best is not None  # scene 0 is always a candidate
    log.warning("every thumbnail candidate is dark; using the brightest (mean luma %.0f)", best[0])
    return best[1]


def scene_frame(
    timeline: Timeline, index: int, fraction: float, size: tuple[int, int], workdir: Path
) -> Image.Image:
    """Scene `index` as it looks at `fraction` of its duration, at `size`, without captions."""
    scene = timeline.scenes[index]
    frame_size = (timeline.width, timeline.height)
    if isinstance(scene.visual, ImageVisual):
        with Image.open(scene.visual.path) as still:
            cover = ImageOps.fit(still.convert("RGB"), frame_size, Image.Resampling.LANCZOS)
        cx, cy, zoom = window_at(scene.visual.motion, fraction)
        w, h = frame_size
        box = (
            w * (cx - 0.5 / zoom),
            h * (cy - 0.5 / zoom),
            w * (cx + 0.5 / zoom),
            h * (cy + 0.5 / zoom),
        )
        return cover.resize(size, Image.Resampling.BICUBIC, box=box)
    clip_s = media_duration(scene.visual.path)
    slowdown = clip_slowdown(scene.duration_s, clip_s)
    at = min(fraction * scene.duration_s / slowdown, max(clip_s - 0.1, 0.0))
    png = workdir / f"thumb_source_{index}.png"
    w, h = size
    cover_filter = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1"
    source = ["-ss", f"{at:.3f}", "-i", str(scene.visual.path)]
    run_ffmpeg([*source, "-frames:v", "1", "-vf", cover_filter, "-update", "1", str(png)])
    try:
        with Image.open(png) as image:
            return image.convert("RGB")
    finally:
        png.unlink(missing_ok=True)


def compose_title(frame: Image.Image, title: str) -> Image.Image:
    """`title` in large bold type, wrapped and centred in the upper third, over a soft shade."""
    width, height = frame.size
    title_set = set_title(title, width, round(min(width * 0.085, height * 0.1)))

    # A shade that darkens the top of the frame keeps white type readable on bright images.
    shade = Image.new("L", (1, 256))
    shade.putdata([round(170 * max(0.0, 1 - y / 255) ** 1.5) for y in range(256)])
    shade = shade.resize((width, round(height * 0.5)))
    image = frame.convert("RGBA")
    black = Image.new("RGBA", shade.size, (0, 0, 0, 255))
    black.putalpha(shade)
    image.alpha_composite(black, (0, 0))
    draw_title(image, title_set, round(height * 0.08 + title_set.size))
    return image.convert("RGB")


@dataclass(frozen=True)
class TitleSet:
    """A title broken into lines that fit, with the fonts and size they were measured at."""

    lines: list[str]
    faces: list[FontFace]
    fonts: dict[int, ImageFont.FreeTypeFont]
    size: int
    width: int  # of the image it was set for

    def line_width(self, line: str) -> float:
        return _line_width(line, self.faces, self.fonts)


def set_title(title: str, width: int, size: int) -> TitleSet:
    """`title` in bold type from `size` px down until it fits MAX_TITLE_LINES lines of 86% of
    `width` (never below 4% of the width)."""
    title = " ".join(drop_uncovered_symbols(title).split())
    faces = choose_fonts(title)
    while True:
        fonts = {id(face): _load_font(face.bold or face.regular, size) for face in faces}
        measure = functools.partial(_line_width, faces=faces, fonts=fonts)
        lines = wrap_text(title, measure, 0.86 * width)
        if len(lines) <= MAX_TITLE_LINES or size <= width * 0.04:
            return TitleSet(lines, faces, fonts, size, width)
        size = round(size * 0.9)


def draw_title(
    image: Image.Image,
    title: TitleSet,
    baseline: int,
    *,
    fill: str = "white",
    outline: str | None = "black",
    shadow: bool = True,
) -> None:
    """Draw `title`'s lines centred on `image` (RGBA), the first on `baseline`, with a soft
    shadow (unless `shadow` is False) and an outline (unless `outline` is None)."""
    draw = ImageDraw.Draw(image)
    stroke = max(2, title.size // 12) if outline else 0
    offset = max(2, title.size // 12)
    for line in title.lines:
        x = (title.width - title.line_width(line)) / 2
        for text, face in font_runs(line, title.faces):
            font = title.fonts[id(face)]
            if shadow:
                at = (x + offset, baseline + offset)
                draw.text(at, text, font=font, fill=(0, 0, 0, 150), anchor="ls")
            draw.text(
                (x, baseline), text, font=font, fill=fill, anchor="ls",
                stroke_width=stroke, stroke_fill=outline,
            )  # fmt: skip
            x += font.getlength(text)
        baseline += round(title.size * 1.2)


def _line_width(
    text: str, faces: list[FontFace], fonts: dict[int, ImageFont.FreeTypeFont]
) -> float:
    return sum(fonts[id(face)].getlength(run) for run, face in font_runs(text, faces))


def _load_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    # Raqm shapes Arabic and other joined scripts; without it Pillow draws isolated letters.
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def wrap_text(text: str, measure: Callable[[str], float], max_px: float) -> list[str]:
    """Greedy wrap at spaces (and between characters of space-less scripts) to `max_px`."""
    tokens: list[str] = []  # each token starts with the space that goes before it, if any
    for n, word in enumerate(text.split()):
        for i, unit in enumerate(_break_units(word)):
            tokens.append((" " if n and i == 0 else "") + unit)
    lines: list[str] = []
    for token in tokens:
        if lines and measure(lines[-1] + token) <= max_px:
            lines[-1] += token
        else:
            lines.append(token.lstrip())
    return lines


def _break_units(word: str) -> list[str]:
    """A word cut where a line may break: in space-less scripts where the segmenter allows
    (Thai words, Japanese phrases, Chinese characters; never before a vowel sign)."""
    cuts = [0, *sorted(break_offsets(word)), len(word)]
    return [word[a:b] for a, b in itertools.pairwise(cuts)]
