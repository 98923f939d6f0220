"""The voices catalogue: the narrator's voices per language, each with a short sample to hear.

A sample is made once per voice and language and kept in the blob store (voices/...), so the
voice picker plays it from a signed link like any other media; ElevenLabs' voices come with
ElevenLabs' own previews (one made here would be a paid call per voice).
"""

from __future__ import annotations

from collections.abc import Callable

from common.domain.errors import InvalidInputError
from common.domain.languages import LANGUAGES, names
from common.domain.pacing import base_language
from common.domain.voices import Voice, VoiceList
from common.ports import BlobStore, Clock, VoiceCatalogue
from common.services.projects.media_links import MediaLinks, link_expiry

_EXTENSIONS = {"audio/wav": "wav", "audio/mpeg": "mp3"}


class VoiceService:
    """Lists the configured narrator's voices (built when first asked: the catalogue may call
    the provider)."""

    def __init__(
        self,
        catalogue: Callable[[], VoiceCatalogue] | None,
        narrator_languages: frozenset[str],
        blobs: BlobStore,
        links: MediaLinks,
        clock: Clock,
    ) -> None:
        self._catalogue = catalogue
        self._languages = narrator_languages
        self._blobs = blobs
        self._links = links
        self._clock = clock

    def list(self, language: str) -> VoiceList:
        """The voices that speak `language`, "default"'s first, each with a `sample_url`; none
        for "auto" (the default voice follows the language detected from the prompt).

        A language the narrator does not speak is an InvalidInputError naming `language`.
        """
        if language.strip().lower() == "auto":
            return VoiceList(voices=[])  # the default voice follows the detected language
        code = base_language(language)
        if code not in self._languages:
            shown = LANGUAGES[code].name if code in LANGUAGES else repr(language)
            message = (
                f"{shown} is not a language the narrator speaks; it speaks {names(self._languages)}"
            )
            raise InvalidInputError(message, fields={"language": message})
        if self._catalogue is None:  # a narrator whose voices are not listed here
            return VoiceList(voices=[])
        catalogue = self._catalogue()
        listed = []
        for voice in catalogue.voices(code):
            url = voice.preview_url or self._sample_url(catalogue, voice)
            listed.append(voice.model_copy(update={"sample_url": url}))
        return VoiceList(voices=listed)

    def _sample_url(self, catalogue: VoiceCatalogue, voice: Voice) -> str | None:
        """A link to the voice's sample, made and stored the first time it is asked for."""
        stem = f"voices/{catalogue.provider}/{voice.language}/{voice.id}"
        key = next(
            (
                f"{stem}.{ext}"
                for ext in _EXTENSIONS.values()
                if self._blobs.exists(f"{stem}.{ext}")
            ),
            None,
        )
        if key is None:
            made = catalogue.sample(voice)
            if made is None:
                return None
            audio, mime = made
            key = f"{stem}.{_EXTENSIONS.get(mime, 'bin')}"
            self._blobs.put(key, audio, mime)
        return self._links.link(key, link_expiry(self._clock.now()))
