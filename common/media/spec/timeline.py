"""Timeline: the spec of one video, from which the ffmpeg graph is built.

A timeline is pure data (local file paths, durations, words); it holds no open files and knows
nothing of storage. Scene i starts when scene i-1's transition begins, so the video lasts
sum(duration) - sum(transition overlaps).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from common.domain.assets import Motion, WordTiming
from common.domain.base import StrictModel
from common.domain.caption_styles import CaptionStyle

TransitionKind = Literal["crossfade", "dip", "slide", "cut"]
Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


class ImageVisual(StrictModel):
    """A still animated with Ken Burns motion, rendered directly by the graph."""

    kind: Literal["image"] = "image"
    path: Path
    motion: Motion = Field(default_factory=Motion)


class VideoVisual(StrictModel):
    """A clip file, fitted to the scene: trimmed if longer, slowed/held if shorter."""

    kind: Literal["video"] = "video"
    path: Path


Visual = Annotated[ImageVisual | VideoVisual, Field(discriminator="kind")]


class TimelineScene(StrictModel):
    id: str
    visual: Visual
    duration_s: float = Field(gt=0, description="on screen, including the outgoing transition")
    narration_path: Path | None = None
    narration_offset_s: float = Field(0.0, ge=0, description="voice starts this far into the scene")
    words: list[WordTiming] = Field(
        default_factory=list, description="timings relative to the narration audio's start"
    )
    text: str = Field("", description="the narration text the words come from")
    transition: TransitionKind = "crossfade"
    transition_s: float = Field(0.5, ge=0, description="overlap with the next scene")


class Logo(StrictModel):
    """A watermark laid over every frame, in a corner clear of the apps' own buttons."""

    path: Path
    position: Corner = "top-right"
    opacity: float = Field(0.8, gt=0, le=1)
    size: float = Field(0.15, gt=0, le=0.5, description="logo width / the frame's short side")


class Card(StrictModel):
    """A title card shown before the first scene (intro) or after the last (outro)."""

    text: str = Field("", max_length=200)
    background: str = Field("#101820", pattern=HEX_COLOUR)
    colour: str = Field("#ffffff", pattern=HEX_COLOUR, description="of the text")
    duration_s: float = Field(1.5, ge=0.5, le=5.0, description="on screen, fades included")


class Timeline(StrictModel):
    width: int = Field(gt=0, le=4096)
    height: int = Field(gt=0, le=4096)
    fps: int = Field(30, ge=1, le=60)
    title: str = ""
    language: str = "en"
    caption_style: CaptionStyle = "highlight"  # a preset id: common/domain/caption_styles.py
    scenes: list[TimelineScene] = Field(min_length=1)
    music_path: Path | None = None
    video_preset: str = "medium"
    crf: int = Field(20, ge=0, le=51)
    draft_sound: bool = Field(
        False,
        description="the same soundtrack, encoded fast and small (graph.sound.DRAFT_AAC)",
    )
    # Brand kit. Before rendering, common.media.cards.with_cards() turns the cards into scenes
    # of their own (and sets the fades): from then on starts(), captions and narration count
    # from the intro. The graph refuses a timeline whose cards were not turned into scenes.
    logo: Logo | None = None
    intro: Card | None = None
    outro: Card | None = None
    fade_in_s: float = Field(0.0, ge=0, le=5, description="the picture rises from black")
    fade_out_s: float = Field(0.0, ge=0, le=5, description="the picture sinks to black")

    def starts(self) -> list[float]:
        """Start time of each scene in the finished video, in seconds."""
        starts, t = [], 0.0
        for i, scene in enumerate(self.scenes):
            starts.append(t)
            overlap = scene.transition_s if i < len(self.scenes) - 1 else 0.0
            t += scene.duration_s - overlap
        return starts

    @property
    def duration_s(self) -> float:
        last = self.scenes[-1]
        return self.starts()[-1] + last.duration_s
