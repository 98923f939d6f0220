"""The narrator's voice catalogue: which voices speak a language, and a sample of one."""

from __future__ import annotations

from typing import Protocol

from common.domain.voices import Voice


class VoiceCatalogue(Protocol):
    """The voices of the configured narrator (espeak-ng offline, the ElevenLabs account)."""

    provider: str

    def voices(self, language: str) -> list[Voice]:
        """The voices that speak `language` (a primary subtag the narrator speaks), the one
        "default" speaks it with first and marked; `sample_url` unset."""
        ...

    def find(self, voice: str) -> Voice | None:
        """The voice `settings.voice` names (an id, or a name where the narrator takes names),
        whatever its language; None when the narrator has no such voice."""
        ...

    def sample(self, voice: Voice) -> tuple[bytes, str] | None:
        """A short line said by `voice` in `voice.language`: (audio, mime type), made anew on
        every call (the caller keeps it); None when the voice has a provider preview."""
        ...
