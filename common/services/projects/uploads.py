"""Uploads: a creator's own image, clip or music track, checked and stored with a project.

The body is streamed to a temporary file in chunks (never held in memory, and cut off as soon as
it passes the limit), hashed on the way, then judged by its content: the magic bytes say what
the file is (common/media/sources/sniff.py), whatever its Content-Type claims, and clips and
tracks are probed with ffmpeg in a bounded child process (common/media/sources/probe.py) for
their streams and duration. Only then is it streamed to the blob store, under the owner's project:

    uploads/<owner>/<project>/<upload id>.<ext>          the file
    uploads/<owner>/<project>/<upload id>.poster.png     a clip's first frame
    uploads/<owner>/<project>/<upload id>.json           the manifest, written last

The id comes from the content's hash, so the same file sent twice is one upload, and a manifest
that exists means the file is there too (blob writes are atomic).
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from pathlib import Path
from typing import IO, NoReturn

from common.config import Settings
from common.domain.errors import (
    InvalidInputError,
    MediaError,
    NotFoundError,
    PayloadTooLargeError,
)
from common.domain.paging import PageQuery, page_of
from common.domain.uploads import (
    UPLOAD_ID_PATTERN,
    UPLOAD_TYPES,
    Upload,
    UploadKind,
    upload_id,
)
from common.ports import BlobStore, Clock
from common.services.projects.projects import ProjectService

log = logging.getLogger(__name__)

CHUNK = 1 << 20
MIN_MEDIA_S = 0.1
MAX_CLIP_SIDE = 4096
_EXT = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
}
_CLIP_CONTAINERS = {"mp4", "mov", "webm"}
_MUSIC_CONTAINERS = {"mp3", "wav", "ogg", "mp4", "mov"}
_ACCEPTED = "png, jpeg or webp images; mp4, mov or webm clips; mp3, wav, m4a or ogg music"


class UploadTooLargeError(PayloadTooLargeError):
    """The body is larger than its kind's limit (answered 413, naming `body`)."""

    def __init__(self, kind: UploadKind, limit: int) -> None:
        super().__init__(
            f"the {kind} is larger than {_mb(limit)}",
            {"body": f"larger than {_mb(limit)}, the limit for {kind} uploads"},
        )


def kind_of(content_type: str, field: str = "Content-Type") -> UploadKind:
    """The kind of upload a media type announces; InvalidInputError naming `field` when it is
    none we accept."""
    mime = content_type.split(";")[0].strip().lower()
    kind = UPLOAD_TYPES.get(mime)
    if kind is None:
        what = f"{mime!r} is not accepted" if mime else "is missing"
        if mime.startswith("multipart/"):
            what = "send the file's bytes as the body with its own type, not multipart"
        raise InvalidInputError(f"{field}: {what}", {field: f"{what}; accepted: {_ACCEPTED}"})
    return kind


def upload_prefix(owner: str, project_id: str) -> str:
    return f"uploads/{owner}/{project_id}/"


def load_upload(blobs: BlobStore, owner: str, project_id: str, upload: str) -> Upload:
    """The owner's project's upload `upload`; NotFoundError when there is none."""
    if not re.fullmatch(UPLOAD_ID_PATTERN, upload):
        raise NotFoundError(f"no upload {upload!r} in project {project_id}")
    key = f"{upload_prefix(owner, project_id)}{upload}.json"
    try:
        return Upload.model_validate_json(blobs.get(key))
    except NotFoundError:
        raise NotFoundError(f"no upload {upload} in project {project_id}") from None


