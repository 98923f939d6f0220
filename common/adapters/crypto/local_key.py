"""LocalKeyFile: the key-encryption key of the embedded default, a 256-bit key in a file.

The file is made on first use, readable by its owner only (0600, in a 0700 folder), and linked
into place whole, so two processes starting at once end up with the same key. A key file anyone
else can read is refused rather than used: a secret sealed under a key that leaked is not a
secret. Losing the file loses every secret sealed under it (webhook secrets and connected
accounts must then be set up again): back it up with the data folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from common.domain.secrets import SecretUnavailableError

KEY_BYTES = 32
NONCE_BYTES = 12


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner may enter (made 0700 if missing, tightened if not)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o700)
    return path


class LocalKeyFile:
    """A KeyWrapper over a key file (AES-256-GCM wraps each data key)."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        key = self._load_or_create()
        self._aead = AESGCM(key)
        self.key_id = "local:" + hashlib.sha256(key).hexdigest()[:16]

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data_key, context)

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        try:
            return self._aead.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], context)
        except (InvalidTag, ValueError) as exc:
            raise SecretUnavailableError(
                f"a data key does not open with the key in {self._path} (another key file, or "
                "altered data)"
            ) from exc

    def _load_or_create(self) -> bytes:
        private_dir(self._path.parent)
        if not self._path.exists():
            self._create()
        mode = stat.S_IMODE(self._path.stat().st_mode)
        if mode & 0o077:
            raise SecretUnavailableError(
                f"the key file {self._path} is readable by others (mode {mode:04o}): "
                f"run `chmod 600 {self._path}` if it has not leaked, else replace it"
            )
        key = self._path.read_bytes()
        if len(key) != KEY_BYTES:
            raise SecretUnavailableError(f"the key file {self._path} is not a {KEY_BYTES}-byte key")
        return key

    def _create(self) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".key-", dir=self._path.parent)  # 0600
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(os.urandom(KEY_BYTES))
                out.flush()
                os.fsync(out.fileno())
            # Fails if another process made it first: theirs is used.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, self._path)
        finally:
            os.unlink(tmp)
