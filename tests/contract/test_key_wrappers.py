"""The KeyWrapper contract, run against the local key file and Cloud KMS (google-cloud-kms on its
REST transport, against tests/stubs/kms_server.py), and SecretBox sealing through each."""

from __future__ import annotations

import pytest

from common.adapters.crypto.kms import KmsKeyWrapper
from common.adapters.crypto.local_key import LocalKeyFile
from common.domain.secrets import SecretUnavailableError
from common.services.accounts.secrets import SecretBox
from tests.stubs.http_stub import Reply
from tests.stubs.kms_server import KEY_NAME, google_error, kms_client, kms_stub  # noqa: F401


@pytest.fixture(params=["local", "kms"])
def wrapper(request, tmp_path):
    if request.param == "local":
        return LocalKeyFile(tmp_path / "keys" / "secrets.key")
    stub = request.getfixturevalue("kms_stub")
    return KmsKeyWrapper(KEY_NAME, client=kms_client(stub))


def test_a_wrapped_data_key_unwraps_only_with_its_context(wrapper):
    data_key = bytes(range(32))
    wrapped = wrapper.wrap(data_key, b"webhooks/alice/secret")
    assert data_key not in wrapped
    assert wrapper.unwrap(wrapped, b"webhooks/alice/secret") == data_key
    with pytest.raises(SecretUnavailableError) as info:
        wrapper.unwrap(wrapped, b"webhooks/bob/secret")
    assert not info.value.retryable


def test_a_sealed_secret_opens_where_it_was_sealed_and_nowhere_else(wrapper):
    box = SecretBox(wrapper)
    sealed = box.seal("ya29.token-value", "connections/alice:youtube/access")
    assert "ya29" not in sealed.model_dump_json()
    assert sealed.kek == wrapper.key_id
    assert box.open(sealed, "connections/alice:youtube/access") == "ya29.token-value"
    with pytest.raises(SecretUnavailableError):
        box.open(sealed, "connections/bob:youtube/access")
    tampered = sealed.model_copy(update={"data": sealed.data[:-4] + "AAA="})
    with pytest.raises(SecretUnavailableError):
        box.open(tampered, "connections/alice:youtube/access")


def test_each_seal_uses_a_fresh_data_key_and_nonce(wrapper):
    box = SecretBox(wrapper)
    first, second = box.seal("same", "ctx"), box.seal("same", "ctx")
    assert (first.dek, first.nonce, first.data) != (second.dek, second.nonce, second.data)


def test_a_brief_kms_outage_is_retried_by_the_client(kms_stub):  # noqa: F811
    wrapper = KmsKeyWrapper(KEY_NAME, client=kms_client(kms_stub), retry_deadline_s=10)
    kms_stub.fault("encrypt", *[google_error(503, "UNAVAILABLE", "try again")] * 2)
    assert wrapper.unwrap(wrapper.wrap(b"k" * 32, b"ctx"), b"ctx") == b"k" * 32
    assert len(kms_stub.of("encrypt")) == 3


def test_a_long_kms_outage_is_retryable_and_a_refusal_is_not(kms_stub):  # noqa: F811
    wrapper = KmsKeyWrapper(KEY_NAME, client=kms_client(kms_stub), retry_deadline_s=0.3)
    kms_stub.fault("encrypt", *[google_error(503, "UNAVAILABLE", "try again")] * 50)
    with pytest.raises(SecretUnavailableError) as info:
        wrapper.wrap(b"k" * 32, b"ctx")
    assert info.value.retryable and "503" in info.value.message
    kms_stub.clear_faults()
    denied = "Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied"
    kms_stub.fault("encrypt", google_error(403, "PERMISSION_DENIED", denied))
    with pytest.raises(SecretUnavailableError) as info:
        wrapper.wrap(b"k" * 32, b"ctx")
    assert not info.value.retryable


def test_kms_requests_carry_crc32c_checks_and_never_the_secret_itself(kms_stub):  # noqa: F811
    box = SecretBox(KmsKeyWrapper(KEY_NAME, client=kms_client(kms_stub)))
    sealed = box.seal("whsec_do-not-send-me", "webhooks/alice/secret")
    assert box.open(sealed, "webhooks/alice/secret") == "whsec_do-not-send-me"
    [encrypt] = kms_stub.of("encrypt")
    [decrypt] = kms_stub.of("decrypt")
    assert encrypt.path == f"/v1/{KEY_NAME}:encrypt"
    assert {"plaintextCrc32c", "additionalAuthenticatedDataCrc32c"} <= set(encrypt.json())
    assert "ciphertextCrc32c" in decrypt.json()
    assert b"whsec_do-not-send-me" not in encrypt.body + decrypt.body


def test_a_corrupted_kms_answer_is_caught_by_its_checksum(kms_stub):  # noqa: F811
    wrapper = KmsKeyWrapper(KEY_NAME, client=kms_client(kms_stub))
    wrapped = wrapper.wrap(b"k" * 32, b"ctx")
    kms_stub.fault(
        "decrypt", Reply(200, {"plaintext": "AAAA", "plaintextCrc32c": "1", "usedPrimary": True})
    )
    with pytest.raises(SecretUnavailableError, match="corrupted"):
        wrapper.unwrap(wrapped, b"ctx")
