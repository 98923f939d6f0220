"""The providers settings choose (script, images, video, voice), resolved against the provider
registry (common/adapters/registry.py) and built lazily: nothing is imported until a step
first asks for one (cold start). Services get the chosen providers' descriptors as a
ProviderChoice (price models, quota classes, the narrator's speaking rates)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from common.adapters.registry import BuildContext, ProviderRegistry, default_registry
from common.config import PREFIX, Settings
from common.domain.errors import InvalidInputError
from common.domain.languages import FONT_SCRIPTS, SCRIPT_SAMPLES, language_support
from common.domain.model_catalogue import lifecycle_warnings
from common.domain.project import ProjectSettings
from common.domain.providers import ProviderChoice, SettingsCheck
from common.ports import BlobStore, ImageGenerator, VoiceCatalogue
from common.ports.tracing import NULL_TRACER, Tracer
from common.services.accounts.estimates import check_budget
from common.services.observability.provider_spans import traced_provider
from common.services.pipeline.providers import Providers
from common.services.projects.languages import LanguageGate

log = logging.getLogger(__name__)


def build_providers(
    settings: Settings,
    blobs: BlobStore,
    registry: ProviderRegistry | None = None,
    tracer: Tracer = NULL_TRACER,
) -> Providers:
    """The chosen providers, each built on first use, with what services know of them and a
    span around each call. InvalidInputError naming the variable for an unknown id or a
    missing credential."""
    chosen = (registry or default_registry()).chosen(settings)
    choice = ProviderChoice(**{kind: r.info(settings) for kind, r in chosen.items()})
    context = BuildContext(settings=settings, blobs=blobs, rates=choice.rates)
    factories: dict[str, Callable[[], Any]] = {
        kind: functools.partial(r.build, context) for kind, r in chosen.items()
    }

    def wrap(kind: str, provider: Any) -> Any:
        return traced_provider(tracer, choice.of(kind), provider)  # type: ignore[arg-type]

    return Providers(factories, choice, wrap=wrap)


def settings_check(settings: Settings, registry: ProviderRegistry | None = None) -> SettingsCheck:
    """How project settings are checked against the chosen providers when a project is written:
    the voice must be one the chosen narrator has (when its registration can tell), and a budget
    must pay for at least the cheapest video of the requested length at their prices."""
    registry = registry or default_registry()
    chosen = registry.chosen(settings)
    narrator = chosen["voice"]
    known = narrator.known_voice
    choice = ProviderChoice(**{kind: r.info(settings) for kind, r in chosen.items()})

    def check(project: ProjectSettings) -> dict[str, str]:
        problems = check_budget(project, choice)
        if (
            known is None
            or project.voice == "default"
            or known(settings, project.language, project.voice)
        ):
            return problems
        return {
            **problems,
            "settings.voice": f"the {narrator.id} narrator has no voice {project.voice!r} for "
            f"language {project.language!r}: use 'default' or one of GET /v1/voices",
        }

    return check


def provider_setup_problems(
    settings: Settings, registry: ProviderRegistry | None = None
) -> list[str]:
    """What the chosen providers lack, found now rather than at a job's first step: unknown
    ids and missing settings (as build_services would refuse them), then each provider's own
    probe (e.g. Google credentials for Vertex AI; none where STORYGENIUS_VERTEX_AUTH=none).
    Does I/O: for the command line and `doctor`, not cold starts."""
    try:
        chosen = (registry or default_registry()).chosen(settings)
    except InvalidInputError as exc:
        return list(exc.fields.values())
    problems = []
    for registration in chosen.values():
        problem = registration.probe(settings) if registration.probe else None
        if problem and problem not in problems:
            problems.append(problem)
    return problems


def voice_catalogue(settings: Settings) -> Callable[[], VoiceCatalogue] | None:
    """The chosen narrator's voices, built when first asked for (once); None for a narrator
    with no catalogue here (another provider's voices are not checked or listed)."""
    if settings.voice not in ("offline", "elevenlabs"):
        return None

    @functools.cache
    def build() -> VoiceCatalogue:
        if settings.voice == "offline":
            from common.adapters.offline.voice.catalogue import EspeakVoices

            return EspeakVoices()
        from common.adapters.elevenlabs.voices import ElevenLabsVoices

        return ElevenLabsVoices(
            api_key=settings.elevenlabs_api_key,
            model=settings.elevenlabs_model,
            voice_id=settings.elevenlabs_voice_id,
            base_url=settings.elevenlabs_base_url,
            timeout_s=settings.elevenlabs_timeout_s,
        )

    return build


def language_gate(
    settings: Settings, voices: Callable[[], VoiceCatalogue] | None = None
) -> LanguageGate:
    """What the chosen script writer and narrator speak, the scripts the fonts where assembly
    runs draw, and the prompt language detector (its model is loaded on the first "auto"
    prompt, not here), and the narrator's voices `settings.voice` must be one of.

    Assembly in the Cloud Run job draws with the image's fonts, which its build checks against
    the declared FONT_PACKAGES; assembly in this process draws with the fonts installed here,
    read from fontconfig once, when a language is first checked.
    """
    from common.adapters.langid.detector import LangidDetector
    from common.media.text.fonts import drawable_scripts

    drawable: Callable[[], frozenset[str]] = lambda: FONT_SCRIPTS  # noqa: E731
    if settings.runner == "inprocess":
        drawable = functools.cache(lambda: drawable_scripts(SCRIPT_SAMPLES))
    support = language_support(settings.script, settings.voice, settings.elevenlabs_model, drawable)
    return LanguageGate(support, LangidDetector(), voices)


def model_warnings(
    settings: Settings, today: date, registry: ProviderRegistry | None = None
) -> list[str]:
    """Configured model ids of the chosen providers that are past their announced shutdown or
    unknown to the model catalogue (no I/O: the startup log and `doctor` say them)."""
    try:
        chosen = (registry or default_registry()).chosen(settings)
    except InvalidInputError:
        return []  # build_services and doctor report that themselves
    models = {
        PREFIX + r.model_setting.upper(): str(getattr(settings, r.model_setting))
        for r in chosen.values()
        if r.model_setting
    }
    return lifecycle_warnings(models, today)


def provider_groups(registry: ProviderRegistry | None = None) -> dict[str, dict[str, str]]:
    """The command line's `--providers` names and the settings each chooses."""
    return (registry or default_registry()).groups()


def provider_group_needs(
    registry: ProviderRegistry | None = None,
) -> dict[str, list[tuple[str, str]]]:
    """What each `--providers` name needs from the environment: (variable, what it is)."""
    needs = (registry or default_registry()).group_credentials()
    return {group: [(c.env, c.what) for c in creds] for group, creds in needs.items()}


def stand_in_painter() -> ImageGenerator:
    """The offline painter, for a keyframe the image provider refused twice: it never refuses.
    Imported when first needed, so a step that never falls back never loads numpy."""
    from common.adapters.offline.painter import OfflineImageGenerator

    return OfflineImageGenerator()
