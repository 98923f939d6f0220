"""The offline narrator's voices: espeak-ng's voices for each language the offline writer
tells stories in, the language's own voice in a few timbres (espeak's variants), and samples
spoken by the narrator itself."""

from __future__ import annotations

import threading

from common.adapters.offline.voice.library import PROVIDER, installed_voices, variant_names
from common.adapters.offline.voice.narrator import EspeakNarrator
from common.domain.assets import NarrationRequest
from common.domain.languages import ESPEAK_VOICES, OFFLINE_LANGUAGES
from common.domain.pacing import base_language
from common.domain.voices import SAMPLE_LINES, Voice

# Timbres offered for a language's own voice: espeak's variant files (m1 is its plain voice).
VARIANTS = (("", "male", "male"), ("+f3", "female", "female"), ("+m3", "male", "male 2"),
            ("+f4", "female", "female 2"))  # fmt: skip
# Voices that read the language in another script (Pinyin, Shavian) or another language
# (Cantonese for Chinese text written in Mandarin).
_NOT_NARRATORS = ("latn", "shaw", "yue")


class EspeakVoices:
    """VoiceCatalogue of the espeak-ng narrator (espeak ships its voices: nothing to fetch)."""

    provider = PROVIDER

    def __init__(self, narrator: EspeakNarrator | None = None) -> None:
        self._narrator = narrator
        self._lock = threading.Lock()

    def voices(self, language: str) -> list[Voice]:
        code = base_language(language)
        if code not in OFFLINE_LANGUAGES:
            return []
        own = ESPEAK_VOICES[code]
        out: list[Voice] = []
        for voice in installed_voices():
            if code not in {base_language(tag) for tag in voice.languages}:
                continue
            if any(word in voice.identifier.lower() for word in _NOT_NARRATORS):
                continue
            if voice.short != own:
                out.append(self._voice(voice.short, voice.name, code, "male", ""))
                continue
            mine = [
                self._voice(voice.short + suffix, voice.name, code, gender, label)
                for suffix, gender, label in VARIANTS
            ]
            out[:0] = mine
        return out

    def _voice(self, ident: str, name: str, code: str, gender: str, label: str) -> Voice:
        return Voice(
            id=ident,
            name=f"{name}, {label}" if label else name,
            language=code,
            languages=[code],
            provider=PROVIDER,
            gender=gender,
            accent=name.partition("(")[2].rstrip(")"),
            default=ident == ESPEAK_VOICES[code],
        )

    def find(self, voice: str) -> Voice | None:
        wanted = voice.strip()
        base, plus, variant = wanted.partition("+")
        if plus and variant not in variant_names():
            return None
        listed = [v for code in sorted(OFFLINE_LANGUAGES) for v in self.voices(code)]
        exact = next((v for v in listed if v.id == wanted), None)
        if exact is not None:
            return exact
        # Another of espeak's variants of a listed voice ("en-us+klatt"): the narrator takes it.
        plain = next((v for v in listed if v.id == base.lower()), None)
        if plain is None or not plus:
            return None
        return plain.model_copy(update={"id": wanted, "name": f"{plain.name}, {variant}"})

    def sample(self, voice: Voice) -> tuple[bytes, str] | None:
        with self._lock:
            if self._narrator is None:
                self._narrator = EspeakNarrator()
        request = NarrationRequest(
            text=SAMPLE_LINES[voice.language], language=voice.language, voice=voice.id
        )
        narration = self._narrator.narrate(request)
        return narration.audio, narration.mime
