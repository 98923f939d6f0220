"""Templates: the project settings a kind of video starts from.

A template is a named set of project settings (`settings`, a partial ProjectSettings: length,
aspect, voice, visual style, caption style, transition, music, and the story format, see
common/domain/formats.py); a project or a series created from one takes them as defaults, and
what the request sends overrides them. Built-in templates (common/domain/builtin_templates.json)
are read-only and listed first; users save their own, e.g. from a project's settings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, field_serializer

from common.domain.base import StrictModel
from common.domain.commands import ProjectSettingsPatch
from common.domain.formats import FormatPart, Pacing, StoryFormat
from common.domain.text import UserText

__all__ = [
    "CreateTemplate",
    "FormatPart",
    "Pacing",
    "StoryFormat",
    "Template",
    "TemplateList",
    "UpdateTemplate",
]


class Template(StrictModel):
    """A named set of project settings to start from (see the module doc)."""

    id: str
    owner: str | None = Field(None, description="None for a built-in template")
    builtin: bool = False
    name: UserText = Field(min_length=1, max_length=80)
    description: UserText = Field("", max_length=500)
    settings: ProjectSettingsPatch = Field(
        default_factory=ProjectSettingsPatch,
        description="the project settings it starts from (any of ProjectSettings' fields)",
    )
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @field_serializer("settings")
    def _only_given(self, value: ProjectSettingsPatch) -> dict[str, Any]:
        return value.given()


class CreateTemplate(StrictModel):
    """A template of the caller's own: `settings` given, or copied from the settings of the
    caller's project `project_id` (then `settings` overrides them)."""

    name: UserText = Field(min_length=1, max_length=80)
    description: UserText = Field("", max_length=500)
    settings: ProjectSettingsPatch = Field(default_factory=ProjectSettingsPatch)
    project_id: str | None = Field(None, min_length=1, max_length=64)


class UpdateTemplate(StrictModel):
    """A change to one of the caller's templates: a name or description sent replaces the
    template's; `settings` sent merge field by field into its settings."""

    name: UserText | None = Field(None, min_length=1, max_length=80)
    description: UserText | None = Field(None, max_length=500)
    settings: ProjectSettingsPatch | None = None


class TemplateList(StrictModel):
    """`GET /v1/templates`: built-ins first, then the caller's own, newest first."""

    templates: list[Template]
