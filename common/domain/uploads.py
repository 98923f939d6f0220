"""Uploads: a creator's own image, clip or music track, stored with a project.

An upload's id is derived from its content (`u` + 24 hex digits of its SHA-256), so sending the
same file twice gives the same upload, and a scene that uses another file is another input:
the content-hash caches see the change, and only that scene is rendered again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.paging import NEXT_CURSOR

UploadKind = Literal["image", "clip", "music"]

UPLOAD_ID_PATTERN = r"^u[0-9a-f]{24}$"

# What each kind may be, by declared Content-Type (the content itself is checked too).
UPLOAD_TYPES: dict[str, UploadKind] = {
    "image/png": "image",
    "image/jpeg": "image",
    "image/webp": "image",
    "video/mp4": "clip",
    "video/quicktime": "clip",
    "video/webm": "clip",
    "audio/mpeg": "music",
    "audio/mp3": "music",
    "audio/wav": "music",
    "audio/x-wav": "music",
    "audio/wave": "music",
    "audio/mp4": "music",
    "audio/x-m4a": "music",
    "audio/m4a": "music",
    "audio/ogg": "music",
}


def upload_id(sha256_hex: str) -> str:
    return "u" + sha256_hex[:24]


class Upload(StrictModel):
    """A stored upload: where its bytes are, what they turned out to be."""

    id: str = Field(pattern=UPLOAD_ID_PATTERN)
    project_id: str
    kind: UploadKind
    mime: str = Field(description="the type the content was found to be")
    size_bytes: int = Field(gt=0)
    sha256: str
    key: str = Field(description="blob key of the file")
    poster_key: str | None = Field(
        None, description="blob key of a still for it: the image itself, or a clip's first frame"
    )
    duration_s: float | None = Field(None, description="clips and music")
    width: int | None = Field(None, description="images and clips")
    height: int | None = None
    filename: str = Field("", max_length=200)
    created_at: datetime


class UploadList(StrictModel):
    """One page of a project's uploads, newest first."""

    uploads: list[Upload]
    next_cursor: str | None = Field(None, description=NEXT_CURSOR)
