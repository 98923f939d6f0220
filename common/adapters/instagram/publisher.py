"""InstagramPublisher: a Reel through the Instagram Graph API (Instagram Login), plain HTTP.

    POST /{ig-user-id}/media  media_type=REELS, video_url (the signed link), caption
         -> a container id (saved before anything else)
    GET  /{container-id}?fields=status_code -> IN_PROGRESS | FINISHED | ERROR | EXPIRED | PUBLISHED
    POST /{ig-user-id}/media_publish creation_id -> the media id
    GET  /{media-id}?fields=permalink

Instagram fetches the video itself, so posting is: make the container, poll it until Instagram
has processed the video, publish it. A container already PUBLISHED (a crash after
media_publish, before the ledger heard) is adopted by finding the media with the post's
caption among the account's latest, never published again. Publishing is rate-limited per
account per 24 hours (Instagram answers an error that is retried later).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.adapters.http.platform_http import PlatformHttp
from common.domain.errors import ProviderError
from common.domain.posts import INSTAGRAM_CAPTION_MAX, PostMetadata
from common.ports.publisher import PostResult, TokenRejectedError, Upload

GRAPH_VERSION = "v23.0"
EXPIRED_TOKEN = "190"  # Graph's OAuthException code for an invalid or expired token


class InstagramPublisher:
    platform = "instagram"

    def __init__(self, graph_root: str, *, timeout_s: float = 60) -> None:
        self._root = f"{graph_root.rstrip('/')}/{GRAPH_VERSION}"
        self._http = PlatformHttp("instagram", timeout_s=timeout_s)

    def post(
        self,
        upload: Upload,
        token: str,
        session: dict[str, str],
        save: Callable[[dict[str, str]], None],
        gate: Callable[[], None],
    ) -> PostResult:
        session = dict(session)
        if "container_id" not in session:
            caption = upload.metadata.caption(INSTAGRAM_CAPTION_MAX)
            form = {
                "media_type": "REELS",
                "video_url": upload.video_url,
                "caption": caption,
                "share_to_feed": "true",
            }
            answer = self._call("POST", f"/{upload.account_id}/media", token, "container", form)
            session.update(
                container_id=str(answer["id"]), account_id=upload.account_id, caption=caption[:80]
            )
            save(session)
        return self.check(token, session, save)

    def check(
        self, token: str, session: dict[str, str], save: Callable[[dict[str, str]], None]
    ) -> PostResult:
        session = dict(session)
        if "media_id" in session:
            return PostResult("published", video_id=session["media_id"], url=session.get("url"))
        container = session["container_id"]
        status = self._call(
            "GET", f"/{container}", token, "container status", params={"fields": "status_code"}
        ).get("status_code")
        if status == "IN_PROGRESS":
            return PostResult("processing")
        if status == "PUBLISHED":
            media_id = self._adopt(token, session)
        elif status == "FINISHED":
            account = session["account_id"]
            answer = self._call(
                "POST", f"/{account}/media_publish", token, "publish", {"creation_id": container}
            )
            media_id = str(answer["id"])
        else:  # ERROR or EXPIRED: Instagram could not use the video
            raise ProviderError(
                f"instagram could not process the video (container {status})",
                provider="instagram",
                code=str(status).lower(),
            )
        session["media_id"] = media_id
        save(session)
        link = self._call(
            "GET", f"/{media_id}", token, "permalink", params={"fields": "permalink"}
        ).get("permalink")
        if link:
            session["url"] = str(link)
            save(session)
        return PostResult("published", video_id=media_id, url=session.get("url"))

    def views(self, token: str, video_ids: list[str]) -> dict[str, int]:
        return {}

    def withdraw(self, token: str, session: dict[str, str], metadata: PostMetadata) -> str | None:
        # Only YouTube takes a video ahead of its time (publishAt): nothing here is scheduled.
        raise ProviderError(
            "instagram: posts are never uploaded ahead of their time", provider="instagram"
        )

    def _adopt(self, token: str, session: dict[str, str]) -> str:
        latest = self._call(
            "GET",
            f"/{session['account_id']}/media",
            token,
            "recent media",
            params={"fields": "id,caption", "limit": "25"},
        )
        for item in latest.get("data", []):
            if str(item.get("caption", "")).startswith(session.get("caption", "\0")):
                return str(item["id"])
        raise ProviderError(
            "instagram published the container but the post is not among the latest",
            provider="instagram",
            retryable=True,
        )

    def _call(
        self,
        method: str,
        path: str,
        token: str,
        what: str,
        form: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            _, body = self._http.call(
                method, self._root + path, what=what, data=form, params=params, headers=headers
            )
        except ProviderError as exc:
            if exc.code == EXPIRED_TOKEN:
                raise TokenRejectedError(f"instagram refused the access token ({what})") from exc
            raise
        return dict(body)
