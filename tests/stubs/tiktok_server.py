"""A stand-in for TikTok's Login Kit OAuth and Content Posting API (plain HTTP, JSON), as
documented (shared/FACTS.md):

    GET  /v2/auth/authorize/?client_key&scope&redirect_uri&state&code_challenge -> 302
    POST /v2/oauth/token/  (form: client_key, client_secret, code | refresh_token ...)
    POST /v2/oauth/revoke/ (form: client_key, client_secret, token)
    POST /v2/post/publish/creator_info/query/ -> privacy_level_options, max duration
    POST /v2/post/publish/video/init/ {post_info, source_info{FILE_UPLOAD, video_size,
         chunk_size, total_chunk_count}} -> {publish_id, upload_url}
    PUT  /upload/<publish id>  Content-Range: bytes A-B/TOTAL -> 206, the last chunk 201
    POST /v2/post/publish/status/fetch/ {publish_id} -> status, uploaded_bytes,
         publicaly_available_post_id, fail_reason

API answers are `{"data": ..., "error": {"code": "ok", "message": "", "log_id"}}`. The chunk
rules are checked (5-64 MB chunks, the count floor(size / chunk_size), in order), and so is the
limit of 6 init requests a minute per token (429 rate_limit_exceeded). A completed upload is
published after `processing_polls` status fetches. Faults by route name as in http_stub.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.stubs.http_stub import Reply, Request
from tests.stubs.oauth_stub import Grant, OAuthStub

MB = 1024 * 1024


def tiktok_error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"data": {}, "error": {"code": code, "message": message, "log_id": "l"}})


def ok(data: dict[str, Any]) -> Reply:
    return Reply(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": "l"}})


@dataclass
class Publish:
    account: str
    post_info: dict[str, Any]
    size: int
    chunk_size: int
    chunks: int
    data: bytearray = field(default_factory=bytearray)
    polls: int = 0
    post_id: str | None = None


class TikTokStub(OAuthStub):
    client_param = "client_key"
    client_id = "tiktok-client-key"
    access_ttl_s = 86400
    account = "open-id-1"
    privacy_options = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY")

    def __init__(self) -> None:
        self.publishes: dict[str, Publish] = {}
        self.inits: list[tuple[str, float]] = []
        self.bytes_received = 0
        self.processing_polls = 1
        self.now = time.time  # the rate limit's clock (a test with a simulated clock sets it)
        super().__init__()

    def route(self, request: Request) -> str:
        path = request.path
        names = {
            "/v2/auth/authorize/": "authorize",
            "/v2/oauth/token/": "token",
            "/v2/oauth/revoke/": "revoke",
            "/v2/post/publish/creator_info/query/": "creator_info",
            "/v2/post/publish/video/init/": "init",
            "/v2/post/publish/status/fetch/": "status",
        }
        if path.startswith("/upload/"):
            return "chunk"
        return names.get(path, "other")

    def published(self) -> list[Publish]:
        return [p for p in self.publishes.values() if p.post_id is not None]

    def partial(self, route: str, request: Request) -> None:
        self.bytes_received += len(request.body)

    def token_body(self, grant: Grant, access: str, *, new_refresh: bool) -> dict[str, object]:
        return {
            "access_token": access,
            "expires_in": self.access_ttl_s,
            "open_id": grant.account,
            "refresh_expires_in": 31536000,
            "refresh_token": grant.refresh_token,
            "scope": ",".join(grant.scopes),
            "token_type": "Bearer",
        }

    def respond(self, route: str, request: Request) -> Reply:
        if route == "authorize":
            return self.authorize(request)
        if route == "token":
            return self.token(request.form())
        if route == "revoke":
            return self.revoke(request.form().get("token", ""))
        if route == "chunk":
            return self._chunk(request)
        grant = self.authorised(request)
        if grant is None:
            return tiktok_error(401, "access_token_invalid", "The access token is invalid.")
        body = request.json()
        if route == "creator_info":
            return ok(
                {
                    "creator_username": "lighthouse.tales",
                    "creator_nickname": "Lighthouse Tales",
                    "privacy_level_options": list(self.privacy_options),
                    "comment_disabled": False,
                    "duet_disabled": False,
                    "stitch_disabled": False,
                    "max_video_post_duration_sec": 600,
                }
            )
        if route == "init":
            return self._init(request.bearer, grant, body)
        if route == "status":
            return self._status(body.get("publish_id", ""))
        return tiktok_error(404, "not_found", request.path)

    def _init(self, token: str, grant: Grant, body: dict[str, Any]) -> Reply:
        now = self.now()
        recent = [t for tok, t in self.inits if tok == token and now - t < 60]
        if len(recent) >= 6:
            return tiktok_error(429, "rate_limit_exceeded", "Too many init requests.")
        self.inits.append((token, now))
        source = body.get("source_info", {})
        size, chunk, count = (
            int(source.get("video_size", 0)),
            int(source.get("chunk_size", 0)),
            int(source.get("total_chunk_count", 0)),
        )
        valid = source.get("source") == "FILE_UPLOAD" and (
            (size < 5 * MB and chunk == size and count == 1)
            or (5 * MB <= chunk <= 64 * MB and count == size // chunk)
        )
        if not valid:
            return tiktok_error(400, "invalid_params", "chunk_size or total_chunk_count invalid")
        publish_id = "v_pub_file~v2-1." + secrets.token_hex(6)
        self.publishes[publish_id] = Publish(grant.account, body["post_info"], size, chunk, count)
        return ok({"publish_id": publish_id, "upload_url": f"{self.url}/upload/{publish_id}"})

    def _chunk(self, request: Request) -> Reply:
        self.bytes_received += len(request.body)
        publish = self.publishes.get(request.path.removeprefix("/upload/"))
        if publish is None:
            return tiktok_error(404, "not_found", "upload url expired")
        first, rest = request.headers.get("content-range", "bytes 0-0/0")[6:].split("-")
        last, total = (int(x) for x in rest.split("/"))
        if int(first) != len(publish.data) or total != publish.size:
            return tiktok_error(416, "range_not_satisfiable", f"expected byte {len(publish.data)}")
        if last - int(first) + 1 != len(request.body):
            return tiktok_error(416, "range_not_satisfiable", f"expected byte {len(publish.data)}")
        publish.data.extend(request.body)
        return Reply(201 if len(publish.data) >= publish.size else 206, "")

    def _status(self, publish_id: str) -> Reply:
        publish = self.publishes.get(publish_id)
        if publish is None:
            return tiktok_error(400, "invalid_publish_id", "unknown publish_id")
        answer: dict[str, Any] = {"uploaded_bytes": len(publish.data)}
        if len(publish.data) < publish.size:
            return ok({**answer, "status": "PROCESSING_UPLOAD"})
        publish.polls += 1
        if publish.polls <= self.processing_polls and publish.post_id is None:
            return ok({**answer, "status": "PROCESSING_DOWNLOAD"})
        if publish.post_id is None:
            public = publish.post_info.get("privacy_level") != "SELF_ONLY"
            publish.post_id = str(7_000_000_000 + len(self.published())) if public else ""
        ids = [publish.post_id] if publish.post_id else []
        return ok({**answer, "status": "PUBLISH_COMPLETE", "publicaly_available_post_id": ids})


@pytest.fixture
def tiktok_stub() -> Iterator[TikTokStub]:
    stub = TikTokStub()
    yield stub
    stub.close()
