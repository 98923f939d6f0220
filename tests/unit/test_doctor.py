"""`python main.py doctor`: what the configured providers lack, and model ids past their
announced shutdown, before a job finds out."""

from __future__ import annotations

import pytest

from functions.cli import main


@pytest.fixture
def env(monkeypatch, tmp_path):
    for var in ("GOOGLE_CLOUD_PROJECT", "ELEVENLABS_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("STORYGENIUS_DATA_DIR", str(tmp_path))
    return monkeypatch


def test_the_offline_default_is_healthy(env, capsys):
    assert main(["doctor"]) == 0
    assert "providers: script=offline, images=offline, video=offline, voice=offline" in (
        capsys.readouterr().out
    )


def test_a_retired_model_id_is_an_error_naming_its_variable_and_date(env, capsys):
    env.setenv("STORYGENIUS_SCRIPT", "gemini")
    env.setenv("GOOGLE_CLOUD_PROJECT", "p")
    env.setenv("STORYGENIUS_VERTEX_BASE_URL", "http://127.0.0.1:9")
    env.setenv("STORYGENIUS_VERTEX_AUTH", "none")  # a stand-in: no ADC needed
    env.setenv("STORYGENIUS_GEMINI_SCRIPT_MODEL", "gemini-2.5-flash")

    assert main(["doctor"]) == 1
    err = capsys.readouterr().err
    assert "STORYGENIUS_GEMINI_SCRIPT_MODEL=gemini-2.5-flash: shut down on 2026-06-17" in err


def test_a_missing_credential_is_an_error_naming_its_variable(env, capsys):
    env.setenv("STORYGENIUS_VOICE", "elevenlabs")
    assert main(["doctor"]) == 1
    assert "ELEVENLABS_API_KEY is required with STORYGENIUS_VOICE=elevenlabs" in (
        capsys.readouterr().err
    )
