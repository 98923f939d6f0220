"""YouTubePublisher: videos.insert as a resumable upload through google-api-python-client, then
thumbnails.set and captions.insert, exactly once per post.

The upload session URL is saved the moment YouTube hands it out (the HTTP layer sees the
`Location` of the session request before the first chunk is sent). A later attempt asks the
session where it got to (`PUT` with `Content-Range: bytes */TOTAL`): `308` with `Range` resumes
from that offset, `200`/`201` with the video resource adopts the video that was already made
(a crash after the last byte), `404`/`410` starts a new session. A connection dropped mid-upload
is resumed the same way within the attempt (the client library queries the offset first).

Metadata: title <= 100 characters, description with hashtags (and #Shorts for vertical videos
up to 3 minutes), categoryId, defaultLanguage, privacyStatus (publishAt needs private),
selfDeclaredMadeForKids, containsSyntheticMedia (the altered or synthetic content disclosure).
An upload for a later time (`Upload.publish_at`) goes up private with `publishAt` (YouTube makes
it public then) and is `scheduled`; `withdraw` takes it back with videos.update: private, no
publishAt (the status part is sent whole: a property left out would be removed).
Quota errors (`quotaExceeded`, `uploadLimitExceeded`) wait for the next quota day (midnight
Pacific time); other 4xx fail the post with YouTube's reason.
"""

from __future__ import annotations

import http.client
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from common.adapters.youtube.client import authorized_http, youtube_service
from common.domain.errors import ProviderError
from common.domain.posts import PostMetadata
from common.domain.schedule import stamp
from common.ports.publisher import (
    PlatformQuotaError,
    PostResult,
    TokenRejectedError,
    Upload,
)

log = logging.getLogger(__name__)

QUOTA_REASONS = frozenset({"quotaExceeded", "uploadLimitExceeded", "dailyLimitExceeded"})
QUOTA_ZONE = ZoneInfo("America/Los_Angeles")  # YouTube quotas reset at midnight Pacific time
MAX_DROPS = 3  # dropped connections resumed within one attempt


def next_quota_day(now: datetime) -> datetime:
    local = now.astimezone(QUOTA_ZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), QUOTA_ZONE)
    return midnight.astimezone(now.tzinfo)


class _SessionRecorder:
    """httplib2 as google-api-python-client uses it, telling `on_session` the resumable session
    URL as soon as YouTube answers the session request (before any video byte is sent)."""

    def __init__(self, transport: Any, on_session: Callable[[str], None]) -> None:
        self._http = transport
        self._on_session = on_session

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        resp, content = self._http.request(uri, method, *args, **kwargs)
        if method == "POST" and "uploadType=resumable" in uri and resp.status == 200:
            location = resp.get("location")
            if location:
                self._on_session(location)
        return resp, content

    def __getattr__(self, name: str) -> Any:
        return getattr(self._http, name)


