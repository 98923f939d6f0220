"""Story formats: how a kind of short is told and how it looks.

A *format* says how a kind of short is told, the way faceless channels repeat one recipe: how it
hooks the viewer, its parts in order (each a story beat with a purpose and a share of the
running time), its pacing, tone, narration voice and ending, and the look of its pictures
(palette, lighting). It travels with the project's settings (`ProjectSettings.format`) into the
`ScriptRequest`, so every writer follows it: the Gemini writer puts it in its prompt and schema,
the offline writer plans its scenes part by part. Templates (common/domain/templates.py) carry
a format among the settings they start a project with.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from common.domain.base import StrictModel
from common.domain.pacing import ClipSeconds
from common.domain.story import Beat
from common.domain.text import UserText

Pacing = Literal["slow", "steady", "brisk"]
# The clip length a scene of each pacing prefers when its narration allows (4, 6 or 8 s).
PACING_CLIP_S: dict[str, ClipSeconds] = {"slow": 8, "steady": 6, "brisk": 4}

_SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class FormatPart(StrictModel):
    """One part of a format's structure, in telling order."""

    name: str = Field(pattern=_SLUG, description="a short slug, e.g. 'hook', 'the-twist'")
    beat: Beat = Field(description="the story beat this part plays (scenes get it as `beat`)")
    purpose: UserText = Field(min_length=1, max_length=300, description="what the part must do")
    share: float = Field(
        gt=0, le=1, description="about how much of the running time it takes (shares sum to 1)"
    )


class StoryFormat(StrictModel):
    """How a kind of short is told and how it looks (see the module doc).

    Writers read: `hook` (the first seconds), `parts` (scenes are planned part by part: a part
    gets about `share` of the scenes, at least one, in order, each scene's `beat` the part's),
    `pacing` (`preferred_clip_s`: brisk scenes are short, slow ones long), `tone`, `narration`
    (person and tense), `ending` (the last line's job) and the look: `palette` and `lighting`
    go into the style bible when given.
    """

    id: str = Field(pattern=_SLUG, description="the format's slug, e.g. 'scary-story'")
    name: UserText = Field(min_length=1, max_length=80)
    hook: UserText = Field(min_length=1, max_length=300, description="how the first seconds grab")
    parts: list[FormatPart] = Field(min_length=2, max_length=8)
    pacing: Pacing = "steady"
    tone: UserText = Field("", max_length=200)
    narration: UserText = Field("", max_length=200, description="person and tense of the voice")
    ending: UserText = Field("", max_length=200, description="how it ends, e.g. a call to follow")
    palette: list[str] = Field(default_factory=list, max_length=8, description="#rrggbb colours")
    lighting: UserText = Field("", max_length=200)

    @field_validator("palette")
    @classmethod
    def _hex_colours(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not _HEX.match(c)]
        if bad:
            raise ValueError(f"palette colours must be #rrggbb, got {bad}")
        if value and len(value) < 3:
            raise ValueError("a palette has 3 to 8 colours (or none)")
        return [c.lower() for c in value]

    @model_validator(mode="after")
    def _well_formed(self) -> StoryFormat:
        names = [p.name for p in self.parts]
        if len(set(names)) != len(names):
            raise ValueError("part names must be unique")
        if abs(sum(p.share for p in self.parts) - 1.0) > 0.02:
            raise ValueError("part shares must sum to 1")
        if self.parts[0].beat != "hook" or self.parts[-1].beat != "resolution":
            raise ValueError("the first part is the hook and the last the resolution")
        return self

    @property
    def preferred_clip_s(self) -> ClipSeconds:
        return PACING_CLIP_S[self.pacing]

    def plan(self, scenes: int) -> list[FormatPart]:
        """The part each of `scenes` scenes belongs to, in order: every part gets at least one
        scene (when there are enough), the rest go by share (largest remainders first)."""
        if scenes <= 0:
            return []
        if scenes < len(self.parts):
            # Too few scenes for every part: keep the hook, the resolution, and the largest
            # middle parts, in order.
            middle = sorted(self.parts[1:-1], key=lambda p: -p.share)[: max(0, scenes - 2)]
            kept = [self.parts[0], *[p for p in self.parts[1:-1] if p in middle], self.parts[-1]]
            return kept[:scenes]
        spare = scenes - len(self.parts)
        exact = [p.share * spare for p in self.parts]
        counts = [1 + int(x) for x in exact]
        order = sorted(range(len(exact)), key=lambda i: -(exact[i] - int(exact[i])))
        for i in order[: scenes - sum(counts)]:
            counts[i] += 1
        return [part for part, n in zip(self.parts, counts, strict=True) for _ in range(n)]
