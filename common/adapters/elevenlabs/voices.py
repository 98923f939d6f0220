"""The ElevenLabs account's voices, through the SDK's `client.voices.search` (GET /v2/voices).

ElevenLabs' multilingual models speak every language of the model with any voice, so every
voice of the account is listed for each of those languages; a voice ElevenLabs verified for the
language (`verified_languages`) or labelled with it comes first, with that language's own
preview. The narrator's configured voice is "default". Samples are ElevenLabs' previews: making
one here would be a paid call per voice. The list is read once per `cache_s` (it changes when
the account's owner adds a voice), paged 100 at a time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from common.adapters.elevenlabs.errors import PROVIDER, translate
from common.domain.languages import ELEVENLABS_LANGUAGES
from common.domain.pacing import base_language
from common.domain.voices import Voice

_PAGE = 100
_MAX_PAGES = 50


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


class ElevenLabsVoices:
    """VoiceCatalogue of the ElevenLabs narrator (`model` decides the languages)."""

    provider = PROVIDER

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        voice_id: str,
        base_url: str = "",
        timeout_s: float = 30.0,
        cache_s: float = 600.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        from elevenlabs.client import ElevenLabs  # heavy: only when voices are asked for

        self._client = ElevenLabs(api_key=api_key, base_url=base_url or None, timeout=timeout_s)
        self.model = model
        self.voice_id = voice_id
        default_languages = ELEVENLABS_LANGUAGES["eleven_multilingual_v2"]
        self._languages = ELEVENLABS_LANGUAGES.get(model, default_languages)
        self._timeout_s = timeout_s
        self._cache_s = cache_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Any]] | None = None

    def _account_voices(self) -> list[Any]:
        with self._lock:
            now = self._monotonic()
            if self._cached is not None and now - self._cached[0] < self._cache_s:
                return self._cached[1]
            found: list[Any] = []
            token: str | None = None
            for _ in range(_MAX_PAGES):
                page = self._search(token)
                found += list(_field(page, "voices") or [])
                token = _field(page, "next_page_token")
                if not _field(page, "has_more") or not token:
                    break
            self._cached = (now, found)
            return found

    def _search(self, token: str | None) -> Any:
        try:
            return self._client.voices.search(
                page_size=_PAGE,
                next_page_token=token,
                request_options={"max_retries": 1, "timeout_in_seconds": int(self._timeout_s)},
            )
        except Exception as exc:
            failure = translate(exc)
            if failure is None:
                raise
            raise failure.error from exc

    def voices(self, language: str) -> list[Voice]:
        code = base_language(language)
        if code not in self._languages:
            return []
        ranked = []
        for item in self._account_voices():
            voice = self._voice(item, code)
            ranked.append(
                ((not voice.default, not _native(item, code), voice.name.casefold()), voice)
            )
        return [voice for _, voice in sorted(ranked, key=lambda pair: pair[0])]

    def _voice(self, item: Any, code: str) -> Voice:
        labels = _field(item, "labels") or {}
        verified = next(
            (v for v in _field(item, "verified_languages") or [] if _field(v, "language") == code),
            None,
        )
        voice_id = str(_field(item, "voice_id"))
        return Voice(
            id=voice_id,
            name=str(_field(item, "name") or voice_id),
            language=code,
            languages=sorted(self._languages),
            provider=PROVIDER,
            gender=str(_field(labels, "gender") or ""),
            accent=str(_field(verified, "accent") or _field(labels, "accent") or ""),
            description=str(_field(item, "description") or _field(labels, "descriptive") or ""),
            default=voice_id == self.voice_id,
            preview_url=_field(verified, "preview_url") or _field(item, "preview_url"),
        )

    def find(self, voice: str) -> Voice | None:
        wanted = voice.strip()
        for item in self._account_voices():
            name = str(_field(item, "name") or "")
            if wanted == _field(item, "voice_id") or wanted.casefold() == name.casefold():
                labels = _field(item, "labels") or {}
                label = base_language(str(_field(labels, "language") or "en"))
                return self._voice(item, label if label in self._languages else "en")
        return None

    def sample(self, voice: Voice) -> tuple[bytes, str] | None:
        return None  # ElevenLabs' own preview (preview_url) is the sample


def _native(item: Any, code: str) -> bool:
    """Whether ElevenLabs verified the voice for `code`, or labels it with that language."""
    verified = {_field(v, "language") for v in _field(item, "verified_languages") or []}
    labels = _field(item, "labels") or {}
    return code in verified or base_language(str(_field(labels, "language") or "")) == code
