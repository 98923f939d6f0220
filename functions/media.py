"""Links a browser can load a job's media from, and the local server's media route.

In the cloud, media lives in a private bucket and a link is a V4 signed URL (`BlobStore.url`).
The local folder store's `url` is a `file://` path no browser page may load, so locally a link is
`/media/<key>?expires=<unix time>&signature=<HMAC>`, served by `media_app` (mounted at `/media`
by `python main.py serve`): read-only, GET and HEAD only, Range requests answered (a <video> can
seek), and nothing is served without a valid, unexpired signature, so only someone the API gave
a link to (the owner of a job that references the key) can read it. The HMAC key lives in the
data folder (`media-url.key`, made on first use), shared by every process serving that folder.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import mimetypes
import os
import secrets
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from common.ports import BlobStore
from common.ports.blob_keys import key_problem

MEDIA_PREFIX = "/media/"
# Links expire on the hour, between one and two hours from when they are made: links made
# within the same hour are the same, so a browser's cache keeps images and video it has.
LINK_BUCKET_S = 3600
KEY_FILE = "media-url.key"

_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".mp4": "video/mp4"}

_lock = threading.Lock()
_signers: dict[Path, MediaSigner] = {}


class MediaSigner:
    """HMAC-SHA256 signatures over (key, expiry)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("a media signing secret needs at least 16 bytes")
        self._secret = secret

    def sign(self, key: str, expires: int) -> str:
        mac = hmac.new(self._secret, f"{key}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def valid(self, key: str, expires: int, signature: str, now: float) -> bool:
        """Whether `signature` is ours for (key, expires) and `expires` is still ahead."""
        return expires > now and hmac.compare_digest(self.sign(key, expires), signature)


def signer_for(data_dir: Path) -> MediaSigner:
    """The signer of the data folder `data_dir`: its key file, made once (mode 0600)."""
    path = (Path(data_dir) / KEY_FILE).resolve()
    with _lock:
        signer = _signers.get(path)
        if signer is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as out:
                    out.write(secrets.token_bytes(32))
            signer = _signers[path] = MediaSigner(path.read_bytes())
        return signer


def link_expiry(now: datetime) -> int:
    """The expiry (unix seconds) of links made at `now`: the end of the next full hour."""
    return (int(now.timestamp()) // LINK_BUCKET_S + 2) * LINK_BUCKET_S


def media_link(blobs: BlobStore, key: str, expires: int, now: datetime, data_dir: Path) -> str:
    """A URL for `key` that works until `expires`: the store's own (signed) URL when it is a web
    URL, else a signed `/media/...` path of the local server."""
    url = blobs.url(key, max(1, expires - int(now.timestamp())))
    if url.startswith(("https://", "http://")):
        return url
    signature = signer_for(data_dir).sign(key, expires)
    return f"{MEDIA_PREFIX}{quote(key)}?expires={expires}&signature={signature}"


def media_app(blobs: BlobStore, data_dir: Path) -> Any:
    """A WSGI app serving the local folder store's files by signed link (mounted at /media)."""
    from werkzeug.utils import send_file
    from werkzeug.wrappers import Request, Response

    def error(code: str, message: str, status: int) -> Response:
        body = {"error": {"code": code, "message": message, "fields": {}}}
        return Response(json.dumps(body), status, mimetype="application/json")

    def serve(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return error("method_not_allowed", "use GET or HEAD", 405)
        root = getattr(blobs, "root", None)
        if root is None:
            return error("not_found", "media is served by the blob store's own URLs", 404)
        key = request.path.lstrip("/")
        try:
            expires = int(request.args.get("expires", ""))
        except ValueError:
            expires = 0
        signature = request.args.get("signature", "")
        if key_problem(key) is not None or not signer_for(data_dir).valid(
            key, expires, signature, time.time()
        ):
            return error("forbidden", "this media link is invalid or has expired", 403)
        path = Path(root).joinpath(*key.split("/")).resolve()
        if not path.is_relative_to(Path(root).resolve()) or not path.is_file():
            return error("not_found", f"no media {key}", 404)
        mimetype = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        response: Response = send_file(
            path,
            request.environ,
            mimetype=mimetype or "application/octet-stream",
            conditional=True,  # answers Range and If-None-Match
            max_age=max(0, expires - int(time.time())),
        )
        response.cache_control.public = False  # one user's media: no shared caches
        response.cache_control.private = True
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        return serve(Request(environ))(environ, start_response)

    return wsgi
