"""Commands: what an entry point asks a service to do, validated before any I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic import ConfigDict, Field, ValidationError, create_model, field_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from common.domain.base import StrictModel
from common.domain.errors import InvalidInputError
from common.domain.job import JobKind
from common.domain.listings import Listing
from common.domain.pacing import MAX_SCENES
from common.domain.project import (
    MAX_PROMPT_CHARS,
    Aspect,
    ProjectSettings,
    Resolution,
)
from common.domain.story import Scene, StyleBible
from common.domain.strict_json import json_type_errors
from common.domain.text import UserMultiline, UserText

M = TypeVar("M", bound=StrictModel)


class CreateProject(StrictModel):
    prompt: UserMultiline = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    title: UserText = Field("", max_length=200)
    settings: ProjectSettings = Field(default_factory=ProjectSettings)
    template_id: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="start from this template's settings (GET /v1/templates); `settings` "
        "sent override them field by field",
    )


def _patch_schema(schema: dict[str, Any]) -> None:
    # In a patch, None only means "left out": advertise neither the None default nor null.
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)
        branches = [b for b in prop.get("anyOf", []) if b != {"type": "null"}]
        if len(branches) == 1:
            del prop["anyOf"]
            prop.update(branches[0])


class PatchModel(StrictModel):
    """Base of partial updates: a field left out keeps its value, and null is never a value.

    Every field is optional with a None default meaning "left out"; an explicit null is refused,
    so a field that was sent always holds a value of its type. `given()` returns what was sent.
    """

    model_config = ConfigDict(json_schema_extra=_patch_schema)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise PydanticCustomError("null", "must not be null (leave the field out instead)")
        return value

    def given(self, *, exclude: set[str] | None = None) -> dict[str, Any]:
        """The fields that were sent, as JSON values (of a nested patch, only what was sent)."""
        return self.model_dump(mode="json", exclude_unset=True, exclude=exclude)


def _partial(
    model: type[StrictModel],
    name: str,
    doc: str,
    *,
    base: type[PatchModel] = PatchModel,
    only: tuple[str, ...] | None = None,
) -> type[PatchModel]:
    """`model` as a patch: every field optional (left out = unchanged), every constraint kept.

    `only` limits the patch to some of the model's fields; `base` may add fields of its own.
    """
    fields: dict[str, Any] = {}
    for field, info in model.model_fields.items():
        if only is not None and field not in only:
            continue
        optional = FieldInfo.merge_field_infos(info, default=None)
        optional.default_factory = None  # a list's factory would replace "left out" with []
        fields[field] = (cast(Any, info.annotation) | None, optional)
    return create_model(name, __base__=base, __doc__=doc, **fields)


if TYPE_CHECKING:
    ProjectSettingsPatch = PatchModel  # a class built at run time is no type to mypy
else:
    # Derived from ProjectSettings so the two cannot drift apart.
    ProjectSettingsPatch = _partial(
        ProjectSettings,
        "ProjectSettingsPatch",
        "Some project settings: those sent replace the project's, the others stay as they are.",
    )


class UpdateProject(PatchModel):
    """A partial update of a project (PATCH): what is sent changes, what is left out stays.

    `revision` is the revision the edit is based on; when given and the project has moved on
    since, the update is refused (409) so two editors cannot silently overwrite each other.
    """

    prompt: UserMultiline | None = Field(None, min_length=1, max_length=MAX_PROMPT_CHARS)
    title: UserText | None = Field(None, max_length=200)
    settings: ProjectSettingsPatch | None = None
    revision: int | None = Field(None, ge=0, description="the revision this edit is based on")


# -- the story editor ---------------------------------------------------------------------------

REVISION_DOC = "the project revision this edit is based on (409 stale_revision if it moved on)"
EDITABLE_SCENE_FIELDS = (
    "narration",
    "visual_prompt",
    "on_screen_text",
    "mood",
    "setting",
    "characters",
    "clip_seconds",
    "transition",
    "clip_source",
    "upload_id",
    "picture_seed",
)


class StoryPatch(PatchModel):
    """Base of the editor's partial updates: what is sent changes, and `revision` is required.

    Unlike a project PATCH, an edit of the story must say which revision it was made on: two
    tabs editing one story must not silently overwrite each other's work. Text is cleaned as a
    project's prompt is (NFC, no control characters): the fields' own types (common/domain/text.py)
    carry over from Scene and StyleBible.
    """

    revision: int = Field(ge=0, description=REVISION_DOC)


if TYPE_CHECKING:
    UpdateScene = StoryPatch
    UpdateStyle = StoryPatch
else:
    # Derived from Scene and StyleBible so an edit is held to the story's own constraints.
    UpdateScene = _partial(
        Scene,
        "UpdateScene",
        "A change to one scene: the fields sent replace the scene's, the others stay.",
        base=StoryPatch,
        only=EDITABLE_SCENE_FIELDS,
    )
    UpdateStyle = _partial(
        StyleBible,
        "UpdateStyle",
        "A change to the style bible: the fields sent replace its own (`characters` as a "
        "whole list), the others stay. Changing it repaints every scene that depends on it.",
        base=StoryPatch,
    )


class CleanText(StrictModel):
    """Base of commands built from story models: their text fields are UserText already."""


def _with_defaults(
    model: type[StrictModel], name: str, doc: str, defaults: dict[str, Any]
) -> type[CleanText]:
    """`model` with some required fields given defaults (None makes a field optional)."""
    fields: dict[str, Any] = {}
    for field, info in model.model_fields.items():
        annotation = cast(Any, info.annotation)
        if field in defaults:
            default = defaults[field]
            info = FieldInfo.merge_field_infos(info, default=default)
            annotation = annotation | None if default is None else annotation
        fields[field] = (annotation, info)
    return create_model(name, __base__=CleanText, __doc__=doc, **fields)


if TYPE_CHECKING:
    NewScene = CleanText
else:
    NewScene = _with_defaults(
        Scene,
        "NewScene",
        "A scene to insert: as a written scene, but `id` is made up when left out and `beat` "
        "defaults to development.",
        {"id": None, "beat": "development"},
    )


class InsertScene(StrictModel):
    """Insert a new scene at `index` (0 = first; left out = after the last)."""

    revision: int = Field(ge=0, description=REVISION_DOC)
    index: int | None = Field(None, ge=0, description="where the scene goes; left out: the end")
    scene: NewScene


class DeleteScene(StrictModel):
    """Delete a scene (the revision comes as a query parameter: a DELETE has no body)."""

    revision: int = Field(ge=0, description=REVISION_DOC)


class ReorderScenes(StrictModel):
    """The story's scenes in a new order: every scene id, once each."""

    revision: int = Field(ge=0, description=REVISION_DOC)
    order: list[str] = Field(min_length=1, max_length=MAX_SCENES)


