"""What providers are asked for and what they return: scripts, images, clips, narration.

These are values, not I/O: adapters build them, services store them, media code reads them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from common.domain.base import StrictModel
from common.domain.formats import StoryFormat
from common.domain.story import Character, Mood

# Who made a clip: a video provider's own name for its clips ("veo", "offline"), "kenburns"
# (motion over the keyframe instead of a provider's clip) or "uploaded" (the creator's). Open to
# any provider's name, so adding a video provider changes nothing here.
ClipSource = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]


class ScriptRequest(StrictModel):
    prompt: str
    duration_s: int
    language: str = "auto"
    visual_style: str = "storybook illustration"
    aspect: str = "9:16"
    seed: int = 0
    avoid_topics: list[str] = Field(
        default_factory=list,
        description="topics and titles already told (a series' earlier runs): tell another",
    )
    format: StoryFormat | None = Field(
        None, description="the format to follow (common/domain/formats.py); None: freely"
    )


class WordTiming(StrictModel):
    """One spoken word and when it is heard, in seconds from the start of its audio."""

    text: str = Field(min_length=1)
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)


class NarrationRequest(StrictModel):
    text: str = Field(min_length=1)
    language: str = "en"
    voice: str = "default"
    previous_text: str = ""
    next_text: str = ""
    seed: int = 0


class Narration(BaseModel):
    """Spoken audio with word timings. `audio` is a complete file of type `mime`."""

    model_config = ConfigDict(extra="forbid")

    audio: bytes = Field(repr=False)
    mime: str = "audio/wav"
    duration_s: float = Field(gt=0)
    words: list[WordTiming]


class ImageRequest(BaseModel):
    """An image to generate. `references` are images (bytes) the result must stay consistent with.

    The hints (palette, mood, setting, characters) repeat what the prompt says in a structured
    form: a language model reads the prompt, the offline painter reads the hints.
    """

    model_config = ConfigDict(extra="forbid")

    kind: Literal["reference", "keyframe"]
    prompt: str = Field(min_length=1)
    width: int = Field(gt=0, le=4096)
    height: int = Field(gt=0, le=4096)
    aspect: str = "9:16"
    seed: int = 0
    palette: list[str] = Field(default_factory=list)
    mood: Mood = "calm"
    setting: str = ""
    characters: list[Character] = Field(default_factory=list)
    references: list[bytes] = Field(default_factory=list, repr=False)

    def fingerprint(self) -> dict[str, object]:
        """The request as JSON-able values, references replaced by their hashes (for caching)."""
        data = self.model_dump(mode="json", exclude={"references"})
        data["references"] = [hashlib.sha256(r).hexdigest() for r in self.references]
        return data


class GeneratedImage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: bytes = Field(repr=False)
    mime: str = "image/png"


class Motion(StrictModel):
    """Ken Burns motion over a still: the visible window moves from `start` to `end`.

    A window is (center x, center y, zoom) in the image's own coordinates: x and y in [0, 1], zoom
    >= 1 where 1 shows the whole frame (after cover-fitting the still to the output aspect).
    """

    start: tuple[float, float, float] = (0.5, 0.5, 1.0)
    end: tuple[float, float, float] = (0.5, 0.5, 1.12)
    easing: Literal["linear", "ease_in_out"] = "ease_in_out"


class ClipRequest(StrictModel):
    """Image-to-video for one scene: animate `image_key` (a blob) for `duration_s` seconds."""

    prompt: str
    image_key: str
    image_uri: str = ""
    aspect: str = "9:16"
    resolution: str = "1080p"
    duration_s: Literal[4, 6, 8] = 6
    seed: int = 0
    negative_prompt: str = ""
    mood: Mood = "calm"
    output_prefix: str = ""


class ClipResult(StrictModel):
    """A finished clip: a video file in blob storage, or a motion spec over the keyframe."""

    source: ClipSource
    kind: Literal["file", "motion"]
    key: str | None = None
    motion: Motion | None = None


class ClipOperation(StrictModel):
    """A long-running clip generation. `done` with neither result nor error cannot happen."""

    name: str
    done: bool = False
    result: ClipResult | None = None
    error: str | None = None
    filtered: bool = Field(False, description="refused by the provider's safety filter")


def content_hash(*parts: object) -> str:
    """A stable hash of JSON-able parts (provider, model, prompt, seed, reference hashes...)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:32]
