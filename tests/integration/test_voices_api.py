"""Voices and languages through the API, offline: espeak-ng's voices per language with samples
made once, and a project's voice checked when it is written."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from common.domain.languages import OFFLINE_LANGUAGES
from functions.server import create_app
from tests.support.api import ALICE, installed
from tests.support.fakes import RecordingQueue


@pytest.fixture
def svc(make_services):
    svc = make_services(queue=RecordingQueue())
    with installed(svc):
        yield svc


@pytest.fixture
def client(svc):
    return Client(create_app())  # the local server: the API and its /media links


def test_voices_of_a_language_come_default_first_each_with_a_sample_to_play(svc, client):
    answer = client.get("/v1/voices?language=ja", headers=ALICE)
    assert answer.status_code == 200, answer.json
    voices = answer.json["voices"]
    assert [v["id"] for v in voices] == ["ja", "ja+f3", "ja+m3", "ja+f4"]
    assert voices[0]["default"] and not any(v["default"] for v in voices[1:])
    assert {v["language"] for v in voices} == {"ja"} and {v["provider"] for v in voices} == {
        "espeak-ng"
    }
    sample = client.get(voices[1]["sample_url"])
    assert sample.status_code == 200 and sample.data[:4] == b"RIFF"
    assert sample.data[8:12] == b"WAVE"
    assert len(sample.data) > 22050  # about a second of 16-bit speech at least


def test_a_voice_s_sample_is_made_once_and_kept(svc, client):
    client.get("/v1/voices?language=ko", headers=ALICE)
    key = "voices/espeak-ng/ko/ko+f3.wav"
    assert svc.blobs.exists(key)
    svc.blobs.put(key, b"RIFF-kept", "audio/wav")  # a second listing must not make it again
    again = client.get("/v1/voices?language=ko", headers=ALICE).json["voices"]
    assert client.get(next(v for v in again if v["id"] == "ko+f3")["sample_url"]).data == (
        b"RIFF-kept"
    )


def test_every_offline_language_has_voices_and_its_default_follows_it(client):
    for code in sorted(OFFLINE_LANGUAGES):
        voices = client.get(f"/v1/voices?language={code}", headers=ALICE).json["voices"]
        assert voices and voices[0]["default"], code
        assert all(code in v["languages"] for v in voices), code


def test_voices_of_a_language_the_narrator_does_not_speak_are_a_400_naming_it(client):
    answer = client.get("/v1/voices?language=sw", headers=ALICE)
    assert answer.status_code == 400
    assert "language" in answer.json["error"]["fields"]
    assert client.get("/v1/voices", headers=ALICE).status_code == 400


def test_auto_lists_no_voices_as_the_default_follows_the_detected_language(client):
    answer = client.get("/v1/voices?language=auto", headers=ALICE)
    assert answer.status_code == 200 and answer.json == {"voices": []}


def test_the_languages_listed_are_those_told_end_to_end_offline(client):
    listed = client.get("/v1/languages", headers=ALICE).json["languages"]
    assert {entry["code"] for entry in listed} == OFFLINE_LANGUAGES
    arabic = next(entry for entry in listed if entry["code"] == "ar")
    assert arabic == {"code": "ar", "name": "Arabic", "script": "arabic", "rtl": True}


def _create(client, **settings):
    return client.post(
        "/v1/projects", json={"prompt": "A fox", "settings": settings}, headers=ALICE
    )


def test_an_unknown_voice_at_create_is_a_400_naming_settings_voice(client):
    answer = _create(client, voice="nobody-here")
    assert answer.status_code == 400
    assert "no voice 'nobody-here'" in answer.json["error"]["fields"]["settings.voice"]


def test_a_voice_of_another_language_is_a_400_naming_settings_voice(client):
    answer = _create(client, language="ja", voice="fr")
    assert answer.status_code == 400
    assert "speaks fr (French), not Japanese" in answer.json["error"]["fields"]["settings.voice"]


def test_a_listed_voice_and_another_espeak_variant_of_it_are_accepted(client):
    assert _create(client, language="ja", voice="ja+f3").status_code == 201
    assert _create(client, language="auto", voice="en-us+klatt").status_code == 201


def test_changing_the_voice_or_the_language_checks_them_together(client):
    project = _create(client, language="ja", voice="ja+f3").json
    url = f"/v1/projects/{project['id']}"
    answer = client.patch(url, json={"settings": {"voice": "de"}}, headers=ALICE)
    assert answer.status_code == 400 and "settings.voice" in answer.json["error"]["fields"]
    answer = client.patch(url, json={"settings": {"language": "ko"}}, headers=ALICE)
    assert answer.status_code == 400 and "settings.voice" in answer.json["error"]["fields"]
    answer = client.patch(url, json={"settings": {"language": "ko", "voice": "ko"}}, headers=ALICE)
    assert answer.status_code == 200, answer.json


def test_with_elevenlabs_the_account_s_voices_are_listed_and_checked(make_services):
    from tests.stubs.elevenlabs_server import DEFAULT_VOICES, ElevenLabsStub

    with ElevenLabsStub() as stub:
        settings = {
            "voice": "elevenlabs",
            "elevenlabs_api_key": stub.api_key,
            "elevenlabs_base_url": stub.base_url,
        }
        with installed(make_services(settings, queue=RecordingQueue())):
            client = Client(create_app())
            voices = client.get("/v1/voices?language=de", headers=ALICE).json["voices"]
            assert [v["name"] for v in voices] == ["Rachel", "Adam"]  # the configured default
            assert voices[1]["sample_url"].endswith("/de.mp3")  # ElevenLabs' own preview
            assert _create(client, language="de", voice="Adam").status_code == 201
            assert _create(client, voice=DEFAULT_VOICES[1]["voice_id"]).status_code == 201
            answer = _create(client, voice="Nobody")
            assert answer.status_code == 400
            assert (
                "elevenlabs narrator has no voice"
                in answer.json["error"]["fields"]["settings.voice"]
            )
