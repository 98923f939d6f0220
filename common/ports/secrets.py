"""KeyWrapper: the key-encryption key of envelope encryption (Cloud KMS, or a local key file).

Adapters only wrap and unwrap short data keys; sealing secrets with those keys is shared logic
above them (common/services/accounts/secrets.py), so every backend stores the same format.
"""

from __future__ import annotations

from typing import Protocol


class KeyWrapper(Protocol):
    key_id: str

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        """`data_key` encrypted under the key-encryption key, bound to `context`."""

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        """The data key back; SecretUnavailableError when it cannot be (wrong key or context,
        altered bytes; `retryable` when the key service is unreachable)."""