if TYPE_CHECKING:
    ListingPatch = PatchModel
else:
    # Derived from Listing so an edit is held to a listing's own limits.
    ListingPatch = _partial(
        Listing,
        "ListingPatch",
        "A change to one platform's listing: the fields sent replace its own.",
    )


class UpdateListings(StoryPatch):
    """A change to what the platforms show with the video: each platform sent is changed field
    by field (`hashtags` as a whole list), the others stay. Posts not yet uploaded use it."""

    youtube: ListingPatch | None = None
    tiktok: ListingPatch | None = None
    instagram: ListingPatch | None = None


# -- jobs ------------------------------------------------------------------------------------------


class StartExport(StrictModel):
    """The story rendered at another aspect or resolution; left out = the project's."""

    aspect: Aspect | None = None
    resolution: Resolution | None = None


class StartStoryboard(StrictModel):
    """Paint the references and one keyframe per scene (writing the script first if there is
    none), without clips or assembly; `narration` voices each scene too."""

    narration: bool = Field(False, description="narrate every scene as well")


class WriteScript(StrictModel):
    """Write the project's story, or write it anew: a project that has one gets another
    (from `seed`, or the next seed after the project's)."""

    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="the seed to write from")


class StartJob(StrictModel):
    project_id: str = Field(min_length=1, max_length=64)
    kind: JobKind = "generate"
    aspect: Aspect | None = Field(None, description="exports: the aspect to render at")
    resolution: Resolution | None = Field(None, description="exports: the resolution")
    narration: bool = Field(False, description="storyboards: narrate every scene as well")


class StepCommand(StrictModel):
    """The payload of every pipeline task: ids only, never media."""

    job_id: str = Field(min_length=1, max_length=64)
    scene_id: str | None = Field(None, max_length=40)
    poll: int = Field(0, ge=0, description="how many times a long-running clip was polled")


def parse(model: type[M], data: Any) -> M:
    """Validate `data` as `model`, turning pydantic's errors into one InvalidInputError whose
    `fields` name each bad field (dotted) and whose message leads with the first of them."""
    mistyped = json_type_errors(model, data)  # what lax validation would convert
    if mistyped:
        name = next(iter(mistyped))
        raise InvalidInputError(f"{name}: {mistyped[name]}", fields=mistyped)
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
