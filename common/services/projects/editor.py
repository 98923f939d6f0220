"""The story editor: change a written story one validated, versioned edit at a time.

Each edit is a pure function from the current Story to the next one (below), run by
`ProjectService.edit_story` in a transaction that checks the revision the editor read, bumps it
and writes the new story; an edit based on a stale revision is refused whole (409).

The whole story is validated after every change, so an edit can never leave behind a story the
pipeline cannot produce (a scene naming a character the style bible no longer has, two scenes
with one id, no scenes at all). Errors name the request's field where one is to blame
(`narration`, `order`, `characters`), else the story's (`story.scenes.2.characters`).

Nothing here starts a job: the next `generate` renders the edited story, and the content-hash
cache makes it regenerate only the assets whose inputs the edit changed.
"""

from __future__ import annotations

import re
from typing import Any

from common.domain.commands import (
    DeleteScene,
    InsertScene,
    ReorderScenes,
    UpdateListings,
    UpdateScene,
    UpdateStyle,
    parse,
)
from common.domain.errors import InvalidInputError, NotFoundError
from common.domain.listings import Listings, listings_from
from common.domain.pacing import (
    ESPEAK_RATES,
    MAX_SCENES,
    MAX_VIDEO_S,
    SpeakingRates,
    planned_length,
)
from common.domain.project import Project
from common.domain.story import Story, StyleBible
from common.services.projects.projects import ProjectService
from common.services.projects.uploads import UploadService

_NUMBERED = re.compile(r"^s(\d+)$")


class SceneNotFoundError(NotFoundError):
    """The story has no scene with this id."""

    code = "scene_not_found"


# -- edits: pure functions from one story to the next ----------------------------------------------


def validated(data: dict[str, Any]) -> Story:
    """`data` as a Story; a story that fails validation is an InvalidInputError whose fields are
    the story's own paths (`story.scenes.1.narration`)."""
    try:
        return parse(Story, data)
    except InvalidInputError as exc:
        fields = {
            "story" if name == "body" else f"story.{name}": msg for name, msg in exc.fields.items()
        }
        raise InvalidInputError(
            f"the edited story would not be valid: {exc.message}", fields
        ) from exc


def find_scene(story: Story, scene_id: str) -> int:
    """The index of scene `scene_id`; SceneNotFoundError if the story has none."""
    for index, scene in enumerate(story.scenes):
        if scene.id == scene_id:
            return index
    raise SceneNotFoundError(f"the story has no scene {scene_id}")


def _check_characters(story_style: StyleBible, names: list[str], field: str) -> None:
    """InvalidInputError naming `field` when a scene casts a character the style lacks."""
    known = {c.id for c in story_style.characters}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise InvalidInputError(
            f"{field}: the style bible has no {unknown}",
            {field: f"unknown character ids {unknown}: add them to the style first"},
        )


def update_scene(story: Story, scene_id: str, changes: dict[str, Any]) -> Story:
    """The story with the given fields of one scene replaced."""
    index = find_scene(story, scene_id)
    _check_characters(story.style, changes.get("characters", []), "characters")
    data = story.model_dump(mode="json")
    data["scenes"][index].update(changes)
    if data["scenes"][index].get("clip_source") == "upload" and not data["scenes"][index].get(
        "upload_id"
    ):
        raise InvalidInputError(
            "upload_id: required when clip_source is upload",
            {"upload_id": "required when clip_source is upload: upload an image or clip first"},
        )
    return validated(data)


def next_scene_id(story: Story) -> str:
    """A new scene id in the script writer's style (`s07` after `s06`), used by no scene."""
    taken = {scene.id for scene in story.scenes}
    numbers = [int(m.group(1)) for s in story.scenes if (m := _NUMBERED.match(s.id))]
    number = max(numbers, default=0) + 1
    while f"s{number:02d}" in taken:
        number += 1
    return f"s{number:02d}"


