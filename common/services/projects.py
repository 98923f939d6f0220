"""Projects: create, read, list, delete; always scoped to the owner."""

from __future__ import annotations

import uuid
from typing import Any

from common.domain.commands import CreateProject
from common.domain.errors import NotFoundError
from common.domain.project import Project
from common.domain.story import Story
from common.ports import Clock, DocumentStore

COLLECTION = "projects"


def new_id() -> str:
    return uuid.uuid4().hex[:20]


class ProjectService:
    def __init__(self, store: DocumentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def create(self, owner: str, command: CreateProject) -> Project:
        now = self._clock.now()
        project = Project(
            id=new_id(),
            owner=owner,
            prompt=command.prompt,
            title=command.title,
            settings=command.settings,
            created_at=now,
            updated_at=now,
        )
        self._store.create(COLLECTION, project.id, project.model_dump(mode="json"))
        return project

    def get(self, owner: str, project_id: str) -> Project:
        """The owner's project. Another owner's project is reported as missing, not forbidden,
        so that ids leak nothing."""
        project = self.load(project_id)
        if project.owner != owner:
            raise NotFoundError(f"project {project_id} not found")
        return project

    def load(self, project_id: str) -> Project:
        """The project whoever owns it (for the pipeline, which acts for the owner)."""
        doc = self._store.get(COLLECTION, project_id)
        if doc is None:
            raise NotFoundError(f"project {project_id} not found")
        return Project.model_validate(doc.data)

    def list(self, owner: str, limit: int = 50) -> list[Project]:
        docs = self._store.query(
            COLLECTION,
            [("owner", "==", owner)],
            order_by="created_at",
            descending=True,
            limit=limit,
        )
        return [Project.model_validate(d.data) for d in docs]

    def delete(self, owner: str, project_id: str) -> None:
        self.get(owner, project_id)
        self._store.delete(COLLECTION, project_id)

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
