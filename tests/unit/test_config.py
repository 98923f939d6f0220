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
    env = {"STORYGENIUS_QUEUE_CONCURRENCY": "images=7", "STORYGENIUS_DATA_DIR": "/x"}
    settings = Settings.from_env(env)
    assert settings.queue_limits["images"] == 7
    assert settings.queue_limits["video"] == 20  # not named: the registry's default
    assert settings.data_dir == Path("/x")


def test_the_voice_queue_follows_the_elevenlabs_concurrency_unless_named():
    assert Settings.from_env({"ELEVENLABS_API_KEY": "k"}).queue_limits["voice"] == 2
    env = {"STORYGENIUS_ELEVENLABS_MAX_CONCURRENCY": "5"}
    assert Settings.from_env(env).queue_limits["voice"] == 5
    env["STORYGENIUS_QUEUE_CONCURRENCY"] = "voice=3"
    assert Settings.from_env(env).queue_limits["voice"] == 3


def test_a_queue_class_the_registry_does_not_have_is_refused():
    with pytest.raises(InvalidInputError) as info:
        Settings.from_env({"STORYGENIUS_QUEUE_CONCURRENCY": "pictures=4"})
    assert "pictures" in info.value.message


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