class UploadService:
    def __init__(
        self, settings: Settings, projects: ProjectService, blobs: BlobStore, clock: Clock
    ) -> None:
        self._settings = settings
        self._projects = projects
        self._blobs = blobs
        self._clock = clock

    def limit(self, kind: UploadKind) -> int:
        """The largest body accepted for `kind`, in bytes."""
        s = self._settings
        return {
            "image": s.upload_max_image_bytes,
            "clip": s.upload_max_clip_bytes,
            "music": s.upload_max_music_bytes,
        }[kind]

    def receive(
        self,
        owner: str,
        project_id: str,
        body: IO[bytes],
        *,
        content_type: str,
        content_length: int | None = None,
        filename: str = "",
    ) -> Upload:
        """Check and store one upload to the owner's project, and return it.

        `content_type` says which kind it is meant to be (image, clip, music) and so its limit;
        the content must then turn out to be that kind. Raises NotFoundError for another
        owner's project, InvalidInputError naming `Content-Type` or `body`, and
        UploadTooLargeError as soon as the body passes the limit.
        """
        self._projects.get(owner, project_id)
        kind = kind_of(content_type)
        limit = self.limit(kind)
        if content_length is not None and content_length > limit:
            raise UploadTooLargeError(kind, limit)
        with tempfile.TemporaryDirectory(prefix="storygenius-upload-") as tmp:
            path = Path(tmp) / "body"
            size, digest, head = _spool(body, path, kind, limit)
            if size == 0:
                raise InvalidInputError("body: is empty", {"body": "is empty"})
            uid = upload_id(digest)
            try:
                return load_upload(self._blobs, owner, project_id, uid)
            except NotFoundError:
                pass  # a new upload
            found = _inspect(path, head, kind, self._settings)
            prefix = f"{upload_prefix(owner, project_id)}{uid}"
            key = self._blobs.put_file(f"{prefix}.{_EXT[found.mime]}", path, found.mime)
            poster = key if kind == "image" else None
            if kind == "clip":
                from common.media.sources.probe import poster_frame

                still = poster_frame(path, Path(tmp) / "poster.png")
                poster = self._blobs.put_file(f"{prefix}.poster.png", still, "image/png")
            upload = Upload(
                id=uid,
                project_id=project_id,
                kind=kind,
                mime=found.mime,
                size_bytes=size,
                sha256=digest,
                key=key,
                poster_key=poster,
                duration_s=found.duration_s,
                width=found.width,
                height=found.height,
                filename=filename[:200],
                created_at=self._clock.now(),
            )
            manifest = upload.model_dump_json().encode()
            self._blobs.put(f"{prefix}.json", manifest, "application/json")
            try:  # the project may have been deleted while this was stored
                self._projects.get(owner, project_id)
            except NotFoundError:
                for written in (f"{prefix}.json", key, poster):
                    if written is not None:
                        self._blobs.delete(written)
                raise
            log.info("upload %s: %s %s, %d bytes", uid, kind, found.mime, size)
            return upload

    def get(self, owner: str, project_id: str, upload: str) -> Upload:
        """One of the owner's project's uploads; NotFoundError for anything else."""
        self._projects.get(owner, project_id)
        return load_upload(self._blobs, owner, project_id, upload)

    def list(
        self, owner: str, project_id: str, page: PageQuery | None = None
    ) -> tuple[list[Upload], str | None]:
        """One page of the owner's project's uploads, newest first, and the next cursor."""
        self._projects.get(owner, project_id)
        uploads = [
            Upload.model_validate_json(self._blobs.get(key))
            for key in self._blobs.list(upload_prefix(owner, project_id))
            if key.endswith(".json")
        ]
        return page_of(uploads, lambda u: (u.created_at.isoformat(), u.id), page or PageQuery())

    def require(
        self, owner: str, project_id: str, upload: str, kinds: set[UploadKind], field: str
    ) -> Upload:
        """The upload a scene or a setting names, which must exist and be of `kinds`;
        InvalidInputError naming `field` otherwise."""
        try:
            found = load_upload(self._blobs, owner, project_id, upload)
        except NotFoundError:
            message = f"no upload {upload!r} in this project: upload the file first"
            raise InvalidInputError(f"{field}: {message}", {field: message}) from None
        if found.kind not in kinds:
            wanted = " or ".join(sorted(kinds))
            message = f"upload {upload} is a {found.kind}; this takes a {wanted}"
            raise InvalidInputError(f"{field}: {message}", {field: message})
        return found


