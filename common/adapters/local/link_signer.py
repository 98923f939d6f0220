"""HMAC-SHA256 media link signatures, keyed by a secret in the data folder.

The key lives in the data folder (`media-url.key`, made on first use, mode 0600), so every
process serving that folder (the API, `serve`'s media route, a second worker) signs and checks
the same links. Nothing is read or written until the first link is signed or checked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

KEY_FILE = "media-url.key"
MIN_SECRET_BYTES = 16

_lock = threading.Lock()
_signers: dict[Path, HmacLinkSigner] = {}


class HmacLinkSigner:
    """HMAC-SHA256 signatures over (key, expiry), with the secret in `key_path`."""

    def __init__(self, key_path: Path) -> None:
        self._key_path = key_path
        self._secret: bytes | None = None
        self._lock = threading.Lock()

    def sign(self, key: str, expires: int) -> str:
        message = f"{key}\n{expires}".encode()
        mac = hmac.new(self._load(), message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def valid(self, key: str, expires: int, signature: str, now: float) -> bool:
        return expires > now and hmac.compare_digest(self.sign(key, expires), signature)

    def _load(self) -> bytes:
        with self._lock:
            if self._secret is None:
                self._key_path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    fd = os.open(self._key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    pass
                else:
                    with os.fdopen(fd, "wb") as out:
                        out.write(secrets.token_bytes(32))
                secret = self._key_path.read_bytes()
                if len(secret) < MIN_SECRET_BYTES:
                    raise ValueError(f"{self._key_path} holds fewer than {MIN_SECRET_BYTES} bytes")
                self._secret = secret
            return self._secret


def signer_for(data_dir: Path) -> HmacLinkSigner:
    """The signer of the data folder `data_dir` (one per folder and process)."""
    path = (Path(data_dir) / KEY_FILE).resolve()
    with _lock:
        signer = _signers.get(path)
        if signer is None:
            signer = _signers[path] = HmacLinkSigner(path)
        return signer
