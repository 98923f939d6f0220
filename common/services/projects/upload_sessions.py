"""Large uploads: the client sends the file straight to storage, and it is checked when it lands.

Behind Cloud Functions a request body is capped at 32 MiB, so a clip of 200 MB cannot go
through `POST /v1/projects/{id}/uploads`. Instead:

1. `POST .../uploads:start` {content_type, size, filename} checks the type and the size against
   the kind's limit (before a byte is sent) and answers where to send the bytes: a Cloud
   Storage resumable upload session (the client PUTs chunks to it and can resume after a
   dropped connection; Cloud Storage holds it to exactly `size` bytes), or locally a signed
   `/media/incoming/...` link of the server. The bytes land under `incoming/<owner>/<project>/`.
2. `POST .../uploads:complete` {session_id} reads what landed and runs the same checks as a
   direct upload (the first bytes sniffed, clips and tracks probed, the limits), then stores
   it as the project's upload; what landed under `incoming/` is deleted either way. Content
   that fails a check is a 400 naming `body`, as for a direct upload.

A session's record (`incoming/.../<session>.json`) says what was announced; a session never
completed is swept with the rest of `incoming/` (a bucket lifecycle rule in the cloud).
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import Field

from common.config import Settings
from common.domain.base import StrictModel
from common.domain.errors import ConflictError, NotFoundError
from common.domain.uploads import Upload
from common.ports import BlobStore, Clock
from common.services.projects.media_links import MediaLinks
from common.services.projects.projects import ProjectService
from common.services.projects.uploads import UploadService, UploadTooLargeError, kind_of

SESSION_TTL = timedelta(hours=24)
SESSION_ID = r"^s[0-9a-f]{24}$"


class StartUpload(StrictModel):
    content_type: str = Field(max_length=100, description="the file's type, as for an upload")
    size: int = Field(gt=0, description="the file's size in bytes, exactly")
    filename: str = Field("", max_length=200, description="the file's name, kept for display")


class CompleteUpload(StrictModel):
    session_id: str = Field(pattern=SESSION_ID)


class UploadSession(StrictModel):
    """Where to send a large upload's bytes, and the id to complete it with."""

    session_id: str = Field(pattern=SESSION_ID)
    upload_url: str = Field(description="PUT the file's bytes here (chunks with Content-Range)")
    method: str = "PUT"
    content_type: str
    size: int
    filename: str = ""
    expires_at: datetime


class NothingUploadedError(ConflictError):
    """Complete was asked before the bytes arrived (whole)."""

    code = "upload_incomplete"


def incoming_prefix(owner: str, project_id: str) -> str:
    return f"incoming/{owner}/{project_id}/"


class UploadSessions:
    def __init__(
        self,
        settings: Settings,
        projects: ProjectService,
        uploads: UploadService,
        blobs: BlobStore,
        links: MediaLinks,
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._projects = projects
        self._uploads = uploads
        self._blobs = blobs
        self._links = links
        self._clock = clock

    def start(self, owner: str, project_id: str, command: StartUpload) -> UploadSession:
        """A place to send the announced file to; 400 for a type we do not take, 413 for a
        size over its kind's limit, 404 for another owner's project."""
        self._projects.get(owner, project_id)
        kind = kind_of(command.content_type, "content_type")
        limit = self._uploads.limit(kind)
        if command.size > limit:
            raise UploadTooLargeError(kind, limit)
        session_id = "s" + secrets.token_hex(12)
        key = incoming_prefix(owner, project_id) + session_id
        expires_at = self._clock.now() + SESSION_TTL
        url = self._links.upload_url(
            key, command.content_type, command.size, int(expires_at.timestamp())
        )
        session = UploadSession(
            session_id=session_id,
            upload_url=url,
            content_type=command.content_type,
            size=command.size,
            filename=command.filename,
            expires_at=expires_at,
        )
        # The record keeps what was announced, not the link (in the cloud, a credential).
        record = session.model_copy(update={"upload_url": ""}).model_dump_json().encode()
        self._blobs.put(f"{key}.json", record, "application/json")
        return session

    def complete(self, owner: str, project_id: str, command: CompleteUpload) -> Upload:
        """Check what landed for the session and store it as the project's upload."""
        self._projects.get(owner, project_id)
        key = incoming_prefix(owner, project_id) + command.session_id
        try:
            record = self._blobs.get(f"{key}.json")
        except NotFoundError:
            raise NotFoundError(f"no upload session {command.session_id}") from None
        session = UploadSession.model_validate_json(record)
        with tempfile.TemporaryDirectory(prefix="storygenius-incoming-") as tmp:
            path = Path(tmp) / "body"
            try:
                self._blobs.download(key, path)
            except NotFoundError:
                raise NothingUploadedError(
                    f"nothing has arrived for session {command.session_id} yet: send the bytes "
                    "to its upload_url first"
                ) from None
            if path.stat().st_size != session.size:
                raise NothingUploadedError(
                    f"{path.stat().st_size} of the {session.size} bytes announced arrived"
                )
            try:
                with path.open("rb") as body:
                    return self._uploads.receive(
                        owner,
                        project_id,
                        body,
                        content_type=session.content_type,
                        content_length=session.size,
                        filename=session.filename,
                    )
            finally:
                self._blobs.delete(key)
                self._blobs.delete(f"{key}.json")
