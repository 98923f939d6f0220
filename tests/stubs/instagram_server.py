"""A stand-in for Instagram Login and the Instagram Graph API's Reels publishing (plain HTTP):

    GET  /oauth/authorize?client_id&redirect_uri&scope&state          -> 302 redirect_uri
    POST /oauth/access_token (form: code...) -> {"data": [{access_token, user_id, permissions}]}
    GET  /access_token?grant_type=ig_exchange_token&access_token        -> a long-lived token
    GET  /refresh_access_token?grant_type=ig_refresh_token&access_token -> a new one
    GET  /me?fields=user_id,username
    POST /v23.0/{ig-user-id}/media (media_type=REELS, video_url, caption) -> {"id": container}
    GET  /v23.0/{container}?fields=status_code  -> IN_PROGRESS, then FINISHED (or ERROR)
    POST /v23.0/{ig-user-id}/media_publish (creation_id) -> {"id": media} (once per container)
    GET  /v23.0/{media}?fields=permalink ; GET /v23.0/{ig-user-id}/media?fields=id,caption

Errors are Graph's `{"error": {"message", "type": "OAuthException", "code"}}` (190: the token).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.stubs.http_stub import Reply, Request
from tests.stubs.oauth_stub import Grant, OAuthStub

PREFIX = "/v23.0/"


def graph_error(status: int, code: int, message: str) -> Reply:
    return Reply(status, {"error": {"message": message, "type": "OAuthException", "code": code}})


@dataclass
class Container:
    account: str
    video_url: str
    caption: str
    polls: int = 0
    media_id: str | None = None


class InstagramStub(OAuthStub):
    client_id = "instagram-app-id"
    account = "17841400000000001"
    access_ttl_s = 5184000

    def __init__(self) -> None:
        self.containers: dict[str, Container] = {}
        self.processing_polls = 1
        self.failing_containers = False
        super().__init__()

    def route(self, request: Request) -> str:
        path = request.path
        fixed = {
            "/oauth/authorize": "authorize",
            "/oauth/access_token": "token",
            "/access_token": "exchange",
            "/refresh_access_token": "refresh",
            "/me": "me",
        }
        if path in fixed:
            return fixed[path]
        if path.endswith("/media_publish"):
            return "publish"
        if path.endswith("/media"):
            return "create" if request.method == "POST" else "recent"
        return "object" if path.startswith(PREFIX) else "other"

    def media(self) -> list[Container]:
        return [c for c in self.containers.values() if c.media_id]

    def token_body(self, grant: Grant, access: str, *, new_refresh: bool) -> dict[str, object]:
        return {"data": [{"access_token": access, "user_id": grant.account,
                          "permissions": ",".join(grant.scopes)}]}  # fmt: skip

    def respond(self, route: str, request: Request) -> Reply:
        if route == "authorize":
            return self.authorize(request)
        if route == "token":
            return self.token(request.form())
        grant = self.authorised(request)
        if grant is None:
            return graph_error(400, 190, "Error validating access token")
        if route in ("exchange", "refresh"):
            token = self.issue(grant)
            return Reply(
                200, {"access_token": token, "token_type": "bearer", "expires_in": 5183944}
            )
        if route == "me":
            return Reply(200, {"user_id": grant.account, "username": "lighthouse.tales"})
        if route == "create":
            form = request.form()
            container = "c" + secrets.token_hex(6)
            self.containers[container] = Container(
                grant.account, form["video_url"], form["caption"]
            )
            return Reply(200, {"id": container})
        if route == "publish":
            found = self.containers.get(request.form().get("creation_id", ""))
            if found is None or found.media_id:
                return graph_error(400, 9007, "The media is not ready for publishing / published")
            found.media_id = str(18_000_000_000 + len(self.media()))
            return Reply(200, {"id": found.media_id})
        if route == "recent":
            items = [{"id": c.media_id, "caption": c.caption} for c in reversed(self.media())]
            return Reply(200, {"data": items})
        return self._object(request.path.removeprefix(PREFIX))

    def _object(self, object_id: str) -> Reply:
        container = self.containers.get(object_id)
        if container is not None:
            container.polls += 1
            if self.failing_containers:
                status = "ERROR"
            elif container.media_id:
                status = "PUBLISHED"
            else:
                status = "IN_PROGRESS" if container.polls <= self.processing_polls else "FINISHED"
            return Reply(200, {"status_code": status, "id": object_id})
        for c in self.containers.values():
            if c.media_id == object_id:
                return Reply(200, {"permalink": f"https://www.instagram.com/reel/{object_id}/"})
        return graph_error(400, 100, f"Unsupported get request: {object_id}")


@pytest.fixture
def instagram_stub() -> Iterator[InstagramStub]:
    stub = InstagramStub()
    yield stub
    stub.close()
