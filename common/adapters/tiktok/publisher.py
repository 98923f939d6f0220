"""TikTokPublisher: the Content Posting API's direct post with FILE_UPLOAD, over plain HTTP.

    creator_info/query  -> the privacy levels this creator allows, the longest video
    video/init          -> publish_id and upload_url (saved before a byte is sent; counts
                           against the token's 6 inits a minute: `gate` first)
    PUT upload_url      -> chunks in order, `Content-Range: bytes A-B/TOTAL`
    status/fetch        -> PROCESSING_UPLOAD | PROCESSING_DOWNLOAD | PUBLISH_COMPLETE | FAILED

Chunking follows TikTok's rules: a video under 5 MB goes whole; otherwise chunks of
`chunk_bytes` (5-64 MB), `total_chunk_count = floor(size / chunk_size)`, the last chunk taking
the remainder (up to 128 MB). A saved publish id resumes from the chunk holding the first byte
TikTok does not have (`uploaded_bytes` in status/fetch), or adopts the post when TikTok
finished it. Unaudited apps may only post privately (SELF_ONLY): the post says so in its note.
Every post carries the AI-generated content label (`is_aigc`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.adapters.http.platform_http import PlatformHttp
from common.domain.errors import ProviderError
from common.domain.posts import PostMetadata
from common.ports.publisher import PostResult, TokenRejectedError, Upload

MB = 1024 * 1024
MIN_CHUNK = 5 * MB
MAX_CHUNK = 64 * MB
PRIVACY = {
    "public": "PUBLIC_TO_EVERYONE",
    "unlisted": "MUTUAL_FOLLOW_FRIENDS",
    "private": "SELF_ONLY",
}
UNAUDITED_NOTE = (
    "posted privately (SELF_ONLY): TikTok lets unaudited apps post only to the creator's own "
    "view; make it public in the TikTok app, or have the app audited"
)


def chunk_plan(size: int, chunk_bytes: int) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) by TikTok's rules."""
    if size < MIN_CHUNK:
        return size, 1
    chunk = min(max(chunk_bytes, MIN_CHUNK), MAX_CHUNK, size)
    return chunk, max(1, size // chunk)


def chunk_ranges(size: int, chunk: int, count: int) -> list[tuple[int, int]]:
    """[first, last] byte of each chunk; the last chunk runs to the end."""
    ranges = [(i * chunk, (i + 1) * chunk - 1) for i in range(count)]
    ranges[-1] = (ranges[-1][0], size - 1)
    return ranges


class TikTokPublisher:
    platform = "tiktok"

    def __init__(
        self,
        api_root: str,
        *,
        audited: bool,
        chunk_bytes: int = 10 * MB,
        timeout_s: float = 60,
    ) -> None:
        self._root = api_root
        self._audited = audited
        self._chunk_bytes = chunk_bytes
        self._http = PlatformHttp("tiktok", timeout_s=timeout_s)

    def post(
        self,
        upload: Upload,
        token: str,
        session: dict[str, str],
        save: Callable[[dict[str, str]], None],
        gate: Callable[[], None],
    ) -> PostResult:
        session = dict(session)
        uploaded = 0
        if "publish_id" in session:
            status = self._status(token, session["publish_id"])
            if status.get("status") != "PROCESSING_UPLOAD" or "upload_url" not in session:
                return self._result(status, session)
            uploaded = int(status.get("uploaded_bytes") or 0)
        else:
            privacy, note = self._privacy(token, upload)
            gate()
            chunk, count = chunk_plan(upload.size, self._chunk_bytes)
            post_info = {
                "title": upload.metadata.caption(2200),
                "privacy_level": privacy,
                "disable_comment": False,
                "disable_duet": False,
                "disable_stitch": False,
                "video_cover_timestamp_ms": 1000,
                "is_aigc": upload.metadata.synthetic,
            }
            source = {
                "source": "FILE_UPLOAD",
                "video_size": upload.size,
                "chunk_size": chunk,
                "total_chunk_count": count,
            }
            data = self._call(
                "/v2/post/publish/video/init/",
                token,
                {"post_info": post_info, "source_info": source},
                "video/init",
            )
            session.update(
                publish_id=str(data["publish_id"]),
                upload_url=str(data["upload_url"]),
                chunk_size=str(chunk),
                chunk_count=str(count),
                note=note or "",
            )
            save(session)
        self._send(upload, session, uploaded, token)
        return self._result(self._status(token, session["publish_id"]), session)

    def check(
        self, token: str, session: dict[str, str], save: Callable[[dict[str, str]], None]
    ) -> PostResult:
        return self._result(self._status(token, session["publish_id"]), session)

    def views(self, token: str, video_ids: list[str]) -> dict[str, int]:
        return {}  # view counts need the Display API's video.list scope (not requested)

    def withdraw(self, token: str, session: dict[str, str], metadata: PostMetadata) -> str | None:
        # Only YouTube takes a video ahead of its time (publishAt): nothing here is scheduled.
        raise ProviderError(
            "tiktok: posts are never uploaded ahead of their time", provider="tiktok"
        )

    # -- steps --------------------------------------------------------------------------------

    def _privacy(self, token: str, upload: Upload) -> tuple[str, str | None]:
        info = self._call("/v2/post/publish/creator_info/query/", token, {}, "creator_info")
        longest = info.get("max_video_post_duration_sec")
        if longest and upload.duration_s and upload.duration_s > float(longest):
            raise ProviderError(
                f"tiktok: this creator may post videos up to {longest} s; "
                f"this one is {upload.duration_s:.0f} s",
                provider="tiktok",
                code="duration_too_long",
            )
        options = list(info.get("privacy_level_options") or ["SELF_ONLY"])
        wanted = PRIVACY[upload.metadata.privacy]
        if not self._audited:
            return "SELF_ONLY", UNAUDITED_NOTE if wanted != "SELF_ONLY" else None
        if wanted in options:
            return wanted, None
        return options[-1], f"posted as {options[-1]}: the creator does not allow {wanted}"

    def _send(self, upload: Upload, session: dict[str, str], uploaded: int, token: str) -> None:
        chunk, count = int(session["chunk_size"]), int(session["chunk_count"])
        with upload.video.open("rb") as video:
            for first, last in chunk_ranges(upload.size, chunk, count):
                if last < uploaded:
                    continue  # TikTok has it
                video.seek(first)
                body = video.read(last - first + 1)
                headers = {
                    "Content-Type": "video/mp4",
                    "Content-Length": str(len(body)),
                    "Content-Range": f"bytes {first}-{last}/{upload.size}",
                }
                self._http.call(
                    "PUT",
                    session["upload_url"],
                    what="chunk upload",
                    content=body,
                    headers=headers,
                    ok=(200, 201, 206),
                )

    def _status(self, token: str, publish_id: str) -> dict[str, Any]:
        return self._call(
            "/v2/post/publish/status/fetch/", token, {"publish_id": publish_id}, "status/fetch"
        )

    def _result(self, status: dict[str, Any], session: dict[str, str]) -> PostResult:
        note = session.get("note") or None
        state = status.get("status")
        if state == "PUBLISH_COMPLETE":
            ids = status.get("publicaly_available_post_id") or []  # sic: TikTok's spelling
            video_id = str(ids[0]) if ids else session["publish_id"]
            url = f"https://www.tiktok.com/video/{ids[0]}" if ids else None
            return PostResult("published", video_id=video_id, url=url, note=note)
        if state == "FAILED":
            reason = str(status.get("fail_reason") or "unknown")
            raise ProviderError(
                f"tiktok could not publish the video: {reason}", provider="tiktok", code=reason
            )
        return PostResult("processing", note=note)

    def _call(self, path: str, token: str, body: dict[str, Any], what: str) -> dict[str, Any]:
        """A JSON POST; TikTok wraps answers as {"data": ..., "error": {"code": "ok"}}."""
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json; charset=UTF-8",
        }
        try:
            _, answer = self._http.call(
                "POST", f"{self._root}{path}", what=what, json=body, headers=headers
            )
        except ProviderError as exc:
            if exc.code == "access_token_invalid":
                raise TokenRejectedError(f"tiktok refused the access token ({what})") from exc
            if exc.code == "rate_limit_exceeded":
                exc.retryable = True
            raise
        error = answer.get("error") or {}
        if error.get("code", "ok") != "ok":
            raise self._http.error(what, 400, answer)
        data: dict[str, Any] = answer.get("data") or {}
        return data
