"""The offline key-encryption key: an owner-only file, made once, shared by processes."""

from __future__ import annotations

import stat

import pytest

from common.adapters.crypto.local_key import LocalKeyFile
from common.domain.secrets import SecretUnavailableError
from common.services.accounts.secrets import SecretBox


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_file_is_made_owner_only_in_an_owner_only_folder(tmp_path):
    path = tmp_path / "data" / "keys" / "secrets.key"
    LocalKeyFile(path)
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert len(path.read_bytes()) == 32


def test_a_second_instance_on_the_same_file_opens_what_the_first_sealed(tmp_path):
    path = tmp_path / "secrets.key"
    sealed = SecretBox(LocalKeyFile(path)).seal("refresh-token", "ctx")
    assert SecretBox(LocalKeyFile(path)).open(sealed, "ctx") == "refresh-token"


def test_another_key_file_cannot_open_it(tmp_path):
    sealed = SecretBox(LocalKeyFile(tmp_path / "a.key")).seal("refresh-token", "ctx")
    with pytest.raises(SecretUnavailableError, match="does not open"):
        SecretBox(LocalKeyFile(tmp_path / "b.key")).open(sealed, "ctx")


def test_a_key_file_others_can_read_is_refused(tmp_path):
    path = tmp_path / "secrets.key"
    LocalKeyFile(path)
    path.chmod(0o644)
    with pytest.raises(SecretUnavailableError, match="readable by others"):
        LocalKeyFile(path)


def test_a_key_file_of_the_wrong_size_is_refused(tmp_path):
    path = tmp_path / "secrets.key"
    path.write_bytes(b"short")
    path.chmod(0o600)
    with pytest.raises(SecretUnavailableError, match="32-byte"):
        LocalKeyFile(path)
