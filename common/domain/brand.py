"""A project's brand kit: a watermark logo and title cards before and after the story."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.text import UserText
from common.domain.uploads import UPLOAD_ID_PATTERN

Corner = Literal["top-left", "top-right", "bottom-left", "bottom-right"]


class BrandLogo(StrictModel):
    """A watermark shown on every frame, in a corner clear of the apps' buttons."""

    upload: str = Field(pattern=UPLOAD_ID_PATTERN, description="an image uploaded to the project")
    position: Corner = "top-right"
    opacity: float = Field(0.8, ge=0.05, le=1.0)
    size: float = Field(0.15, ge=0.05, le=0.4, description="logo width / the frame's short side")


class BrandCard(StrictModel):
    """A title card before the first scene (intro) or after the last (outro), with a fade."""

    text: UserText = Field("", max_length=120, description="empty: the story's title on an intro")
    background: str | None = Field(
        None, pattern=r"^#[0-9a-fA-F]{6}$", description="#rrggbb; none: the story's palette"
    )
    duration_s: float = Field(1.5, ge=1.0, le=4.0, description="on screen, fades included")


class BrandKit(StrictModel):
    """Everything optional: an empty kit adds nothing to the video."""

    logo: BrandLogo | None = None
    intro: BrandCard | None = None
    outro: BrandCard | None = None
