"""GcsBlobStore: the BlobStore port on a Cloud Storage bucket.

A key becomes the object name unchanged, after the same checks the folder store applies
(`common.ports.blob_keys`), so keys move between the two backends as they are.

Atomicity comes with the service: an object write creates a new generation that becomes visible
only when its upload completes (one request, or the last chunk of a resumable session), so
readers see the old bytes or the new ones, never a mix, and there is no temp object to clean up.

Failures say what they mean to the task queue: 429, 5xx, timeouts and dropped connections become
RetryableError (a later delivery can succeed); other API failures become ProviderError.

The client is built on first use, not at import or construction: a process that never touches
media does not look for credentials.
"""

from __future__ import annotations

import datetime
import http.client
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import requests
from google.api_core import exceptions as api_exceptions
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import Signing
from google.cloud import storage
from google.cloud.storage import exceptions as storage_exceptions
from google.cloud.storage.retry import DEFAULT_RETRY

from common.adapters.gcp.api_errors import RETRYABLE_CODES
from common.domain.errors import (
    InvalidInputError,
    NotFoundError,
    ProviderError,
    RetryableError,
    StoryGeniusError,
)
from common.ports.blob_keys import TEMP_PREFIX, check_key, key_problem
from common.ports.blobs import attachment_disposition

# The client sends files up to this size in one multipart request and larger ones through a
# resumable session; we give those sessions a bounded chunk so one failed request resends at
# most one chunk, and memory per request stays flat whatever the video's size.
_ONE_REQUEST_MAX = 8 * 1024 * 1024
_RESUMABLE_CHUNK = 8 * 1024 * 1024  # resumable chunks must be multiples of 256 KiB
_MAX_URL_EXPIRY_S = 7 * 24 * 3600  # the V4 signing limit

_NOT_A_FILE = (FileNotFoundError, IsADirectoryError, NotADirectoryError)
_CLIENT_ERRORS = (
    api_exceptions.GoogleAPIError,  # HTTP errors (GoogleAPICallError) and RetryError
    auth_exceptions.GoogleAuthError,
    storage_exceptions.InvalidResponse,
    storage_exceptions.DataCorruption,
    requests.RequestException,
    http.client.HTTPException,
    ConnectionError,
    TimeoutError,
)


