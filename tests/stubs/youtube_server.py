"""A stand-in for Google OAuth 2 and the YouTube Data API v3, speaking their documented wire
format (shared/FACTS.md), driven by google-api-python-client and google-auth in the tests.

    GET  /o/oauth2/v2/auth?client_id&redirect_uri&state&code_challenge...  -> 302 redirect_uri
    POST /token (authorization_code + code_verifier | refresh_token)        ; POST /revoke
    GET  /youtube/v3/channels?part=snippet&mine=true
    POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status  (JSON metadata)
         -> 200, Location: <session URL>
    PUT  <session> Content-Range: bytes A-B/TOTAL -> 308 Range: bytes=0-N | 200 video resource
    PUT  <session> Content-Range: bytes */TOTAL   -> the same, without data (status query)
    POST /upload/youtube/v3/thumbnails/set?videoId ; POST /upload/youtube/v3/captions
    GET  /youtube/v3/videos?part=statistics&id=...

It keeps what a session received (bytes dropped mid-request included, as the real server
persists them) and counts every body byte uploaded (`bytes_received`), so a test can tell a
resumed upload from one started again. Faults: `fault("insert", quota_exceeded())`,
`fault("chunk", Drop(after_bytes=N))`, `fault("chunk", Reply(503))`, and the OAuth ones.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
from typing import Any

import pytest

from tests.stubs.http_stub import Reply, Request
from tests.stubs.oauth_stub import OAuthStub

UPLOAD = "/upload/youtube/v3/videos"


def youtube_error(status: int, reason: str, message: str, domain: str = "youtube.quota") -> Reply:
    return Reply(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"domain": domain, "reason": reason, "message": message}],
            }
        },
    )


def quota_exceeded() -> Reply:
    return youtube_error(
        403,
        "quotaExceeded",
        "The request cannot be completed because you have exceeded your quota.",
    )


def unauthenticated() -> Reply:
    return youtube_error(
        401, "authError", "Request had invalid authentication credentials.", domain="global"
    )


@dataclass
class Session:
    metadata: dict[str, Any]
    total: int
    account: str
    data: bytearray = field(default_factory=bytearray)
    video_id: str | None = None
    received: int = 0  # every byte sent to this session, dropped requests' and repeats included


class YouTubeStub(OAuthStub):
    account = "UC-channel-1"

    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.thumbnails: dict[str, bytes] = {}
        self.captions: dict[str, list[bytes]] = {}
        self.bytes_received = 0
        super().__init__()

    def route(self, request: Request) -> str:
        path, q = request.path, request.query
        if path == "/o/oauth2/v2/auth":
            return "authorize"
        if path in ("/token", "/revoke"):
            return path[1:]
        if path == UPLOAD and "upload_id" in q:
            rng = request.headers.get("content-range", "")
            return "status_query" if rng.startswith("bytes */") else "chunk"
        if path == UPLOAD:
            return "insert"
        if path == "/upload/youtube/v3/thumbnails/set":
            return "thumbnail"
        if path == "/upload/youtube/v3/captions":
            return "caption"
        if path == "/youtube/v3/channels":
            return "channels"
        if path == "/youtube/v3/videos":
            return "update" if request.method == "PUT" else "list"
        return "other"

    def partial(self, route: str, request: Request) -> None:
        self.bytes_received += len(request.body)
        if route == "chunk":
            self._append(request)

    def respond(self, route: str, request: Request) -> Reply:
        if route == "authorize":
            return self.authorize(request)
        if route == "token":
            return self.token(request.form())
        if route == "revoke":
            return self.revoke(request.form().get("token") or request.query.get("token", ""))
        grant = self.authorised(request)
        if grant is None:
            return unauthenticated()
        if route == "channels":
            snippet = {"title": "Lighthouse Tales"}
            return Reply(200, {"kind": "youtube#channelListResponse",
                               "items": [{"id": grant.account, "snippet": snippet}]})  # fmt: skip
        if route == "insert":
            session_id = secrets.token_urlsafe(10)
            total = int(request.headers.get("x-upload-content-length", "0"))
            self.sessions[session_id] = Session(request.json(), total, grant.account)
            location = f"{self.url}{UPLOAD}?uploadType=resumable&upload_id={session_id}"
            return Reply(200, {}, {"Location": location})
        if route in ("chunk", "status_query"):
            return self._upload(route, request)
        if route == "thumbnail":
            self.bytes_received += len(request.body)
            self.thumbnails[request.query["videoId"]] = request.body
            return Reply(200, {"kind": "youtube#thumbnailSetResponse", "items": [{}]})
        if route == "caption":
            self.bytes_received += len(request.body)
            meta = _multipart_json(request.headers.get("content-type", ""), request.body)
            video = meta.get("snippet", {}).get("videoId", "")
            self.captions.setdefault(video, []).append(request.body)
            return Reply(200, {"kind": "youtube#caption", "id": "cap-" + video})
        if route == "list":
            ids = request.query.get("id", "").split(",")
            items = [
                {"id": i, "statistics": {"viewCount": str(self.videos[i]["views"])}}
                for i in ids
                if i in self.videos
            ]
            return Reply(200, {"kind": "youtube#videoListResponse", "items": items})
        if route == "update":
            return self._update(request)
        return Reply(404, {"error": {"code": 404, "message": f"no route {request.path}"}})

    def _update(self, request: Request) -> Reply:
        """videos.update: each part named in `part` replaced by the body's (a property left
        out is removed, as YouTube does)."""
        body = request.json()
        video = self.videos.get(str(body.get("id", "")))
        if video is None:
            return youtube_error(404, "videoNotFound", "Video not found", domain="youtube.video")
        for part in request.query.get("part", "").split(","):
            if part == "status":
                video["status"] = {"uploadStatus": "uploaded", **body.get("status", {})}
            elif part == "snippet":
                video["snippet"] = body.get("snippet", {})
        resource = {k: video[k] for k in ("id", "snippet", "status")}
        return Reply(200, {"kind": "youtube#video", **resource})

    def _append(self, request: Request) -> Session | None:
        session = self.sessions.get(request.query.get("upload_id", ""))
        if session is not None:
            session.received += len(request.body)
        rng = request.headers.get("content-range", "")
        if session is None or not rng.startswith("bytes ") or rng.startswith("bytes */"):
            return session
        start = int(rng[6:].split("-")[0])
        have = len(session.data)
        if start <= have:  # an overlap (a chunk sent again) is skipped, a gap refused
            session.data.extend(request.body[have - start :])
        return session

    def _upload(self, route: str, request: Request) -> Reply:
        if route == "chunk":
            self.bytes_received += len(request.body)
        session = self._append(request)
        if session is None:
            return youtube_error(404, "notFound", "Upload session not found", domain="global")
        if len(session.data) >= session.total and session.video_id is None:
            video_id = "yt" + secrets.token_hex(5)
            session.video_id = video_id
            self.videos[video_id] = {
                "id": video_id,
                "snippet": session.metadata.get("snippet", {}),
                "status": {"uploadStatus": "uploaded", **session.metadata.get("status", {})},
                "size": len(session.data),
                "channel": session.account,
                "views": 0,
            }
        if session.video_id is not None:
            video = self.videos[session.video_id]
            resource = {k: video[k] for k in ("id", "snippet", "status")}
            return Reply(200, {"kind": "youtube#video", **resource})
        headers = {"Range": f"bytes=0-{len(session.data) - 1}"} if session.data else {}
        return Reply(308, "", headers)


def _multipart_json(content_type: str, body: bytes) -> dict[str, Any]:
    """The JSON part of a multipart/related body (captions.insert's metadata)."""
    message = BytesParser(policy=default).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    for part in message.iter_parts():
        if part.get_content_type() == "application/json":
            parsed: dict[str, Any] = json.loads(part.get_payload(decode=True))
            return parsed
    return {}


@pytest.fixture
def youtube_stub() -> Iterator[YouTubeStub]:
    stub = YouTubeStub()
    yield stub
    stub.close()
