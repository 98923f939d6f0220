"""Projects: create, read, list, update, delete; always scoped to the owner."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from common.domain.commands import CreateProject, UpdateProject, parse
from common.domain.errors import ConflictError, InvalidInputError, NotFoundError
from common.domain.ownership import owned
from common.domain.paging import PageQuery
from common.domain.project import Project, ProjectSettings
from common.domain.providers import SettingsCheck, no_settings_check
from common.domain.story import Story
from common.ports import BlobStore, Clock, DocumentStore, Transaction
from common.services.paging import newest_first
from common.services.projects.languages import LanguageGate

COLLECTION = "projects"

# The settings a story is written from (what ScriptRequest carries besides the prompt).
SCRIPT_SETTINGS = ("duration_s", "language", "visual_style", "aspect", "seed", "format")


def new_id() -> str:
    return uuid.uuid4().hex[:20]


class NoStoryError(NotFoundError):
    """The project exists but its story has not been written (yet, or since its last change)."""

    code = "no_story"


class StaleRevisionError(ConflictError):
    """An edit based on a revision the project has moved on from."""

    code = "stale_revision"


class TemplateDefaults(Protocol):
    """Project settings started from a template (common/services/projects/templates.py)."""

    def defaults(
        self, owner: str, template_id: str, given: ProjectSettings, field: str = "template_id"
    ) -> ProjectSettings: ...


class ProjectService:
    def __init__(
        self,
        store: DocumentStore,
        clock: Clock,
        blobs: BlobStore | None = None,
        languages: LanguageGate | None = None,
        settings_check: SettingsCheck = no_settings_check,
        templates: TemplateDefaults | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._blobs = blobs  # where uploads live: a music_upload setting must name one
        # What the providers speak: a language they can't handle is refused before any spend.
        self.languages = languages
        # The chosen providers' view of the settings (the narrator's voices): checked when a
        # project is written, so what cannot work is a 400 now, not a failed job later.
        self._settings_check = settings_check
        self._templates = templates

    def check_settings(self, settings: ProjectSettings) -> None:
        """InvalidInputError naming the field when the chosen providers cannot make a video
        with these settings (e.g. a voice the narrator does not have)."""
        problems = self._settings_check(settings)
        if problems:
            raise InvalidInputError("; ".join(problems.values()), problems)

    def _check_music(self, owner: str, project_id: str | None, upload: str) -> None:
        """settings.music_upload must name a music upload of this project (InvalidInputError)."""
        field = "settings.music_upload"
        if not upload:
            return
        if project_id is None or self._blobs is None:
            message = "upload the track to the project first, then set it"
            raise InvalidInputError(f"{field}: {message}", {field: message})
        from common.services.projects.uploads import load_upload  # uploads build on projects

        self.get(owner, project_id)  # another owner's project is a 404, as ever
        try:
            found = load_upload(self._blobs, owner, project_id, upload)
        except NotFoundError:
            message = f"no upload {upload!r} in this project: upload the track first"
            raise InvalidInputError(f"{field}: {message}", {field: message}) from None
        if found.kind != "music":
            message = f"upload {upload} is a {found.kind}, not a music track"
            raise InvalidInputError(f"{field}: {message}", {field: message})

    def create(
        self,
        owner: str,
        command: CreateProject,
        *,
        project_id: str | None = None,
        avoid_topics: Sequence[str] = (),
    ) -> Project:
        """A new project. `project_id` makes the id deterministic (a series run's, so that
        starting the run again finds it: AlreadyExistsError); `avoid_topics` are passed to the
        script writer. With `template_id`, the template's settings are the defaults and the
        settings sent override them."""
        if command.template_id is not None:
            merged = self.from_template(owner, command.template_id, command.settings)
            command = command.model_copy(update={"settings": merged})
        self._check_music(owner, None, command.settings.music_upload)
        if self.languages is not None:
            self.languages.check_setting(command.settings.language, command.settings.voice)
        self.check_settings(command.settings)
        now = self._clock.now()
        project = Project(
            id=project_id or new_id(),
            owner=owner,
            prompt=command.prompt,
            title=command.title,
            settings=command.settings,
            avoid_topics=list(avoid_topics),
            created_at=now,
            updated_at=now,
        )
        self._store.create(COLLECTION, project.id, project.model_dump(mode="json"))
        return project

    def from_template(
        self, owner: str, template_id: str, given: ProjectSettings
    ) -> ProjectSettings:
        """The settings `given` sent, over the template's (InvalidInputError naming
        `template_id` when the owner has no such template)."""
        if self._templates is None:
            message = "templates are not available here"
            raise InvalidInputError(f"template_id: {message}", {"template_id": message})
        return self._templates.defaults(owner, template_id, given)

    def get(self, owner: str, project_id: str) -> Project:
        """The owner's project. Another owner's project is reported as missing, not forbidden,
        so that ids leak nothing."""
        return owned(self.load(project_id), owner, "project", project_id)

    def load(self, project_id: str) -> Project:
        """The project whoever owns it (for the pipeline, which acts for the owner)."""
        doc = self._store.get(COLLECTION, project_id)
        if doc is None:
            raise NotFoundError(f"project {project_id} not found")
        return Project.model_validate(doc.data)

    def list(self, owner: str, page: PageQuery | None = None) -> tuple[list[Project], str | None]:
        """One page of the owner's projects, newest first, and the next page's cursor."""
        docs, cursor = newest_first(
            lambda before, limit: self._store.query(
                COLLECTION,
                [("owner", "==", owner), ("created_at", "<=", before)],
                order_by="created_at",
                descending=True,
                limit=limit,
            ),
            page or PageQuery(),
        )
        return [Project.model_validate(d.data) for d in docs], cursor

    def story(self, owner: str, project_id: str) -> Story:
        """The owner's project's written story; NoStoryError until one is written."""
        story = self.get(owner, project_id).story
        if story is None:
            raise NoStoryError(f"project {project_id} has no story yet: generate writes one")
        return story

    def latest_job(self, tx: Transaction, project_id: str) -> str | None:
        """The id of the project's latest job, read in `tx` (reads come before writes)."""
        doc = tx.get(COLLECTION, project_id)
        if doc is None:
            raise NotFoundError(f"project {project_id} not found")
        latest = doc.data.get("last_job_id")
        return str(latest) if latest else None

    def set_latest_job(self, tx: Transaction, project_id: str, job_id: str) -> None:
        """Make `job_id` the project's latest job in `tx`. Neither the revision nor
        `updated_at` moves: starting a job is no edit of the project."""
        tx.update(COLLECTION, project_id, {"last_job_id": job_id})

    def update(self, owner: str, project_id: str, command: UpdateProject) -> Project:
        """Apply a partial update in a transaction and return the project as written.

        Fields left out keep their value; sent settings merge into the project's one by one.
        When `command.revision` is given and differs from the project's, StaleRevisionError and
        nothing is written. Any actual change bumps `revision`; a change of the prompt or of a
        setting the script is written from (SCRIPT_SETTINGS) also clears the story, so the next
        generate writes one for the new input. Other settings (voice, resolution, captions,
        music, transition) keep the story and its edits: the next generate re-makes only the
        assets they change. An update that changes nothing writes nothing.
        """
        sent = command.given().get("settings") or {}
        self._check_music(owner, project_id, sent.get("music_upload", ""))
        if self.languages is not None and ("language" in sent or "voice" in sent):
            current = self.get(owner, project_id).settings
            self.languages.check_setting(
                sent.get("language", current.language), sent.get("voice", current.voice)
            )

        def apply(tx: Transaction) -> Project:
            doc = tx.get(COLLECTION, project_id)
            found = None if doc is None else Project.model_validate(doc.data)
            current = owned(found, owner, "project", project_id)
            if command.revision is not None and command.revision != current.revision:
                raise StaleRevisionError(
                    f"project {project_id} is at revision {current.revision}, not "
                    f"{command.revision}: reload it and apply the change again"
                )
            data = current.model_dump(mode="json")
            given = command.given(exclude={"revision"})
            settings = {**data["settings"], **given.pop("settings", {})}
            updated = parse(Project, {**data, **given, "settings": settings})
            if updated == current:
                return current
            if updated.settings != current.settings:
                self.check_settings(updated.settings)
            new_input = updated.prompt != current.prompt or any(
                getattr(updated.settings, name) != getattr(current.settings, name)
                for name in SCRIPT_SETTINGS
            )
            updated.revision = current.revision + 1
            updated.updated_at = self._clock.now()
            if new_input:
                updated.story = None
            tx.set(COLLECTION, project_id, updated.model_dump(mode="json"))
            return updated

        return self._store.transaction(apply)

    def edit_story(
        self, owner: str, project_id: str, revision: int, change: Callable[[Story], Story]
    ) -> Project:
        """Replace the owner's project's story with `change(story)` in a transaction.

        `revision` is the revision the edit is based on: when the project has moved on since,
        StaleRevisionError and nothing is written. `change` returns the whole new (validated)
        Story, or raises to refuse the edit; it may run more than once, so it must not have
        side effects. A change bumps `revision`; an edit that changes nothing writes nothing.
        """

        def apply(tx: Transaction) -> Project:
            doc = tx.get(COLLECTION, project_id)
            found = None if doc is None else Project.model_validate(doc.data)
            current = owned(found, owner, "project", project_id)
            if current.story is None:
                raise NoStoryError(f"project {project_id} has no story yet: generate writes one")
            if revision != current.revision:
                raise StaleRevisionError(
                    f"project {project_id} is at revision {current.revision}, not {revision}: "
                    "reload it and apply the change again"
                )
            story = change(current.story)
            if story == current.story:
                return current
            updated = current.model_copy(
                update={
                    "story": story,
                    "revision": current.revision + 1,
                    "updated_at": self._clock.now(),
                }
            )
            tx.set(COLLECTION, project_id, updated.model_dump(mode="json"))
            return updated

        return self._store.transaction(apply)

    def delete(self, owner: str, project_id: str) -> None:
        """Delete the owner's project and everything uploaded to it.

        The uploads go first (manifests before the files they describe, so a manifest never
        outlives its file), the project document last: a crash midway leaves a project that
        is still there to be deleted again, and that delete finishes the job. A job still
        running is not stopped: its next step that needs the project or one of its uploads
        fails it, naming what is missing. The jobs' rendered outputs (``jobs/<id>/``) are
        kept: schedules may still point at them.

        An upload racing the delete is caught one way or the other: the uploads are swept again
        once the project is gone, and an upload checks its project again after writing (see
        UploadService.receive).
        """
        self.get(owner, project_id)
        self._delete_uploads(owner, project_id)
        self._store.delete(COLLECTION, project_id)
        self._delete_uploads(owner, project_id)

    def _delete_uploads(self, owner: str, project_id: str) -> None:
        if self._blobs is None:  # without a blob store there are no uploads to find
            return
        from common.services.projects.uploads import upload_prefix  # uploads build on projects

        keys = self._blobs.list(upload_prefix(owner, project_id))
        for key in sorted(keys, key=lambda k: not k.endswith(".json")):
            self._blobs.delete(key)

    def save_story(self, project_id: str, story: Story) -> Project:
        """Attach the written story; bumps the revision."""
        project = self.load(project_id)
        changes: dict[str, Any] = {
            "story": story.model_dump(mode="json"),
            "revision": project.revision + 1,
            "updated_at": self._clock.now().isoformat(),
        }
        if not project.title:
            changes["title"] = story.title
        self._store.update(COLLECTION, project_id, changes)
        return self.load(project_id)