class GcsBlobStore:
    """BlobStore on the Cloud Storage bucket `bucket`; keys are object names.

    `client` is a ``google.cloud.storage.Client`` (built from the environment when omitted:
    application default credentials, or ``STORAGE_EMULATOR_HOST``). `signer_credentials` can
    sign bytes locally (a service-account key); `url` needs them for V4 signed URLs.
    `retry_deadline_s` bounds the client's own retries of transient errors before they surface
    as RetryableError.
    """

    def __init__(
        self,
        bucket: str,
        *,
        client: storage.Client | None = None,
        signer_credentials: Signing | None = None,
        retry_deadline_s: float = 120.0,
    ) -> None:
        if not bucket:
            raise InvalidInputError("a bucket name is needed", fields={"bucket": "is empty"})
        if signer_credentials is not None and not isinstance(signer_credentials, Signing):
            raise StoryGeniusError(
                f"signer_credentials cannot sign URLs: {type(signer_credentials).__name__} holds "
                "no private key (pass service-account credentials)"
            )
        self._bucket_name = bucket
        self._client = client
        self._signer = signer_credentials
        # Every call, uploads included, may be retried: a blob is written whole under a key
        # that one step owns, so sending the same bytes twice leaves the same object.
        self._retry = DEFAULT_RETRY.with_timeout(retry_deadline_s)
        self._lock = threading.Lock()
        self._bucket: Any = None

    @property
    def bucket(self) -> str:
        """The bucket's name."""
        return self._bucket_name

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Store `data` under `key` (one atomic object write); returns the key."""
        blob = self._blob(key)
        with self._errors(f"upload to {self.uri(key)}"):
            blob.upload_from_string(data, content_type=content_type, retry=self._retry)
        return key

    def put_file(self, key: str, path: Path, content_type: str = "application/octet-stream") -> str:
        """Store a local file under `key`; large files go up in resumable chunks."""
        blob = self._blob(key)
        try:
            if Path(path).stat().st_size > _ONE_REQUEST_MAX:
                blob.chunk_size = _RESUMABLE_CHUNK
            with self._errors(f"upload of {path} to {self.uri(key)}"):
                blob.upload_from_filename(str(path), content_type=content_type, retry=self._retry)
        except _NOT_A_FILE as exc:
            raise NotFoundError(f"source file {path} does not exist") from exc
        return key

    def get(self, key: str) -> bytes:
        """The blob's bytes; NotFoundError if absent."""
        blob = self._blob(key)
        with self._errors(f"read of {self.uri(key)}"):
            try:
                data: bytes = blob.download_as_bytes(retry=self._retry)
            except api_exceptions.NotFound as exc:
                raise NotFoundError(f"blob {key} does not exist") from exc
        return data

    def download(self, key: str, dest: Path) -> Path:
        """Copy the blob to `dest` and return it; NotFoundError if absent.

        The bytes land in a temp file beside `dest` that is renamed over it when complete, so
        a failed download leaves neither a partial file nor a damaged older copy.
        """
        blob = self._blob(key)
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=dest.parent)
        os.close(fd)
        try:
            with self._errors(f"download of {self.uri(key)}"):
                try:
                    blob.download_to_filename(tmp_name, retry=self._retry)
                except api_exceptions.NotFound as exc:
                    raise NotFoundError(f"blob {key} does not exist") from exc
            os.chmod(tmp_name, 0o644)  # mkstemp's 0600 would hide media from other readers
            os.replace(tmp_name, dest)
        except BaseException:
            with suppress(FileNotFoundError):  # the client removes it itself on NotFound
                os.unlink(tmp_name)
            raise
        return dest

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        blob = self._blob(key)
        with self._errors(f"lookup of {self.uri(key)}"):
            found: bool = blob.exists(retry=self._retry)
        return found

    def delete(self, key: str) -> None:
        """Delete the object; a missing one is not an error."""
        blob = self._blob(key)
        # A retried delete may find its first attempt already succeeded: also not an error.
        with self._errors(f"delete of {self.uri(key)}"), suppress(api_exceptions.NotFound):
            blob.delete(retry=self._retry)

    def list(self, prefix: str = "") -> list[str]:
        """Keys that start with `prefix`, sorted.

        Objects whose names are not valid keys (folder placeholders like ``jobs/`` made by the
        console, say) are left out: no other method could address them.
        """
        bucket = self._bucket_ref()
        with self._errors(f"listing of gs://{self._bucket_name}/{prefix}"):
            names = [
                blob.name
                for blob in bucket.list_blobs(
                    prefix=prefix or None, fields="items(name),nextPageToken", retry=self._retry
                )
            ]
        return sorted(name for name in names if key_problem(name) is None)

    def upload_session(self, key: str, content_type: str, size: int) -> str:
        """A resumable upload session for `key`, started here and handed to the client: it
        PUTs the bytes to the session URI itself (Content-Range chunks; `bytes */size` asks
        what arrived). Cloud Storage holds the object to exactly `size` bytes."""
        blob = self._blob(key)
        with self._errors(f"upload session for gs://{self._bucket_name}/{key}"):
            url: str = blob.create_resumable_upload_session(content_type=content_type, size=size)
        return url

    def uri(self, key: str) -> str:
        """``gs://bucket/key``, the form Vertex AI and other Google services read."""
        return f"gs://{self._bucket_name}/{check_key(key)}"

    def url(self, key: str, expires_s: int = 3600, download_name: str | None = None) -> str:
        """A V4 signed GET URL valid for `expires_s` seconds (at most 7 days); with
        `download_name`, its `response-content-disposition` (signed with it) names the file."""
        blob = self._blob(key)
        if not 0 < expires_s <= _MAX_URL_EXPIRY_S:
            problem = f"must be between 1 and {_MAX_URL_EXPIRY_S} seconds"
            raise InvalidInputError(f"bad expires_s {expires_s}: {problem}", {"expires_s": problem})
        if self._signer is None:
            raise StoryGeniusError(
                f"cannot sign a URL for {self.uri(key)}: GcsBlobStore needs signing credentials "
                "(signer_credentials=..., e.g. a service-account key) to make signed URLs"
            )
        # An IAM signer (common/adapters/gcp/iam_signer.py) calls signBlob here: its transport
        # failures are retryable like any other Cloud Storage call's.
        try:
            with self._errors("URL signing"):
                url: str = blob.generate_signed_url(
                    version="v4",
                    expiration=datetime.timedelta(seconds=expires_s),
                    method="GET",
                    credentials=self._signer,
                    response_disposition=attachment_disposition(download_name)
                    if download_name
                    else None,
                )
        except ValueError as exc:
            raise StoryGeniusError(f"cannot sign a URL for {self.uri(key)}: {exc}") from exc
        return url

    def _blob(self, key: str) -> Any:
        # A fresh Blob per call: Blob objects carry per-upload state (chunk_size), and the
        # store is shared between threads.
        return self._bucket_ref().blob(check_key(key))

    def _bucket_ref(self) -> Any:
        with self._lock:
            if self._bucket is None:
                with self._errors("client setup"):
                    if self._client is None:
                        self._client = storage.Client()
                    self._bucket = self._client.bucket(self._bucket_name)
            return self._bucket

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn the client's failures into RetryableError or ProviderError naming `action`."""
        try:
            yield
        except _CLIENT_ERRORS as exc:
            if is_transient(exc):
                raise RetryableError(f"Cloud Storage {action} failed, try again: {exc}") from exc
            raise ProviderError(f"Cloud Storage {action} failed: {exc}", provider="gcs") from exc


def is_transient(exc: BaseException) -> bool:
    """Whether a later attempt can succeed where `exc` failed (throttling, 5xx, network)."""
    if isinstance(exc, api_exceptions.GoogleAPICallError):
        return exc.code in RETRYABLE_CODES
    if isinstance(exc, storage_exceptions.InvalidResponse):
        return getattr(exc.response, "status_code", None) in RETRYABLE_CODES
    if isinstance(exc, requests.RequestException):
        return isinstance(
            exc,
            requests.ConnectionError | requests.Timeout | requests.exceptions.ChunkedEncodingError,
        )
    if isinstance(exc, auth_exceptions.TransportError):
        return True
    if isinstance(exc, auth_exceptions.GoogleAuthError):
        return bool(exc.retryable)
    # RetryError: the client's own retries of a transient error ran out of time.
    # DataCorruption: bytes damaged in transit (checksum mismatch); a new transfer can succeed.
    return isinstance(
        exc,
        api_exceptions.RetryError
        | storage_exceptions.DataCorruption
        | http.client.HTTPException
        | ConnectionError
        | TimeoutError,
    )
