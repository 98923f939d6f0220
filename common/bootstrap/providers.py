"""The providers settings choose (script, images, video, voice), built lazily: nothing is
imported until a step first asks for one (cold start), and the Vertex AI providers share one
google-genai client."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from common.config import Settings
from common.domain.languages import FONT_SCRIPTS, SCRIPT_SAMPLES, language_support
from common.ports import BlobStore, ImageGenerator, Narrator, ScriptWriter, VideoGenerator
from common.services.projects.languages import LanguageGate


def _vertex_client(settings: Settings) -> Any:
    """The google-genai client for Vertex AI: Application Default Credentials, also for another
    endpoint (STORYGENIUS_VERTEX_BASE_URL: a regional or private one needs them), or a fixed
    token only where STORYGENIUS_VERTEX_AUTH=none says the endpoint checks none."""
    from common.adapters.vertex.client import VertexOptions, build_client, static_credentials

    anonymous = settings.vertex_auth == "none"
    return build_client(
        VertexOptions(
            project=settings.google_cloud_project,
            location=settings.vertex_location,
            base_url=settings.vertex_base_url,
            timeout_s=settings.vertex_timeout_s,
            attempts=settings.vertex_retry_attempts,
            retry_delay_s=settings.vertex_retry_delay_s,
            credentials=static_credentials() if anonymous else None,
        )
    )


def provider_setup_problems(settings: Settings) -> list[str]:
    """What the chosen real providers lack, found now rather than at a job's first step: Google
    credentials for Vertex AI (none where STORYGENIUS_VERTEX_AUTH=none)."""
    problems: list[str] = []
    uses_vertex = "gemini" in (settings.script, settings.images) or settings.video == "veo"
    if uses_vertex and settings.vertex_auth == "adc":
        from common.adapters.vertex.client import default_credentials
        from common.domain.errors import ProviderError

        try:
            default_credentials()
        except ProviderError as exc:
            problems.append(exc.message)
    return problems


def language_gate(settings: Settings) -> LanguageGate:
    """What the chosen script writer and narrator speak, the scripts the fonts where assembly
    runs draw, and the prompt language detector (its model is loaded on the first "auto"
    prompt, not here).

    Assembly in the Cloud Run job draws with the image's fonts, which its build checks against
    the declared FONT_PACKAGES; assembly in this process draws with the fonts installed here,
    read from fontconfig once, when a language is first checked.
    """
    from common.adapters.langid.detector import LangidDetector
    from common.media.fonts import drawable_scripts

    drawable: Callable[[], frozenset[str]] = lambda: FONT_SCRIPTS  # noqa: E731
    if settings.runner == "inprocess":
        drawable = functools.cache(lambda: drawable_scripts(SCRIPT_SAMPLES))
    support = language_support(settings.script, settings.voice, settings.elevenlabs_model, drawable)
    return LanguageGate(support, LangidDetector())


def stand_in_painter() -> ImageGenerator:
    """The offline painter, for a keyframe the image provider refused twice: it never refuses.
    Imported when first needed, so a step that never falls back never loads numpy."""
    from common.adapters.offline.painter import OfflineImageGenerator

    return OfflineImageGenerator()


def provider_factories(settings: Settings, blobs: BlobStore) -> dict[str, Callable[[], Any]]:
    """How to build each provider settings choose; nothing is imported until one is built.
    The Vertex providers share one client (Providers builds one provider at a time)."""
    vertex: list[Any] = []

    def vertex_client() -> Any:
        if not vertex:
            vertex.append(_vertex_client(settings))
        return vertex[0]

    def script() -> ScriptWriter:
        if settings.script == "offline":
            from common.adapters.offline.writer import OfflineScriptWriter

            return OfflineScriptWriter()
        from common.adapters.vertex.script import GeminiScriptWriter

        return GeminiScriptWriter(
            vertex_client(), settings.gemini_script_model, attempts=settings.script_attempts
        )

    def images() -> ImageGenerator:
        if settings.images == "offline":
            return stand_in_painter()
        from common.adapters.vertex.images import GeminiImageGenerator

        return GeminiImageGenerator(vertex_client(), settings.gemini_image_model)

    def video() -> VideoGenerator:
        if settings.video == "offline":
            from common.adapters.offline.kenburns import OfflineVideoGenerator

            return OfflineVideoGenerator()
        from common.adapters.vertex.veo import VeoVideoGenerator

        return VeoVideoGenerator(
            vertex_client(),
            settings.veo_model,
            blobs,
            # Veo reads keyframes from and writes clips to the media bucket directly.
            output_bucket=settings.bucket if settings.blobs == "gcs" else None,
            person_generation=settings.veo_person_generation,
        )

    def voice() -> Narrator:
        if settings.voice == "offline":
            from common.adapters.offline.voice import EspeakNarrator

            return EspeakNarrator()
        from common.adapters.elevenlabs.narrator import ElevenLabsNarrator

        return ElevenLabsNarrator(
            api_key=settings.elevenlabs_api_key,
            model=settings.elevenlabs_model,
            voice_id=settings.elevenlabs_voice_id,
            output_format=settings.elevenlabs_output_format,
            base_url=settings.elevenlabs_base_url,
            max_concurrency=settings.elevenlabs_max_concurrency,
            timeout_s=settings.elevenlabs_timeout_s,
            max_attempts=settings.elevenlabs_max_attempts,
            backoff_s=settings.elevenlabs_backoff_s,
            deadline_s=settings.elevenlabs_deadline_s,
        )

    return {"script": script, "images": images, "video": video, "voice": voice}
