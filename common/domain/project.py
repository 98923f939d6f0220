"""Projects and their settings: what the creator asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.brand import BrandKit
from common.domain.caption_styles import CaptionStyle as CaptionStyle  # re-exported
from common.domain.formats import StoryFormat
from common.domain.pacing import MAX_VIDEO_S, MIN_VIDEO_S
from common.domain.story import Story
from common.domain.text import UserMultiline, UserText
from common.domain.text import clean_text as clean_text  # re-exported: commands use it

Aspect = Literal["9:16", "16:9", "1:1"]
Resolution = Literal["720p", "1080p"]
# What a job may render at: a project's resolutions, 360p for quick previews, and 96p for a
# service whose settings ask for draft renders (STORYGENIUS_RENDER_PROFILE=draft).
RenderResolution = Literal["96p", "360p", "720p", "1080p"]
Transition = Literal["crossfade", "dip", "slide", "cut"]

MAX_PROMPT_CHARS = 2000

# Short side in pixels for each resolution; the long side follows from the aspect.
_SHORT_SIDE = {"96p": 96, "360p": 360, "720p": 720, "1080p": 1080}


def frame_size(aspect: str, resolution: str) -> tuple[int, int]:
    """Width and height in pixels of a video of this aspect and resolution (even numbers)."""
    short = _SHORT_SIDE[resolution]
    if aspect == "1:1":
        return short, short
    long = short * 16 // 9
    long -= long % 2
    return (short, long) if aspect == "9:16" else (long, short)


class ProjectSettings(StrictModel):
    """What the creator chose for a project. Defaults make a 30 s vertical short."""

    duration_s: int = Field(30, ge=MIN_VIDEO_S, le=MAX_VIDEO_S, description="target length")
    aspect: Aspect = "9:16"
    resolution: Resolution = "1080p"
    language: str = Field("auto", pattern=r"^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$")
    voice: UserText = Field(
        "default",
        min_length=1,
        max_length=80,
        # A narrator's voice id or name: letters, digits, spaces and _ . ' + - (never a path);
        # whether the narrator has it is checked when the project is written (bootstrap).
        pattern=r"^\w[\w '+-]*(\.[\w '+-]+)*$",
        description="'default' (the language's voice), or a voice id or name of the narrator",
    )
    visual_style: UserText = Field("storybook illustration", min_length=1, max_length=200)
    caption_style: CaptionStyle = Field(
        "highlight", description="a caption style preset's id (GET /v1/caption-styles)"
    )
    transition: Transition = "crossfade"
    music: bool = False
    music_upload: str = Field(
        "",
        pattern=r"^(|u[0-9a-f]{24})$",
        description="an uploaded music track's id, played instead of the music bed; '' for none",
    )
    seed: int = Field(0, ge=0, le=2**31 - 1)
    brand: BrandKit = Field(default_factory=BrandKit, description="logo and title cards")
    format: StoryFormat | None = Field(
        None, description="how the story is told (hook, parts, pacing, look); None: freely"
    )
    budget_usd: float | None = Field(
        None,
        ge=0,
        le=10_000,
        description="the most a video of this project may cost (USD, list prices): AI clips go "
        "to the scenes that matter most (the hook first), Ken Burns to the rest; None: no limit",
    )

    @property
    def size(self) -> tuple[int, int]:
        return frame_size(self.aspect, self.resolution)


class Project(StrictModel):
    """A creator's project: a prompt, its settings and, once written, its story."""

    id: str
    owner: str
    prompt: UserMultiline = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    title: UserText = Field("", max_length=200)
    settings: ProjectSettings = Field(default_factory=ProjectSettings)
    story: Story | None = None
    avoid_topics: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="topics and titles the story must not repeat (a series' earlier runs)",
    )
    revision: int = 0
    last_job_id: str | None = Field(
        None, description="the project's latest job; while it runs, no other job starts (409)"
    )
    created_at: datetime
    updated_at: datetime
