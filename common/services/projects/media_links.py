"""Links a browser can load media from: the one place a blob key becomes a URL.

In the cloud, media lives in a private bucket and a link is the store's V4 signed URL
(`BlobStore.url`). The local folder store's `url` is a `file://` path no web page may load, so
locally a link is `/media/<key>?expires=<unix time>&signature=<HMAC>`, served read-only by the
local server (functions/media.py), which checks the signature here. Links the API answers are
relative to the server (same origin as the Studio); links shared outside it (a published video)
are absolute, on `base_url`, the local server's own address.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from common.ports import BlobStore, Clock
from common.ports.blob_keys import key_problem
from common.ports.blobs import UploadSessions
from common.ports.media_links import LinkSigner

MEDIA_PREFIX = "/media/"
# Links expire on the hour, between one and two hours from when they are made: links made
# within the same hour are the same, so a browser's cache keeps images and video it has.
LINK_BUCKET_S = 3600


_HYPHENS = re.compile(r"-{2,}")
MAX_DOWNLOAD_STEM = 80


def download_name(title: str, key: str, fallback: str = "video") -> str:
    """The name a download of `key` is saved as: its title in lower case, words (letters,
    marks and digits of any script) joined by hyphens, with the key's extension ("The Keeper's
    Whale" + .mp4 -> the-keeper-s-whale.mp4). The Studio's `slug()` (studio/js/checks.js)
    makes the same names."""
    text = unicodedata.normalize("NFC", title).lower()
    words = "".join(c if unicodedata.category(c)[0] in "LMN" else "-" for c in text)
    stem = _HYPHENS.sub("-", words).strip("-")[:MAX_DOWNLOAD_STEM].strip("-") or fallback
    return stem + PurePosixPath(key).suffix


def download_problem(name: str, key: str) -> str | None:
    """Why `name` may not be what `key` is saved as (None when it may): one plain file name,
    of the key's own type."""
    if not name or len(name) > MAX_DOWNLOAD_STEM + 10:
        return "must be 1 to 90 characters"
    if any(c in name for c in '/\\"') or any(unicodedata.category(c)[0] in "CZ" for c in name):
        return "must be a plain file name (no spaces, separators, quotes or control characters)"
    if PurePosixPath(name).suffix.lower() != PurePosixPath(key).suffix.lower():
        return f"must end in {PurePosixPath(key).suffix or 'no extension'}, as the file does"
    return None


def link_expiry(now: datetime) -> int:
    """The expiry (unix seconds) of links made at `now`: the end of the next full hour."""
    return (int(now.timestamp()) // LINK_BUCKET_S + 2) * LINK_BUCKET_S


class MediaLinks:
    """Signed media links over one blob store (stateless: built once by bootstrap).

    `local_root` is the folder the local server's `/media` route serves (the folder store's
    root), None when the store signs its own URLs; `base_url` is the local server's address.
    """

    def __init__(
        self,
        blobs: BlobStore,
        signer: LinkSigner,
        clock: Clock,
        *,
        base_url: str = "",
        local_root: Path | None = None,
        sessions: UploadSessions | None = None,
    ) -> None:
        self._blobs = blobs
        self._signer = signer
        self._clock = clock
        self._base_url = base_url.rstrip("/")
        self.local_root = local_root
        self._sessions = sessions

    def link(self, key: str, expires: int, download_name: str | None = None) -> str:
        """A URL for `key` that works until `expires` (unix seconds): the store's own signed URL
        when it is a web URL, else a signed `/media/...` path of the local server. With
        `download_name` (see `download_name()`), a browser saves the file under that name."""
        now = int(self._clock.now().timestamp())
        url = self._blobs.url(key, max(1, expires - now), download_name)
        if url.startswith(("https://", "http://")):
            return url
        signature = self._signer.sign(key, expires)
        # The name is not signed: it changes nothing but what the file is saved as, and the
        # route checks it (`download_problem`).
        named = f"&download={quote(download_name, safe='')}" if download_name else ""
        return f"{MEDIA_PREFIX}{quote(key)}?expires={expires}&signature={signature}{named}"

    def public(self, key: str, expires_s: int) -> str:
        """A link for `key` valid `expires_s` seconds, to share outside the API: absolute, on
        the local server's address when there is one (else the store's own URL)."""
        if not self._base_url:
            return self._blobs.url(key, expires_s)
        now = int(self._clock.now().timestamp())
        url = self.link(key, now + expires_s)
        return url if "://" in url else self._base_url + url

    def allows(self, key: str, expires: int, signature: str, now: float) -> bool:
        """Whether a `/media/<key>` request carries a valid, unexpired link of ours."""
        return key_problem(key) is None and self._signer.valid(key, expires, signature, now)

    def upload_url(self, key: str, content_type: str, size: int, expires: int) -> str:
        """Where a client sends a large upload's `size` bytes (PUT): the store's resumable
        session in the cloud, else a signed `/media/<key>?upload=<size>` link of the local
        server, good until `expires` for that key and size only."""
        if self._sessions is not None:
            return self._sessions.upload_session(key, content_type, size)
        signature = self._signer.sign(_put_subject(key, size), expires)
        return (
            f"{self._base_url}{MEDIA_PREFIX}{quote(key)}"
            f"?upload={size}&expires={expires}&signature={signature}"
        )

    def allows_upload(self, key: str, size: int, expires: int, signature: str, now: float) -> bool:
        """Whether a PUT to `/media/<key>` carries a valid, unexpired upload link of ours."""
        subject = _put_subject(key, size)
        return key_problem(key) is None and self._signer.valid(subject, expires, signature, now)


def _put_subject(key: str, size: int) -> str:
    """What an upload link signs: the method and size too, so no read link (which signs the
    key alone) is ever an upload link, and no upload link takes more than its size."""
    return f"PUT\n{size}\n{key}"
