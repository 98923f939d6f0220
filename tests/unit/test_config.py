"""Settings from the environment: defaults, validation naming the variable, safety rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.config import Settings
from common.domain.errors import InvalidInputError


def test_the_embedded_default_needs_no_environment():
    settings = Settings.from_env({})
    assert (settings.store, settings.blobs, settings.queue) == ("sqlite", "fs", "inprocess")
    assert (settings.script, settings.images, settings.video, settings.voice) == ("offline",) * 4
    assert settings.auth == "dev"
    assert settings.database_path == Path(".storygenius/storygenius.sqlite3")


def test_environment_variables_set_fields():
    settings = Settings.from_env({"STORYGENIUS_QUEUE_WORKERS": "7", "STORYGENIUS_DATA_DIR": "/x"})
    assert settings.queue_workers == 7
    assert settings.data_dir == Path("/x")


def test_a_bad_value_names_the_variable():
    with pytest.raises(InvalidInputError) as info:
        Settings.from_env({"STORYGENIUS_STORE": "mongo"})
    assert "STORYGENIUS_STORE" in info.value.fields


def test_dev_auth_is_refused_with_cloud_backends_unless_allowed():
    env = {"STORYGENIUS_STORE": "firestore", "GOOGLE_CLOUD_PROJECT": "p", "STORYGENIUS_AUTH": "dev"}
    with pytest.raises(InvalidInputError, match="refused"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "STORYGENIUS_ALLOW_DEV_AUTH": "1"}).auth == "dev"
    assert Settings.from_env({k: v for k, v in env.items() if k != "STORYGENIUS_AUTH"}).auth == (
        "firebase"
    )


def test_cloud_choices_require_their_wiring():
    with pytest.raises(InvalidInputError, match="STORYGENIUS_BUCKET"):
        Settings.from_env({"STORYGENIUS_BLOBS": "gcs", "STORYGENIUS_AUTH": "firebase"})
    # A provider's own credentials are its registration's: tests/unit/test_provider_registry.py
