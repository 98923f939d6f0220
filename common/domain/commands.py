"""Commands: what an entry point asks a service to do, validated before any I/O."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import Field, ValidationError, field_validator

from common.domain.base import StrictModel
from common.domain.errors import InvalidInputError
from common.domain.project import MAX_PROMPT_CHARS, ProjectSettings, clean_text

M = TypeVar("M", bound=StrictModel)


class CreateProject(StrictModel):
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    title: str = Field("", max_length=200)
    settings: ProjectSettings = Field(default_factory=ProjectSettings)

    @field_validator("prompt", "title", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value


class StartJob(StrictModel):
    project_id: str = Field(min_length=1, max_length=64)
    kind: Literal["generate", "preview", "export"] = "generate"


class StepCommand(StrictModel):
    """The payload of every pipeline task: ids only, never media."""

    job_id: str = Field(min_length=1, max_length=64)
    scene_id: str | None = Field(None, max_length=40)
    poll: int = Field(0, ge=0, description="how many times a long-running clip was polled")


def parse(model: type[M], data: Any) -> M:
    """Validate `data` as `model`, turning pydantic's errors into one InvalidInputError whose
    `fields` name each bad field (dotted) and whose message leads with the first of them."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or "body"
            msg = err["msg"]
            if err["type"] == "missing":
                msg = "is required"
            elif err["type"] == "extra_forbidden":
                msg = "is not a known field"
            fields.setdefault(name, msg)
        first = next(iter(fields.items()))
        raise InvalidInputError(f"{first[0]}: {first[1]}", fields=fields) from exc