def insert_scene(story: Story, command: InsertScene) -> Story:
    """The story with a new scene at `command.index` (at the end when left out)."""
    scenes = story.scenes
    index = len(scenes) if command.index is None else command.index
    if index > len(scenes):
        raise InvalidInputError(
            f"index: the story has {len(scenes)} scenes",
            {"index": f"must be 0 to {len(scenes)} (the number of scenes)"},
        )
    if len(scenes) >= MAX_SCENES:
        raise InvalidInputError(
            f"a story has at most {MAX_SCENES} scenes", {"scene": f"at most {MAX_SCENES} scenes"}
        )
    new = command.scene.model_dump(mode="json")
    if new["id"] is None:
        new["id"] = next_scene_id(story)
    elif any(s.id == new["id"] for s in scenes):
        raise InvalidInputError(
            f"scene.id: {new['id']} is taken", {"scene.id": "another scene has this id"}
        )
    _check_characters(story.style, new["characters"], "scene.characters")
    data = story.model_dump(mode="json")
    data["scenes"].insert(index, new)
    return validated(data)


def delete_scene(story: Story, scene_id: str) -> Story:
    """The story without scene `scene_id`; the last scene cannot be deleted."""
    index = find_scene(story, scene_id)
    if len(story.scenes) == 1:
        raise InvalidInputError(
            "a story needs at least one scene",
            {"scene_id": "the only scene of the story cannot be deleted"},
        )
    data = story.model_dump(mode="json")
    del data["scenes"][index]
    return validated(data)


def reorder_scenes(story: Story, order: list[str]) -> Story:
    """The story's scenes in `order`, which must name every scene once."""
    ids = [scene.id for scene in story.scenes]
    missing = [i for i in ids if i not in order]
    unknown = [i for i in order if i not in ids]
    repeated = sorted({i for i in order if order.count(i) > 1})
    if missing or unknown or repeated:
        problems = []
        if missing:
            problems.append(f"missing {missing}")
        if unknown:
            problems.append(f"unknown {unknown}")
        if repeated:
            problems.append(f"repeated {repeated}")
        detail = "; ".join(problems)
        raise InvalidInputError(
            f"order must list every scene id once: {detail}",
            {"order": f"must list every scene id once: {detail}"},
        )
    by_id = {scene.id: scene for scene in story.scenes}
    data = story.model_dump(mode="json")
    data["scenes"] = [by_id[i].model_dump(mode="json") for i in order]
    return validated(data)


def update_style(story: Story, changes: dict[str, Any]) -> Story:
    """The story with the given fields of its style bible replaced (`characters` as a whole).

    A character that scenes still name cannot be removed: remove it from those scenes first.
    """
    style = parse(StyleBible, {**story.style.model_dump(mode="json"), **changes})
    known = {c.id for c in style.characters}
    using = {
        scene.id: gone
        for scene in story.scenes
        if (gone := [c for c in scene.characters if c not in known])
    }
    if using:
        detail = "; ".join(f"scene {sid} names {names}" for sid, names in using.items())
        raise InvalidInputError(
            f"characters: still in use: {detail}",
            {"characters": f"characters still in use ({detail}): remove them from the scenes"},
        )
    data = story.model_dump(mode="json")
    data["style"] = style.model_dump(mode="json")
    return validated(data)


def update_listings(story: Story, changes: dict[str, Any]) -> Story:
    """The story with the given fields of each platform's listing replaced. A story written
    before listings were starts from the ones its title and logline make."""
    current = story.listings or listings_from(story.title, story.logline)
    data = current.model_dump(mode="json")
    for platform, fields in changes.items():
        data[platform] = {**data[platform], **fields}
    return story.model_copy(update={"listings": parse(Listings, data)})


# -- the service ----------------------------------------------------------------------------------


