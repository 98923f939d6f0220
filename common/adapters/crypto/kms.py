"""KmsKeyWrapper: Cloud KMS holds the key-encryption key; data keys are wrapped by its
`encrypt` and unwrapped by its `decrypt` (google-cloud-kms), with CRC32C checks both ways as
Google recommends. The key never leaves KMS; the runtime's service account needs
`roles/cloudkms.cryptoKeyEncrypterDecrypter` on it (infra/terraform).
"""

from __future__ import annotations

from typing import Any

import google_crc32c

from common.domain.secrets import SecretUnavailableError


def _crc(data: bytes) -> int:
    return int(google_crc32c.value(data))


class KmsKeyWrapper:
    def __init__(
        self, key_name: str, client: Any = None, *, retry_deadline_s: float = 20.0
    ) -> None:
        """`key_name`: projects/P/locations/L/keyRings/R/cryptoKeys/K. `client`: a
        KeyManagementServiceClient (tests pass one on the REST transport to a stand-in).
        Transient errors are retried within `retry_deadline_s`, then reported retryable."""
        self._given = client
        self._deadline_s = retry_deadline_s
        self._key = key_name
        self.key_id = "kms:" + key_name

    @property
    def _client(self) -> Any:
        # Built on first use: importing the KMS client costs a cold start nothing until then.
        if self._given is None:
            from google.cloud import kms

            self._given = kms.KeyManagementServiceClient()
        return self._given

    def _retry(self) -> Any:
        from google.api_core import retry

        return retry.Retry(
            predicate=retry.if_transient_error,
            initial=0.05,
            maximum=2.0,
            multiplier=2.0,
            timeout=self._deadline_s,
        )

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        from google.api_core import exceptions

        request = {
            "name": self._key,
            "plaintext": data_key,
            "additional_authenticated_data": context,
            "plaintext_crc32c": _crc(data_key),
            "additional_authenticated_data_crc32c": _crc(context),
        }
        try:
            response = self._client.encrypt(request=request, retry=self._retry())
        except (exceptions.GoogleAPICallError, exceptions.RetryError) as exc:
            raise _unavailable("encrypt", exc) from exc
        if not response.verified_plaintext_crc32c or (
            response.ciphertext_crc32c is not None
            and _crc(response.ciphertext) != int(response.ciphertext_crc32c)
        ):
            raise SecretUnavailableError("Cloud KMS encrypt: corrupted in transit", retryable=True)
        return bytes(response.ciphertext)

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        from google.api_core import exceptions

        request = {
            "name": self._key,
            "ciphertext": wrapped,
            "additional_authenticated_data": context,
            "ciphertext_crc32c": _crc(wrapped),
            "additional_authenticated_data_crc32c": _crc(context),
        }
        try:
            response = self._client.decrypt(request=request, retry=self._retry())
        except (exceptions.GoogleAPICallError, exceptions.RetryError) as exc:
            raise _unavailable("decrypt", exc) from exc
        plaintext = bytes(response.plaintext)
        if response.plaintext_crc32c is not None and _crc(plaintext) != int(
            response.plaintext_crc32c
        ):
            raise SecretUnavailableError("Cloud KMS decrypt: corrupted in transit", retryable=True)
        return plaintext


def _unavailable(verb: str, exc: Exception) -> SecretUnavailableError:
    from google.api_core import exceptions

    if isinstance(exc, exceptions.RetryError) and exc.cause is not None:
        exc = exc.cause
    code = getattr(exc, "code", None)
    status = int(code) if isinstance(code, int) else 0
    retryable = status in (0, 408, 429) or status >= 500
    # The message names the key and status only: never the request, which carries key material.
    return SecretUnavailableError(
        f"Cloud KMS {verb} failed ({status or type(exc).__name__})", retryable=retryable
    )
