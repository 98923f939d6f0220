"""The languages stories can be told in here, and the narrator's voices for each."""

from __future__ import annotations

from common.domain.voices import LanguageList, VoiceList, VoiceQuery
from functions.http import Response, json_response
from functions.routing import Call, dump, route


@route("GET", "/v1/languages", response=LanguageList)
def list_languages(call: Call[None, None]) -> Response:
    """The languages a story can be written, voiced and captioned in with the configured script
    writer, narrator and fonts (`settings.language` takes one of their codes, or `auto`)."""
    gate = call.svc.projects.languages
    return json_response(dump(gate.listed() if gate is not None else LanguageList(languages=[])))


@route("GET", "/v1/voices", query=VoiceQuery, response=VoiceList, errors=(400,))
def list_voices(call: Call[None, VoiceQuery]) -> Response:
    """The narrator's voices for `language`, the one `default` uses first (`default: true`),
    each with a short `sample_url` to listen to (made once and kept). `settings.voice` takes a
    voice's `id`. Offline: espeak-ng's voices; with ElevenLabs: the account's voices, with
    ElevenLabs' previews. A language the narrator does not speak is a 400 naming `language`;
    `auto` lists none (the default voice follows the language detected from the prompt)."""
    return json_response(dump(call.svc.voices.list(call.query.language)))