class _Found:
    """What the content turned out to be."""

    def __init__(
        self,
        mime: str,
        duration_s: float | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        self.mime, self.duration_s, self.width, self.height = mime, duration_s, width, height


def _spool(body: IO[bytes], path: Path, kind: UploadKind, limit: int) -> tuple[int, str, bytes]:
    """Copy `body` to `path` in chunks: (size, SHA-256 hex, first bytes). Stops with
    UploadTooLargeError as soon as more than `limit` bytes came."""
    from common.media.sources.sniff import HEAD_BYTES

    digest = hashlib.sha256()
    size, head = 0, b""
    with path.open("wb") as out:
        while chunk := body.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadTooLargeError(kind, limit)
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest(), head


def _inspect(path: Path, head: bytes, kind: UploadKind, settings: Settings) -> _Found:
    """Check the content is a `kind` we accept; InvalidInputError naming `body` when not."""
    from common.media.sources.probe import probe_media, probe_still
    from common.media.sources.sniff import sniff

    sniffed = sniff(head)
    if sniffed is None:
        _refuse(f"the content is none of the accepted formats ({_ACCEPTED})")
    if sniffed.family == "image":
        if kind != "image":
            _refuse(f"the content is a {sniffed.container} image, not a {kind}")
        try:
            still = probe_still(path)
        except MediaError as exc:
            _unreadable(exc, f"{sniffed.container} image")
        return _Found(sniffed.mime, width=still.width, height=still.height)
    try:
        info = probe_media(path)
    except MediaError as exc:
        _unreadable(exc, f"{sniffed.container} {sniffed.family}")
    found: UploadKind = "clip" if info.has_video else "music"
    if not info.has_video and not info.has_audio:
        _refuse("the file has neither picture nor sound")
    if found != kind:
        _refuse(f"the content is a {found} ({sniffed.container}), not a {kind}")
    if info.duration_s < MIN_MEDIA_S:
        _refuse(f"the {kind} lasts {info.duration_s:.2f} s: too short")
    if kind == "clip":
        if sniffed.container not in _CLIP_CONTAINERS:
            _refuse(f"a clip must be mp4, mov or webm, not {sniffed.container}")
        if info.duration_s > settings.upload_max_clip_s:
            _refuse(
                f"the clip lasts {info.duration_s:.1f} s; at most {settings.upload_max_clip_s:g} s"
            )
        assert info.width is not None and info.height is not None
        if max(info.width, info.height) > MAX_CLIP_SIDE or min(info.width, info.height) < 16:
            _refuse(f"the clip is {info.width}x{info.height}: 16 to {MAX_CLIP_SIDE} px a side")
        return _Found(sniffed.mime, info.duration_s, info.width, info.height)
    if sniffed.container not in _MUSIC_CONTAINERS:
        _refuse(f"music must be mp3, wav, m4a or ogg, not {sniffed.container}")
    if info.duration_s > settings.upload_max_music_s:
        _refuse(
            f"the track lasts {info.duration_s:.0f} s; at most {settings.upload_max_music_s:g} s"
        )
    mime = "audio/mp4" if sniffed.container in ("mp4", "mov") else sniffed.mime
    return _Found(mime, info.duration_s)


def _refuse(message: str) -> NoReturn:
    raise InvalidInputError(f"body: {message}", {"body": message})


def _unreadable(exc: MediaError, what: str) -> NoReturn:
    """Refuse content that starts like `what` but does not decode. The decoder's own words name
    the server's temp files: they go to the log, the caller hears what was wrong."""
    log.info("upload refused, %s does not decode: %s", what, exc.message)
    _refuse(f"the content starts like a {what} but does not decode (damaged or cut short)")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
