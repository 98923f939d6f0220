"""A still of a caption style: one frame of a sample line burned over a neutral background by
the same path a video's captions take (cues and layout, the ASS writer, the fonts chosen for
the text, libass through the graph's finishing step), so the picker shows what the video will.

The frame is taken mid-way through the line's second word: the spoken-word mark (colour, pop,
karaoke fill) is on screen. One still of 360 px on the short side takes ~0.1 s of CPU.
"""

from __future__ import annotations

from pathlib import Path

from common.domain.assets import WordTiming
from common.domain.caption_styles import CaptionStyle, preset
from common.media.graph.whole import finish_picture
from common.media.render.ffmpeg import run_ffmpeg
from common.media.render.prepare import link_fonts
from common.media.spec.timeline import Timeline
from common.media.text.captions import caption_layout, format_ass, group_cues
from common.media.text.fonts import choose_fonts, drop_uncovered_symbols

SAMPLE_LINE = "Every word lights up as it is spoken"
WORD_S = 0.4  # each sample word is spoken for this long
FPS = 25
# A blue-grey vertical gradient: neither white, black nor any preset's highlight colour.
_TOP, _BOTTOM = "#6A7A90", "#2C3440"


def render_caption_preview(
    style: CaptionStyle,
    width: int,
    height: int,
    out: Path,
    scratch: Path,
    *,
    text: str = SAMPLE_LINE,
) -> Path:
    """Write a JPEG still of `text` captioned in `style` over a width x height frame to `out`.

    `scratch` is an empty folder of the caller's (the background, the script and the fonts).
    Raises MediaError when ffmpeg fails or no installed font covers `text`.
    """
    background = _background(scratch / "background.png", width, height)
    words = [
        WordTiming(text=word, start_s=i * WORD_S, end_s=(i + 0.85) * WORD_S)
        for i, word in enumerate(text.split())
    ]
    timeline = Timeline.model_validate(
        {
            "width": width,
            "height": height,
            "fps": FPS,
            "caption_style": style,
            "scenes": [
                {
                    "id": "preview",
                    "visual": {"kind": "image", "path": str(background)},
                    "duration_s": (len(words) + 1) * WORD_S,
                    "words": words,
                }
            ],
        }
    )
    layout = caption_layout(width, height, style)
    cues = group_cues(timeline, layout)
    first = cues[0].words
    moment = first[min(1, len(first) - 1)].start_s + WORD_S / 2
    ass = fonts = None
    if preset(style).burned:  # "none" shows the frame as the video would: uncaptioned
        faces = choose_fonts(drop_uncovered_symbols(layout.shown(text)))
        ass = scratch / "captions.ass"
        script = format_ass(cues, layout=layout, font_family=faces[0].family, style=style)
        ass.write_text(script, encoding="utf-8")
        fonts = link_fonts(faces, scratch / "fonts")
    burned = finish_picture("[0:v]", [], ass, fonts)
    run_ffmpeg(
        [
            "-loop", "1", "-framerate", str(FPS), "-t", f"{moment + 1:.2f}", "-i", str(background),
            "-filter_complex", burned + "[v]", "-map", "[v]",
            "-ss", f"{moment:.2f}", "-frames:v", "1", "-q:v", "3", str(out),
        ]
    )  # fmt: skip
    return out


def _background(path: Path, width: int, height: int) -> Path:
    """A neutral vertical gradient, so outlines, boxes and highlights all show."""
    from PIL import Image, ImageOps  # lazy: Pillow is only needed where media is made

    ramp = Image.linear_gradient("L").resize((width, height))
    ImageOps.colorize(ramp, _TOP, _BOTTOM).save(path)
    return path
