"""Templates: the built-in gallery and the caller's own, and project settings started from one.

Built-ins come from common/domain/builtin_templates.json (read once per process), are the same
for everyone, read-only, and listed first; a user's own live in `templates/{id}`. A template's
settings are defaults: what a request sends overrides them field by field
(`TemplateService.defaults`), for a project (POST /v1/projects `template_id`) or a series.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common.domain.commands import ProjectSettingsPatch, parse
from common.domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from common.domain.project import ProjectSettings
from common.domain.templates import CreateTemplate, Template, UpdateTemplate
from common.ports import Clock, DocumentStore, Transaction
from common.services.projects.projects import new_id

COLLECTION = "templates"
GALLERY = Path(__file__).resolve().parents[2] / "domain" / "builtin_templates.json"


@functools.cache
def builtin_templates() -> tuple[Template, ...]:
    """The built-in gallery, in its file's order."""
    data = json.loads(GALLERY.read_text(encoding="utf-8"))
    return tuple(Template.model_validate({**t, "builtin": True}) for t in data["templates"])


class ReadOnlyTemplateError(PermissionDeniedError):
    """Built-in templates cannot be changed or deleted (save a copy as your own)."""

    code = "read_only"


class TemplateService:
    def __init__(
        self,
        store: DocumentStore,
        clock: Clock,
        project_settings: Callable[[str, str], ProjectSettings],
    ) -> None:
        self._store = store
        self._clock = clock
        # The settings of an owner's project (NotFoundError for another's): templates are
        # saved from projects, and projects are made from templates.
        self._project_settings = project_settings

    def list(self, owner: str) -> list[Template]:
        """Built-ins first, then the owner's own, newest first (equality filter only: no
        composite index needed)."""
        docs = self._store.query(COLLECTION, [("owner", "==", owner)])
        own = [Template.model_validate(d.data) for d in docs]
        own.sort(key=lambda t: t.created_at or self._clock.now(), reverse=True)
        return [*builtin_templates(), *own]

    def get(self, owner: str, template_id: str) -> Template:
        """A built-in, or one of the owner's (another owner's is NotFoundError)."""
        for template in builtin_templates():
            if template.id == template_id:
                return template
        doc = self._store.get(COLLECTION, template_id)
        if doc is None or doc.data.get("owner") != owner:
            raise NotFoundError(f"template {template_id} not found")
        return Template.model_validate(doc.data)

    def create(self, owner: str, command: CreateTemplate) -> Template:
        """A template of the owner's: `settings`, over the settings of `project_id` if given
        (the owner's project: another's is NotFoundError)."""
        settings = command.settings.given()
        if command.project_id is not None:
            # What the project has set (a patch takes no null: an unset format or budget is
            # left out, as the template leaves it unset).
            project = self._project_settings(owner, command.project_id)
            base = project.model_dump(mode="json", exclude_none=True)
            settings = {**base, **settings}
        now = self._clock.now()
        template = Template(
            id=new_id(),
            owner=owner,
            name=command.name,
            description=command.description,
            settings=parse(ProjectSettingsPatch, settings),
            created_at=now,
            updated_at=now,
        )
        self._store.create(COLLECTION, template.id, template.model_dump(mode="json"))
        return template

    def update(self, owner: str, template_id: str, command: UpdateTemplate) -> Template:
        """Rename, redescribe or change the settings of one of the owner's templates (sent
        settings merge into its own); a built-in is ReadOnlyTemplateError."""
        self._own(template_id)

        def apply(tx: Transaction) -> Template:
            doc = tx.get(COLLECTION, template_id)
            if doc is None or doc.data.get("owner") != owner:
                raise NotFoundError(f"template {template_id} not found")
            current = Template.model_validate(doc.data)
            data = current.model_dump(mode="json")
            given: dict[str, Any] = command.model_dump(mode="json", exclude_none=True)
            if command.settings is not None:
                given["settings"] = {**data["settings"], **command.settings.given()}
            updated = Template.model_validate({**data, **given, "updated_at": self._clock.now()})
            tx.set(COLLECTION, template_id, updated.model_dump(mode="json"))
            return updated

        return self._store.transaction(apply)

    def delete(self, owner: str, template_id: str) -> None:
        """Delete one of the owner's templates (projects made from it keep their settings);
        a built-in is ReadOnlyTemplateError."""
        self._own(template_id)
        doc = self._store.get(COLLECTION, template_id)
        if doc is None or doc.data.get("owner") != owner:
            raise NotFoundError(f"template {template_id} not found")
        self._store.delete(COLLECTION, template_id)

    def defaults(
        self, owner: str, template_id: str, given: ProjectSettings, field: str = "template_id"
    ) -> ProjectSettings:
        """`given` over the template's settings: the fields the request sent win, the
        template fills the rest, ProjectSettings' defaults what neither says. An unknown
        template is InvalidInputError naming `field`."""
        try:
            template = self.get(owner, template_id)
        except NotFoundError:
            message = f"no template {template_id!r}: GET /v1/templates lists them"
            raise InvalidInputError(f"{field}: {message}", {field: message}) from None
        sent = given.model_dump(mode="json", exclude_unset=True)
        return parse(ProjectSettings, {**template.settings.given(), **sent})

    def _own(self, template_id: str) -> None:
        if any(t.id == template_id for t in builtin_templates()):
            raise ReadOnlyTemplateError(
                f"template {template_id} is built in and read-only: save a copy of your own "
                "(POST /v1/templates)"
            )
