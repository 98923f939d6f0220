"""Uploads: a creator's own image, clip or music track for a project."""

from __future__ import annotations

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.paging import PageQuery
from common.domain.uploads import UPLOAD_TYPES, Upload, UploadList
from common.services.projects.upload_sessions import CompleteUpload, StartUpload, UploadSession
from functions.http import Response, json_response
from functions.routing import Call, dump, route


class UploadQuery(StrictModel):
    filename: str = Field("", max_length=200, description="the file's name, kept for display")


@route(
    "POST",
    "/v1/projects/{project_id}/uploads",
    raw_body=tuple(UPLOAD_TYPES),
    query=UploadQuery,
    response=Upload,
    status=201,
)
def create_upload(call: Call[None, UploadQuery]) -> Response:
    """Upload an image, a clip or a music track to a project: the body is the file's bytes.

    Send the file itself as the body (not multipart), with its type as `Content-Type`:
    `image/png`, `image/jpeg` or `image/webp` (up to 20 MB); `video/mp4`, `video/quicktime` or
    `video/webm` (up to 200 MB and 120 s); `audio/mpeg`, `audio/wav`, `audio/mp4` (m4a) or
    `audio/ogg` (up to 30 MB and 15 min). Limits are settings
    (`STORYGENIUS_UPLOAD_MAX_*`). The content is checked, not the name or the header: its first
    bytes must be one of those formats and the kind the header names; clips and tracks are
    probed for their streams and length. A wrong type or unreadable content is a 400 naming
    `Content-Type` or `body`; a body over the limit a 413 naming `body`.

    The answer's `id` is what a scene (`clip_source: upload`, `upload_id`) or the project's
    `settings.music_upload` names. The id follows from the content: the same file sent twice
    is the same upload. Behind Cloud Functions a request body is limited to 32 MiB whatever
    the setting: send larger files with `uploads:start` and `uploads:complete`.
    """
    request = call.request
    upload = call.svc.uploads.receive(
        call.owner,
        call.params["project_id"],
        request.stream,
        content_type=request.headers.get("Content-Type", ""),
        content_length=request.content_length,
        filename=call.query.filename,
    )
    return json_response(dump(upload), 201)


@route(
    "POST",
    "/v1/projects/{project_id}/uploads:start",
    body=StartUpload,
    response=UploadSession,
    status=201,
)
def start_upload(call: Call[StartUpload, None]) -> Response:
    """Start a large upload: send the file's bytes straight to storage, then complete it.

    For files over 32 MiB (Cloud Functions refuses larger request bodies), or any file. Send
    the file's `content_type` and exact `size`: a type not accepted is a 400 naming
    `content_type`, a size over the kind's limit a 413, before a byte is sent. Then PUT the
    bytes to `upload_url` (in the cloud a Cloud Storage resumable session: chunks with
    `Content-Range`, and `Content-Range: bytes */SIZE` asks how much arrived after a dropped
    connection), and `POST .../uploads:complete` with the `session_id`.
    """
    session = call.svc.upload_sessions.start(call.owner, call.params["project_id"], call.body)
    return json_response(dump(session), 201)


@route(
    "POST",
    "/v1/projects/{project_id}/uploads:complete",
    body=CompleteUpload,
    response=Upload,
    status=201,
    errors=(409,),
)
def complete_upload(call: Call[CompleteUpload, None]) -> Response:
    """Finish a large upload: what arrived is checked like a direct upload (content sniffed,
    clips and tracks probed, limits) and becomes the project's upload.

    409 `upload_incomplete` while the bytes have not all arrived (send the rest, then ask
    again); 400 naming `body` when the content is not what its type said.
    """
    project_id = call.params["project_id"]
    upload = call.svc.upload_sessions.complete(call.owner, project_id, call.body)
    return json_response(dump(upload), 201)


@route("GET", "/v1/projects/{project_id}/uploads", query=PageQuery, response=UploadList)
def list_uploads(call: Call[None, PageQuery]) -> Response:
    """The project's uploads, newest first, a page at a time."""
    uploads, cursor = call.svc.uploads.list(call.owner, call.params["project_id"], call.query)
    return json_response(dump(UploadList(uploads=uploads, next_cursor=cursor)))


@route("GET", "/v1/projects/{project_id}/uploads/{upload_id}", response=Upload)
def get_upload(call: Call[None, None]) -> Response:
    """One of the project's uploads."""
    upload = call.svc.uploads.get(call.owner, call.params["project_id"], call.params["upload_id"])
    return json_response(dump(upload))
