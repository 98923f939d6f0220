"""The Vertex AI providers' descriptors (group `vertex`): Gemini writes and paints, Veo
animates. They share one google-genai client per process, need a Google Cloud project, and
are priced per call, image or second of the configured model (common/domain/model_catalogue.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.adapters.registry import BuildContext, Credential, ProviderRegistration
from common.config import Settings
from common.domain.model_catalogue import GEMINI_IMAGE, GEMINI_TEXT, VEO, priced
from common.domain.providers import PriceModel
from common.ports import ImageGenerator, ScriptWriter, VideoGenerator

PROJECT = Credential(
    "google_cloud_project", "GOOGLE_CLOUD_PROJECT", "the project that runs Vertex AI"
)


def vertex_client(settings: Settings) -> Any:
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


def _client(ctx: BuildContext) -> Any:
    return ctx.shared("vertex", lambda: vertex_client(ctx.settings))


def _adc_problem(settings: Settings) -> str | None:
    """Whether Google credentials can be found (none are needed where
    STORYGENIUS_VERTEX_AUTH=none)."""
    if settings.vertex_auth == "none":
        return None
    from common.adapters.vertex.client import default_credentials
    from common.domain.errors import ProviderError

    try:
        default_credentials()
    except ProviderError as exc:
        return exc.message
    return None


def _script(ctx: BuildContext) -> ScriptWriter:
    from common.adapters.vertex.script import GeminiScriptWriter

    s = ctx.settings
    return GeminiScriptWriter(
        _client(ctx), s.gemini_script_model, attempts=s.script_attempts, rates=ctx.rates
    )


def _images(ctx: BuildContext) -> ImageGenerator:
    from common.adapters.vertex.images import GeminiImageGenerator

    return GeminiImageGenerator(_client(ctx), ctx.settings.gemini_image_model)


def _video(ctx: BuildContext) -> VideoGenerator:
    from common.adapters.vertex.veo import VeoVideoGenerator

    s = ctx.settings
    return VeoVideoGenerator(
        _client(ctx),
        s.veo_model,
        ctx.blobs,
        # Veo reads keyframes from and writes clips to the media bucket directly.
        output_bucket=s.bucket if s.blobs == "gcs" else None,
        person_generation=s.veo_person_generation,
    )


def _price_of(setting: str, family: str) -> Callable[[Settings], PriceModel]:
    def price(settings: Settings) -> PriceModel:
        model = priced(getattr(settings, setting), family)
        return PriceModel(unit=model.unit, usd_per_unit=model.usd_per_unit)

    return price


def _vertex(
    kind: Any, pid: str, build: Callable[[BuildContext], Any], setting: str, family: str, quota: Any
) -> ProviderRegistration:
    return ProviderRegistration(
        kind,
        pid,
        build,
        "vertex",
        price=_price_of(setting, family),
        quota=quota,
        credentials=(PROJECT,),
        probe=_adc_problem,
        model=lambda s: str(getattr(s, setting)),
        model_setting=setting,
    )


PROVIDERS = (
    _vertex("script", "gemini", _script, "gemini_script_model", GEMINI_TEXT, "metered"),
    _vertex("images", "gemini", _images, "gemini_image_model", GEMINI_IMAGE, "metered"),
    _vertex("video", "veo", _video, "veo_model", VEO, "video_seconds"),
)
