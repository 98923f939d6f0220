"""Caption styles: the presets a creator picks burned-in captions from, as data.

A preset says how captions look (weight, size, colours, outline or box, where on the frame,
words per line, upper case) and how the spoken word is shown (coloured, filled karaoke-style,
popped larger, or not at all); it names a weight, never a font file, because the font must
cover the story's script (common/media/text/fonts.py chooses it from the text). The first
three ids are the styles projects had before presets existed: "highlight", "plain" and "none"
render exactly as they did, so a stored project looks the same after an upgrade.

`settings.caption_style` names a preset (400 naming the field for any other id); `GET
/v1/caption-styles` lists them with a still of each, drawn by the video's own libass path.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from common.domain.base import StrictModel

CaptionStyle = Literal[
    "highlight", "plain", "none", "bold-pop", "karaoke", "lower-third", "boxed", "outline"
]
FIELD = "settings.caption_style"
DEFAULT_STYLE: CaptionStyle = "highlight"

Weight = Literal["regular", "bold"]
Position = Literal["bottom", "lower-third", "middle"]
# How the word being spoken is shown: its own colour ("colour"), a left-to-right fill of the
# line word by word (ASS karaoke, \kf), its own colour a size larger ("pop"), or not at all.
Spoken = Literal["colour", "karaoke", "pop", "none"]
Border = Literal["outline", "box"]
RGB = r"^#[0-9A-F]{6}$"


class CaptionPreset(StrictModel):
    """One caption style: everything the ASS writer needs besides the font family."""

    model_config = ConfigDict(frozen=True)

    id: CaptionStyle
    name: str
    description: str
    burned: bool = Field(True, description="False: captions only as SRT/VTT files")
    weight: Weight = "bold"
    size: float = Field(0.042, gt=0.01, le=0.12, description="font size / frame height")
    text_colour: str = Field("#FFFFFF", pattern=RGB)
    highlight_colour: str = Field("#FFD600", pattern=RGB, description="of the spoken word")
    border_colour: str = Field("#101010", pattern=RGB, description="of the outline or the box")
    border: Border = "outline"
    border_opacity: float = Field(1.0, ge=0, le=1, description="of the outline or the box")
    outline: float = Field(0.09, ge=0, le=0.3, description="outline (box padding) / font size")
    shadow: float = Field(0.05, ge=0, le=0.3, description="shadow offset / font size")
    position: Position = "bottom"
    words_per_line: int = Field(4, ge=1, le=4, description="at most; fewer when a line is full")
    upper: bool = Field(False, description="drawn in upper case (the SRT/VTT files are not)")
    spoken: Spoken = "colour"
    pop_scale: float = Field(1.0, ge=1, le=1.6, description="of the spoken word, with 'pop'")


PRESETS: dict[CaptionStyle, CaptionPreset] = {
    preset.id: preset
    for preset in (
        CaptionPreset(
            id="highlight",
            name="Highlight",
            description="White lines with a dark outline; the spoken word turns yellow.",
        ),
        CaptionPreset(
            id="plain",
            name="Plain",
            description="White lines with a dark outline, no highlight.",
            spoken="none",
        ),
        CaptionPreset(
            id="bold-pop",
            name="Bold pop",
            description="Big upper-case words mid-frame, two at a time; the spoken one pops.",
            size=0.055,
            highlight_colour="#7CFF3A",
            border_colour="#000000",
            outline=0.12,
            shadow=0.06,
            position="middle",
            words_per_line=2,
            upper=True,
            spoken="pop",
            pop_scale=1.2,
        ),
        CaptionPreset(
            id="karaoke",
            name="Karaoke fill",
            description="The line fills with colour word by word as it is spoken.",
            size=0.045,
            highlight_colour="#FF4FA3",
            border_colour="#1A0A14",
            spoken="karaoke",
        ),
        CaptionPreset(
            id="lower-third",
            name="Minimal lower third",
            description="Small regular-weight lines in the lower third, a thin outline.",
            weight="regular",
            size=0.033,
            border_colour="#000000",
            border_opacity=0.8,
            outline=0.05,
            shadow=0.03,
            position="lower-third",
            spoken="none",
        ),
        CaptionPreset(
            id="boxed",
            name="Boxed",
            description="Lines on a dark translucent box; the spoken word turns yellow.",
            size=0.04,
            border_colour="#000000",
            border="box",
            border_opacity=0.7,
            outline=0.25,
            shadow=0.0,
            words_per_line=3,
        ),
        CaptionPreset(
            id="outline",
            name="Outline",
            description="Upper-case white words with a thick black outline, three to a line; "
            "the spoken word turns green.",
            size=0.05,
            highlight_colour="#39E75F",
            border_colour="#000000",
            outline=0.16,
            shadow=0.0,
            words_per_line=3,
            upper=True,
        ),
        CaptionPreset(
            id="none",
            name="None",
            description="No burned-in captions (the SRT and VTT files are still made).",
            burned=False,
            spoken="none",
        ),
    )
}


def preset(style: str) -> CaptionPreset:
    """The preset named `style` (KeyError for an unknown id: settings validate ids first)."""
    return PRESETS[style]  # type: ignore[index]


class CaptionStyleEntry(CaptionPreset):
    """A preset as GET /v1/caption-styles lists it: with a still of it over a neutral frame."""

    preview_url: str | None = Field(None, description="a JPEG still of the preset")
    preview_aspect: str = Field("9:16", description="the frame the still is drawn in")


class CaptionStyleList(StrictModel):
    styles: list[CaptionStyleEntry]


class CaptionStyleQuery(StrictModel):
    aspect: Literal["9:16", "16:9", "1:1"] = Field(
        "9:16", description="the frame the stills are drawn in"
    )
