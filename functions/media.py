"""The local server's media route: the folder store's files by signed link (mounted at /media).

Links are made and checked by common/services/projects/media_links.py. This route is read-only,
GET and HEAD only, answers Range requests (a <video> can seek), and serves nothing without a
valid, unexpired signature, so only someone the API gave a link to (the owner of a job that
references the key) can read it. `download=<name>` answers it as an attachment of that name.
"""

from __future__ import annotations

import json
import mimetypes
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_range_header
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from common.ports import BlobStore
from common.services.projects.media_links import MediaLinks, download_problem

_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".mp4": "video/mp4"}

WsgiApp = Any  # (environ, start_response) -> Iterable[bytes]


def _error(code: str, message: str, status: int) -> Response:
    body = {"error": {"code": code, "message": message, "fields": {}}}
    return Response(json.dumps(body), status, mimetype="application/json")


def _one_range_at_most(environ: dict[str, Any]) -> dict[str, Any]:
    """`environ` without its Range header when that asks for several ranges, for a unit other
    than bytes, or does not parse: the whole file is a valid answer to each (RFC 9110 lets a
    server ignore Range), and one range is all a <video> asks for. A single range past the end
    stays: that is a 416."""
    header = environ.get("HTTP_RANGE")
    if header is None:
        return environ
    parsed = parse_range_header(header)
    if parsed is not None and parsed.units == "bytes" and len(parsed.ranges) == 1:
        return environ
    return {k: v for k, v in environ.items() if k != "HTTP_RANGE"}


def _int_arg(request: Request, name: str) -> int:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        return 0


def _receive(request: Request, blobs: BlobStore, key: str, size: int) -> Response:
    """A large upload's bytes PUT to its signed link: exactly `size` of them, written to the
    store in chunks (never whole in memory), checked later by `uploads:complete`."""
    if request.content_length != size:
        why = f"send exactly the {size} bytes announced, with their Content-Length"
        return _error("invalid_argument", f"Content-Length: {why}", 400)
    with tempfile.TemporaryDirectory(prefix="storygenius-put-") as tmp:
        path = Path(tmp) / "body"
        with path.open("wb") as out:
            shutil.copyfileobj(request.stream, out, 1 << 20)
        if path.stat().st_size != size:
            return _error("invalid_argument", "the body ended before its Content-Length", 400)
        blobs.put_file(key, path, request.content_type or "application/octet-stream")
    return Response(status=200)


def media_app(links: MediaLinks, blobs: BlobStore) -> WsgiApp:
    """A WSGI app serving the local folder store's files by signed link, and taking large
    uploads' bytes by signed upload link (PUT)."""

    def serve(request: Request) -> Response:
        if request.method not in ("GET", "HEAD", "PUT"):
            return _error("method_not_allowed", "use GET, HEAD or PUT", 405)
        root = links.local_root
        if root is None:
            return _error("not_found", "media is served by the blob store's own URLs", 404)
        key = request.path.lstrip("/")
        expires = _int_arg(request, "expires")
        signature = request.args.get("signature", "")
        if request.method == "PUT":
            size = _int_arg(request, "upload")
            if not links.allows_upload(key, size, expires, signature, time.time()):
                return _error("forbidden", "this upload link is invalid or has expired", 403)
            return _receive(request, blobs, key, size)
        if not links.allows(key, expires, signature, time.time()):
            return _error("forbidden", "this media link is invalid or has expired", 403)
        path = root.joinpath(*key.split("/")).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            return _error("not_found", f"no media {key}", 404)
        # `download=<name>`: saved under that name (a link for a "Download" button).
        download = request.args.get("download")
        why = None if download is None else download_problem(download, key)
        if why is not None:
            return _error("invalid_argument", f"download: {why}", 400)
        mimetype = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        environ = _one_range_at_most(request.environ)
        try:
            response: Response = send_file(
                path,
                environ,
                mimetype=mimetype or "application/octet-stream",
                as_attachment=download is not None,
                download_name=download,
                conditional=True,  # answers Range and If-None-Match
                max_age=max(0, expires - int(time.time())),
            )
        except RequestedRangeNotSatisfiable:
            refused = _error("range_not_satisfiable", "the range starts past the end", 416)
            refused.headers["Content-Range"] = f"bytes */{path.stat().st_size}"
            return refused
        response.cache_control.public = False  # one user's media: no shared caches
        response.cache_control.private = True
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        response = serve(Request(environ))
        result: Iterable[bytes] = response(environ, start_response)
        return result

    return wsgi
