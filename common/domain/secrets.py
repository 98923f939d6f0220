"""Secrets at rest: what an encrypted secret looks like in a document.

Envelope encryption: each secret is encrypted with its own random data key (AES-256-GCM), and
only that data key is encrypted ("wrapped") by the key-encryption key, which never leaves Cloud
KMS in the cloud or the owner-only key file offline. The document keeps the wrapped data key,
the nonce and the ciphertext; the plaintext exists only in memory while it is used. The
ciphertext is bound to where it is kept (`context`, e.g. `webhooks/alice/secret`) through the
cipher's associated data, so a sealed value copied into another document does not open there.
"""

from __future__ import annotations

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.errors import StoryGeniusError


class SealedSecret(StrictModel):
    """An encrypted secret as stored (all bytes base64)."""

    v: int = Field(1, description="format version")
    kek: str = Field(description="which key-encryption key wrapped the data key")
    dek: str = Field(description="the data key, wrapped by `kek`")
    nonce: str
    data: str = Field(description="AES-256-GCM ciphertext and tag")


class SecretUnavailableError(StoryGeniusError):
    """A sealed secret could not be opened: the key is gone, the ciphertext was altered or
    moved, or the key service is unreachable (then `retryable`)."""

    code = "secret_unavailable"

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