class YouTubePublisher:
    platform = "youtube"

    def __init__(
        self,
        api_root: str,
        *,
        chunk_bytes: int,
        timeout_s: float = 60,
        now: Callable[[], datetime],
    ) -> None:
        self._api_root = api_root
        self._chunk = max(256 * 1024, chunk_bytes // (256 * 1024) * 256 * 1024)
        self._timeout_s = timeout_s
        self._now = now

    # -- the port ---------------------------------------------------------------------------

    def post(
        self,
        upload: Upload,
        token: str,
        session: dict[str, str],
        save: Callable[[dict[str, str]], None],
        gate: Callable[[], None],
    ) -> PostResult:
        session = dict(session)
        if "video_id" not in session:
            session["video_id"] = self._upload(upload, token, session, save)
            save(session)
        video_id = session["video_id"]
        notes = []
        if upload.thumbnail is not None and session.get("thumbnail") != "set":
            notes += self._extra("thumbnail", video_id, upload, token, session, save)
        if upload.captions_srt is not None and session.get("captions") != "set":
            notes += self._extra("captions", video_id, upload, token, session, save)
        short = (upload.duration_s or 0) <= 180 and "#Shorts" in upload.metadata.hashtags
        url = f"https://youtube.com/shorts/{video_id}" if short else f"https://youtu.be/{video_id}"
        note = "; ".join(notes) or None
        if session.get("publish_at"):  # uploaded private with publishAt: public at that time
            return PostResult("scheduled", video_id=video_id, url=url, note=note)
        return PostResult("published", video_id=video_id, url=url, note=note)

    def check(
        self, token: str, session: dict[str, str], save: Callable[[dict[str, str]], None]
    ) -> PostResult:
        video_id = session.get("video_id")
        if not video_id:
            raise ProviderError("youtube: nothing was uploaded yet", provider="youtube")
        return PostResult("published", video_id=video_id, url=f"https://youtu.be/{video_id}")

    def withdraw(self, token: str, session: dict[str, str], metadata: PostMetadata) -> str | None:
        from googleapiclient.errors import HttpError

        video_id = session.get("video_id")
        uri, size = session.get("upload_uri"), int(session.get("size", "0"))
        if video_id is None and uri and size:  # finished before its id was recorded?
            found = self._where(authorized_http(token, timeout_s=self._timeout_s), uri, size)
            video_id = found if isinstance(found, str) else None
        if video_id is None:
            return None  # an unfinished upload session makes no video
        body = {"id": video_id, "status": self._status(metadata) | {"privacyStatus": "private"}}
        service = youtube_service(token, self._api_root, timeout_s=self._timeout_s)
        try:
            service.videos().update(part="status", body=body).execute()
        except HttpError as exc:
            if exc.resp.status == 404:
                return None  # deleted on YouTube already: nothing can go public
            raise self._error(exc, "videos.update") from exc
        return video_id

    def views(self, token: str, video_ids: list[str]) -> dict[str, int]:
        from googleapiclient.errors import HttpError

        service = youtube_service(token, self._api_root, timeout_s=self._timeout_s)
        try:
            answer = service.videos().list(part="statistics", id=",".join(video_ids)).execute()
        except HttpError as exc:
            raise self._error(exc, "videos.list") from exc
        return {
            str(item["id"]): int(item.get("statistics", {}).get("viewCount", 0))
            for item in answer.get("items", [])
        }

    # -- the upload -------------------------------------------------------------------------

    def _upload(
        self,
        upload: Upload,
        token: str,
        session: dict[str, str],
        save: Callable[[dict[str, str]], None],
    ) -> str:
        from googleapiclient.errors import HttpError
        from googleapiclient.http import MediaFileUpload

        transport = authorized_http(token, timeout_s=self._timeout_s)
        offset = 0
        uri = session.get("upload_uri")
        if uri:
            found = self._where(transport, uri, upload.size)
            if isinstance(found, str):
                return found  # finished before: adopt it
            if found is None:
                session.pop("upload_uri")  # the session expired: a new one
                uri = None
            else:
                offset = found

        def record(location: str) -> None:
            session["upload_uri"] = location
            session["size"] = str(upload.size)  # to ask the session where it got to
            save(session)

        body = self._body(upload)
        if "publishAt" in body["status"]:
            session["publish_at"] = body["status"]["publishAt"]

        service = youtube_service(
            token,
            self._api_root,
            http=_SessionRecorder(transport, record),
            timeout_s=self._timeout_s,
        )
        media = MediaFileUpload(
            str(upload.video), mimetype="video/mp4", chunksize=self._chunk, resumable=True
        )
        request = service.videos().insert(part="snippet,status", body=body, media_body=media)
        if uri:
            request.resumable_uri = uri
            request.resumable_progress = offset
        response, drops = None, 0
        while response is None:
            try:
                _, response = request.next_chunk(num_retries=2)
            except HttpError as exc:
                raise self._error(exc, "videos.insert") from exc
            except (OSError, requests.RequestException, http.client.HTTPException) as exc:
                drops += 1
                log.warning("youtube upload: connection lost (%s), resuming", type(exc).__name__)
                if drops > MAX_DROPS:
                    raise ProviderError(
                        f"youtube upload: the connection dropped {drops} times",
                        provider="youtube",
                        retryable=True,
                    ) from exc
                # The next call asks YouTube where it got to and goes on from there.
        return str(response["id"])

    def _where(self, transport: Any, uri: str, size: int) -> int | str | None:
        """Where a saved session got to: the next byte's offset, the video id when it finished,
        None when YouTube no longer knows it."""
        headers = {"Content-Range": f"bytes */{size}", "Content-Length": "0"}
        try:
            resp, content = transport.request(uri, "PUT", body=b"", headers=headers)
        except (OSError, requests.RequestException, http.client.HTTPException) as exc:
            raise ProviderError(
                "youtube upload status: no answer", provider="youtube", retryable=True
            ) from exc
        if resp.status in (200, 201):
            return str(json.loads(content)["id"])
        if resp.status == 308:
            received = resp.get("range")
            return int(received.split("-")[1]) + 1 if received else 0
        if resp.status in (404, 410):
            return None
        if resp.status == 401:
            raise TokenRejectedError("youtube refused the access token")
        raise ProviderError(
            f"youtube upload status: {resp.status}",
            provider="youtube",
            retryable=resp.status >= 500 or resp.status == 429,
        )

    @staticmethod
    def _status(meta: PostMetadata) -> dict[str, Any]:
        return {
            "privacyStatus": meta.privacy,
            "selfDeclaredMadeForKids": meta.made_for_kids,
            "containsSyntheticMedia": meta.synthetic,
        }

    def _body(self, upload: Upload) -> dict[str, Any]:
        meta = upload.metadata
        status = self._status(meta)
        if upload.publish_at is not None and upload.publish_at > self._now():
            status.update(privacyStatus="private", publishAt=stamp(upload.publish_at))
        return {
            "snippet": {
                "title": meta.title,
                "description": meta.description,
                "tags": [t.lstrip("#") for t in meta.hashtags],
                "categoryId": meta.category_id,
                "defaultLanguage": meta.language,
                "defaultAudioLanguage": meta.language,
            },
            "status": status,
        }

    def _extra(
        self,
        what: str,
        video_id: str,
        upload: Upload,
        token: str,
        session: dict[str, str],
        save: Callable[[dict[str, str]], None],
    ) -> list[str]:
        """thumbnails.set or captions.insert, once; a refusal is a note, not a failed post."""
        from googleapiclient.errors import HttpError
        from googleapiclient.http import MediaFileUpload

        service = youtube_service(token, self._api_root, timeout_s=self._timeout_s)
        try:
            if what == "thumbnail":
                media = MediaFileUpload(str(upload.thumbnail), mimetype="image/jpeg")
                service.thumbnails().set(videoId=video_id, media_body=media).execute()
            else:
                media = MediaFileUpload(
                    str(upload.captions_srt), mimetype="application/octet-stream"
                )
                snippet = {"videoId": video_id, "language": upload.metadata.language, "name": ""}
                service.captions().insert(
                    part="snippet", body={"snippet": snippet}, media_body=media
                ).execute()
        except HttpError as exc:
            error = self._error(exc, f"{what} upload")
            if isinstance(error, TokenRejectedError) or error.retryable:
                raise error from exc
            session[what] = "refused"
            save(session)
            return [f"{what} not set: {error.message}"]
        session[what] = "set"
        save(session)
        return []

    def _error(self, exc: Any, what: str) -> ProviderError | TokenRejectedError:
        status = int(exc.status_code or 0)
        reason = ""
        try:
            details = json.loads(exc.content).get("error", {})
            reasons = [e.get("reason", "") for e in details.get("errors", [])]
            reason = reasons[0] if reasons else ""
            message = str(details.get("message", ""))
        except (ValueError, AttributeError):
            message = ""
        if status == 401:
            return TokenRejectedError(f"youtube refused the access token ({what})")
        if reason in QUOTA_REASONS:
            retry_at = next_quota_day(self._now())
            raise PlatformQuotaError(
                f"youtube {reason}: moved to the next quota day ({stamp(retry_at)})",
                retry_at=retry_at,
            )
        return ProviderError(
            f"youtube {what}: {status} {reason}: {message}"[:500],
            provider="youtube",
            retryable=status >= 500 or status == 429,
            code=reason or "",
        )
