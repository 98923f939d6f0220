"""The story: a title, a style bible that keeps every scene looking alike, and the scenes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from common.domain.base import StrictModel
from common.domain.listings import Listings
from common.domain.pacing import MAX_SCENES, ClipSeconds
from common.domain.text import UserMultiline, UserText

Beat = Literal["hook", "development", "turn", "resolution"]
Mood = Literal["calm", "hopeful", "tense", "joyful", "melancholy", "mysterious", "triumphant"]
SceneTransition = Literal["crossfade", "dip", "slide", "cut"]
SceneClipSource = Literal["ai", "kenburns", "upload"]

_HEX = r"^#[0-9a-fA-F]{6}$"


class Character(StrictModel):
    """A character with a fixed visual description reused verbatim in every image prompt."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    name: UserText = Field(min_length=1, max_length=80)
    role: UserText = Field("", max_length=80)
    description: UserText = Field(min_length=1, max_length=600)


class StyleBible(StrictModel):
    """What every image of one story shares: visual style, palette, light and characters."""

    visual_style: UserText = Field(min_length=1, max_length=300)
    palette: list[str] = Field(min_length=3, max_length=8)
    lighting: UserText = Field("", max_length=200)
    characters: list[Character] = Field(default_factory=list, max_length=6)

    @field_validator("palette")
    @classmethod
    def _hex_colours(cls, value: list[str]) -> list[str]:
        import re

        bad = [c for c in value if not re.match(_HEX, c)]
        if bad:
            raise ValueError(f"palette colours must be #rrggbb, got {bad}")
        return [c.lower() for c in value]


class Scene(StrictModel):
    """One scene: what is said, what is seen, and how long a clip it needs."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    beat: Beat
    narration: UserText = Field(min_length=1, max_length=1000)
    visual_prompt: UserText = Field(min_length=1, max_length=2000)
    on_screen_text: UserMultiline = Field("", max_length=120, description="lines kept")
    mood: Mood = "calm"
    setting: UserText = Field("", max_length=300)
    characters: list[str] = Field(default_factory=list, description="ids of characters in shot")
    clip_seconds: ClipSeconds = 6
    transition: SceneTransition | None = Field(None, description="transition into the next scene")
    clip_source: SceneClipSource = Field(
        "ai",
        description="ai: the video provider animates the keyframe; kenburns: motion over the "
        "keyframe, no provider call; upload: the uploaded image or clip `upload_id`",
    )
    upload_id: str = Field(
        "", pattern=r"^(|u[0-9a-f]{24})$", description="the upload shown when clip_source=upload"
    )
    picture_seed: int = Field(
        0,
        ge=0,
        le=2**31 - 1,
        description="another number paints another picture from the same prompt (0: the "
        "story's own)",
    )

    @model_validator(mode="after")
    def _upload_named(self) -> Scene:
        if self.clip_source == "upload" and not self.upload_id:
            raise ValueError("clip_source upload needs an upload_id")
        return self


class Story(StrictModel):
    """A written story ready for production."""

    title: UserText = Field(min_length=1, max_length=200)
    logline: UserText = Field("", max_length=500)
    language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
    style: StyleBible
    scenes: list[Scene] = Field(min_length=1, max_length=MAX_SCENES)
    listings: Listings | None = Field(
        None,
        description="what YouTube, TikTok and Instagram show with the video (title, description, "
        "hashtags), written with the story; None for a story written before listings were",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Story:
        ids = [s.id for s in self.scenes]
        if len(set(ids)) != len(ids):
            raise ValueError("scene ids must be unique")
        known = {c.id for c in self.style.characters}
        for scene in self.scenes:
            unknown = [c for c in scene.characters if c not in known]
            if unknown:
                raise ValueError(f"scene {scene.id} names unknown characters {unknown}")
        return self

    def scene(self, scene_id: str) -> Scene:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)
