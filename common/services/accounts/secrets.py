"""SecretBox: envelope encryption of the secrets the service keeps (webhook signing secrets,
OAuth access and refresh tokens), one format for every backend.

`seal` makes a fresh 256-bit data key per secret, encrypts the secret with AES-256-GCM (the
context as associated data) and has the KeyWrapper port wrap the data key; `open` reverses it.
Nothing here logs or formats a plaintext: errors name the context, never the value.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from common.domain.secrets import SealedSecret, SecretUnavailableError
from common.ports.secrets import KeyWrapper

NONCE_BYTES = 12
DATA_KEY_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class SecretBox:
    def __init__(self, wrapper: KeyWrapper) -> None:
        self._wrapper = wrapper

    def seal(self, plaintext: str, context: str) -> SealedSecret:
        """`plaintext` encrypted for storage at `context` (e.g. `connections/alice:youtube`)."""
        aad = context.encode()
        data_key = AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = AESGCM(data_key).encrypt(nonce, plaintext.encode(), aad)
        return SealedSecret(
            kek=self._wrapper.key_id,
            dek=_b64(self._wrapper.wrap(data_key, aad)),
            nonce=_b64(nonce),
            data=_b64(ciphertext),
        )

    def open(self, sealed: SealedSecret, context: str) -> str:
        """The plaintext of `sealed`, kept at `context`; SecretUnavailableError otherwise."""
        aad = context.encode()
        try:
            wrapped, nonce, ciphertext = (
                _unb64(sealed.dek),
                _unb64(sealed.nonce),
                _unb64(sealed.data),
            )
        except ValueError as exc:
            raise SecretUnavailableError(f"the secret at {context} is not valid base64") from exc
        data_key = self._wrapper.unwrap(wrapped, aad)
        try:
            return AESGCM(data_key).decrypt(nonce, ciphertext, aad).decode()
        except (InvalidTag, ValueError) as exc:
            raise SecretUnavailableError(
                f"the secret at {context} does not open (altered, or sealed for another place)"
            ) from exc