def within_limits(story: Story, rates: SpeakingRates, field: str) -> Story:
    """`story` if it stays within what a create allows: at most MAX_SCENES scenes and
    MAX_VIDEO_S seconds of video at the narrator's rate; else InvalidInputError naming `field`
    (an edited story is counted and charged as the video it makes, so it may not outgrow one)."""
    if len(story.scenes) > MAX_SCENES:
        raise InvalidInputError(
            f"a story has at most {MAX_SCENES} scenes", {field: f"at most {MAX_SCENES} scenes"}
        )
    length = planned_length([s.narration for s in story.scenes], story.language, rates)
    if length > MAX_VIDEO_S:
        raise InvalidInputError(
            f"{field}: the story would run about {length:.0f} s; a video lasts at most "
            f"{MAX_VIDEO_S} s",
            {field: f"the story would run about {length:.0f} s, over {MAX_VIDEO_S} s"},
        )
    return story


class StoryEditor:
    """Edits the owner's project's story; every method returns the project as written (with
    its new `revision`, which the next edit must send). An edit that would make the story
    longer than a video may be is refused (`within_limits`), timed at `rates`, the speaking
    rates of the narrator that will read it."""

    def __init__(
        self,
        projects: ProjectService,
        uploads: UploadService | None = None,
        rates: SpeakingRates = ESPEAK_RATES,
    ) -> None:
        self._projects = projects
        self._uploads = uploads
        self._rates = rates

    def _check_upload(self, owner: str, project_id: str, upload: str, field: str) -> None:
        """A scene's upload must be an image or a clip of this project (InvalidInputError
        naming `field`)."""
        if not upload:
            return
        if self._uploads is None:
            raise InvalidInputError(f"{field}: uploads are not available", {field: "unavailable"})
        self._uploads.require(owner, project_id, upload, {"image", "clip"}, field)

    def update_scene(
        self, owner: str, project_id: str, scene_id: str, command: UpdateScene
    ) -> Project:
        """Change some fields of one scene (narration, visual prompt, on-screen text...)."""
        changes = command.given(exclude={"revision"})
        self._check_upload(owner, project_id, changes.get("upload_id", ""), "upload_id")
        field = "narration" if "narration" in changes else "story"
        return self._projects.edit_story(
            owner,
            project_id,
            command.revision,
            lambda s: within_limits(update_scene(s, scene_id, changes), self._rates, field),
        )

    def insert_scene(self, owner: str, project_id: str, command: InsertScene) -> Project:
        """Insert a new scene at `command.index` (the end when left out)."""
        upload = command.scene.model_dump().get("upload_id") or ""
        self._check_upload(owner, project_id, upload, "scene.upload_id")
        return self._projects.edit_story(
            owner,
            project_id,
            command.revision,
            lambda s: within_limits(insert_scene(s, command), self._rates, "scene.narration"),
        )

    def delete_scene(
        self, owner: str, project_id: str, scene_id: str, command: DeleteScene
    ) -> Project:
        """Delete one scene; the story keeps at least one."""
        return self._projects.edit_story(
            owner, project_id, command.revision, lambda s: delete_scene(s, scene_id)
        )

    def reorder_scenes(self, owner: str, project_id: str, command: ReorderScenes) -> Project:
        """Put the scenes in `command.order` (every scene id once)."""
        return self._projects.edit_story(
            owner, project_id, command.revision, lambda s: reorder_scenes(s, command.order)
        )

    def update_listings(self, owner: str, project_id: str, command: UpdateListings) -> Project:
        """Change what YouTube, TikTok and Instagram show with the video."""
        changes = command.given(exclude={"revision"})
        return self._projects.edit_story(
            owner, project_id, command.revision, lambda s: update_listings(s, changes)
        )

    def update_style(self, owner: str, project_id: str, command: UpdateStyle) -> Project:
        """Change the style bible: visual style, palette, lighting, characters."""
        changes = command.given(exclude={"revision"})
        return self._projects.edit_story(
            owner, project_id, command.revision, lambda s: update_style(s, changes)
        )
