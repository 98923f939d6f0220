"""The one place adapters are chosen and built, from Settings.

`build_services(settings, **overrides)` returns everything wired; tests pass overrides (a store,
a clock, a provider) instead of patching. Nothing is built at import time; `services()` builds
once per process, on first use (a function instance's cold start). Backends and identity are
chosen in backends.py, providers in providers.py, the calendar's services in calendar.py.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass

from common.adapters.local.fs_blobs import FsBlobStore
from common.adapters.registry import ProviderRegistry
from common.bootstrap.backends import (
    build_authenticator,
    build_blobs,
    build_key_wrapper,
    build_media_links,
    build_queue,
    build_runner,
    build_step_callers,
    build_store,
)
from common.bootstrap.calendar import build_calendar
from common.bootstrap.connections import build_connections
from common.bootstrap.local_runner import LocalJobRunner
from common.bootstrap.observability import build_metrics, build_tracer
from common.bootstrap.providers import (
    build_providers,
    language_gate,
    model_warnings,
    provider_group_needs,
    provider_groups,
    provider_setup_problems,
    settings_check,
    stand_in_painter,
    voice_catalogue,
)
from common.config import Settings
from common.domain import steps
from common.domain.errors import InvalidInputError
from common.ports import (
    BlobStore,
    Clock,
    DocumentStore,
    ImageGenerator,
    JobRunner,
    Narrator,
    ScriptWriter,
    SystemClock,
    TaskQueue,
    VideoGenerator,
)
from common.ports.metrics import Metrics
from common.ports.publisher import Publisher
from common.ports.secrets import KeyWrapper
from common.ports.tokens import KeySource
from common.ports.tracing import Tracer
from common.services.accounts.analytics import UsageAnalytics
from common.services.accounts.connections import ConnectionService
from common.services.accounts.idempotency import IdempotencyKeys
from common.services.accounts.identity import Authenticator
from common.services.accounts.quotas import Quotas
from common.services.accounts.rate_limit import RateLimiter
from common.services.accounts.secrets import SecretBox
from common.services.accounts.sign_in import SignInPolicy
from common.services.accounts.step_callers import StepCallerVerifier
from common.services.accounts.stream_slots import StreamSlots
from common.services.accounts.usage import UsageRecorder
from common.services.calendar.posting import PostService
from common.services.calendar.publishing import PublishService
from common.services.calendar.scheduling import ScheduleService
from common.services.calendar.series import SeriesService
from common.services.calendar.tick import Ticker
from common.services.calendar.webhooks import WebhookService
from common.services.housekeeping import Housekeeping
from common.services.observability.delivery_spans import mark_duplicate
from common.services.observability.job_metrics import JobMetrics
from common.services.observability.job_traces import JobTraces
from common.services.pipeline.assembly import Assembler
from common.services.pipeline.assembly_tasks import AssemblyTask
from common.services.pipeline.assets import AssetCache, BlobSegmentCache
from common.services.pipeline.dispatch import Pipeline
from common.services.pipeline.jobs import JobRepository
from common.services.pipeline.ledger import StepLedger
from common.services.pipeline.step_router import StepRouter
from common.services.pipeline.sweeper import Sweeper
from common.services.projects.caption_styles import CaptionStyleService
from common.services.projects.deletion import ProjectDeletion
from common.services.projects.editor import StoryEditor
from common.services.projects.media_links import MediaLinks
from common.services.projects.projects import ProjectService
from common.services.projects.templates import TemplateService
from common.services.projects.upload_sessions import UploadSessions
from common.services.projects.uploads import UploadService
from common.services.projects.voices import VoiceService

__all__ = [
    "Services",
    "build_services",
    "install",
    "model_warnings",
    "provider_group_needs",
    "provider_groups",
    "provider_setup_problems",
    "services",
]

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    store: DocumentStore
    blobs: BlobStore
    queue: TaskQueue
    clock: Clock
    projects: ProjectService
    jobs: JobRepository
    assets: AssetCache
    pipeline: Pipeline
    assembler: Assembler
    assembly_task: AssemblyTask
    sweeper: Sweeper
    housekeeping: Housekeeping
    authenticator: Authenticator
    step_callers: StepCallerVerifier
    schedules: ScheduleService
    series: SeriesService
    webhooks: WebhookService
    publishing: PublishService
    ticker: Ticker
    analytics: UsageAnalytics
    steps: StepRouter
    uploads: UploadService
    templates: TemplateService
    secrets: SecretBox
    connections: ConnectionService
    posts: PostService
    editor: StoryEditor
    media_links: MediaLinks
    voices: VoiceService
    caption_styles: CaptionStyleService
    idempotency: IdempotencyKeys
    rate_limits: RateLimiter
    sign_in: SignInPolicy
    deletion: ProjectDeletion
    streams: StreamSlots
    upload_sessions: UploadSessions
    tracer: Tracer
    traces: JobTraces
    metrics: Metrics

    def warm_up(self) -> None:
        """Load now what a job's first steps would otherwise load on their first delivery: the
        four providers (SDK imports, clients) and the language identifier's model (~0.3 s on
        a quiet machine, 4.6 s measured under load, paid inside the first job's script step).
        `serve` runs it in the background as it starts, so its first job pays none of it."""
        started = time.monotonic()
        providers = self.pipeline.providers
        for built in (providers.script, providers.images, providers.video, providers.voice):
            assert built.id
        languages = self.projects.languages
        if languages is not None:
            with contextlib.suppress(InvalidInputError):  # any answer will do: it is loaded
                languages.resolve("auto", "A lighthouse keeper befriends a lonely whale")
        log.info(
            "warmed up in %.1f s: providers and the language identifier loaded",
            time.monotonic() - started,
        )

    def close(self) -> None:
        for part in (self.queue, self.tracer, self.metrics):
            close = getattr(part, "close", None)
            if close is not None:
                close()


def build_services(
    settings: Settings | None = None,
    *,
    store: DocumentStore | None = None,
    blobs: BlobStore | None = None,
    queue: TaskQueue | None = None,
    runner: JobRunner | None = None,
    clock: Clock | None = None,
    script: ScriptWriter | None = None,
    images: ImageGenerator | None = None,
    video: VideoGenerator | None = None,
    voice: Narrator | None = None,
    firebase_keys: KeySource | None = None,
    oidc_keys: KeySource | None = None,
    publisher: Publisher | None = None,
    key_wrapper: KeyWrapper | None = None,
    registry: ProviderRegistry | None = None,
    tracer: Tracer | None = None,
    metrics: Metrics | None = None,
) -> Services:
    """Build and wire every service. Any argument given replaces the adapter settings choose."""
    settings = settings or Settings.from_env()
    # A task process rebuilds its services from the settings: only those settings chose
    # (adapters given in code, the tests' fakes, stay in this process: threads).
    rebuilt = all(part is None for part in (store, blobs, clock, registry, tracer))
    store = store or build_store(settings)
    traces = JobTraces(store)
    tracer = tracer or build_tracer(settings, traces)
    blobs = blobs or build_blobs(settings)
    queue = queue or build_queue(settings, tracer)
    clock = clock or SystemClock()
    providers = build_providers(settings, blobs, registry, tracer)
    for warning in model_warnings(settings, clock.now().date(), registry):
        log.warning("%s", warning)
    given = {"script": script, "images": images, "video": video, "voice": voice}
    for name, provider in given.items():
        if provider is not None:
            providers.replace(name, provider)
    runner = runner or build_runner(settings, tracer)
    local_runner = None
    if runner is None:
        local_runner = LocalJobRunner(settings if rebuilt else None, tracer=tracer)
        runner = local_runner

    voices = voice_catalogue(settings)
    gate = language_gate(settings, voices)
    templates = TemplateService(store, clock, lambda owner, pid: projects.get(owner, pid).settings)
    projects = ProjectService(
        store, clock, blobs, gate, settings_check(settings, registry), templates=templates
    )
    quotas = Quotas(store, clock, settings)
    metrics = metrics or build_metrics(settings)
    job_metrics = JobMetrics(metrics)

    def job_ended(job_id: str) -> None:
        quotas.release(job_id)
        job_metrics.job_ended(jobs.get(job_id))

    jobs = JobRepository(store, clock, settings.progress_interval_s, on_end=job_ended)
    assets = AssetCache(blobs)
    traced = tracer
    ledger = StepLedger(
        store, clock, settings.step_lease_s, replayed=lambda key: mark_duplicate(traced)
    )
    pipeline = Pipeline(
        settings=settings,
        projects=projects,
        jobs=jobs,
        ledger=ledger,
        assets=assets,
        blobs=blobs,
        queue=queue,
        runner=runner,
        providers=providers,
        clock=clock,
        usage=UsageRecorder(store, clock, settings),
        quotas=quotas,
        stand_in=stand_in_painter,
    )
    assembler = Assembler(
        settings=settings, projects=projects, jobs=jobs, assets=assets, blobs=blobs, clock=clock
    )
    assembly_task = AssemblyTask(
        assembler=assembler,
        jobs=jobs,
        cache=BlobSegmentCache(blobs),
        clock=clock,
        join_lease_s=settings.stall_after_s,
    )
    if local_runner is not None:
        local_runner.task = assembly_task
    box = SecretBox(key_wrapper or build_key_wrapper(settings))
    media_links = build_media_links(settings, blobs, clock)
    voice_list = VoiceService(voices, gate.support.narrator_languages, blobs, media_links, clock)
    connections = build_connections(settings, store, clock, box)
    calendar = build_calendar(
        settings,
        store,
        clock,
        projects,
        jobs,
        pipeline,
        blobs,
        queue,
        publisher,
        box,
        media_links,
        connections,
    )
    uploads = UploadService(settings, projects, blobs, clock)
    router = StepRouter(
        {**pipeline.step_handlers(), steps.PUBLISH: calendar.publishing.handle}, tracer
    )
    bind = getattr(queue, "bind", None)
    if bind is not None:
        bind(router.deliver)
    sweeper = Sweeper(
        settings=settings, store=store, clock=clock, jobs=jobs, ledger=ledger, queue=pipeline.queue
    )
    return Services(
        settings=settings,
        store=store,
        blobs=blobs,
        queue=queue,
        clock=clock,
        projects=projects,
        jobs=jobs,
        assets=assets,
        pipeline=pipeline,
        assembler=assembler,
        assembly_task=assembly_task,
        sweeper=sweeper,
        # A folder's blobs expire by the bucket's rules here; Cloud Storage applies its own.
        housekeeping=Housekeeping(
            store=store,
            clock=clock,
            expire_blobs=blobs.expire if isinstance(blobs, FsBlobStore) else None,
        ),
        authenticator=build_authenticator(settings, clock, firebase_keys),
        step_callers=build_step_callers(settings, clock, oidc_keys),
        schedules=calendar.schedules,
        series=calendar.series,
        webhooks=calendar.webhooks,
        publishing=calendar.publishing,
        ticker=calendar.ticker,
        analytics=UsageAnalytics(store, calendar.posts.of_owner),
        steps=router,
        secrets=box,
        connections=connections,
        posts=calendar.posts,
        uploads=uploads,
        templates=templates,
        editor=StoryEditor(projects, uploads, providers.choice.rates),
        media_links=media_links,
        voices=voice_list,
        caption_styles=CaptionStyleService(blobs, media_links, clock),
        idempotency=IdempotencyKeys(store, clock),
        rate_limits=RateLimiter(store, clock, settings),
        sign_in=SignInPolicy(settings, pipeline.quotas),
        streams=StreamSlots(settings),
        upload_sessions=UploadSessions(settings, projects, uploads, blobs, media_links, clock),
        deletion=ProjectDeletion(
            blobs=blobs,
            projects=projects,
            jobs=jobs,
            pipeline=pipeline,
            schedules=calendar.schedules,
            traces=traces,
        ),
        tracer=tracer,
        traces=traces,
        metrics=metrics,
    )


_lock = threading.Lock()
_services: Services | None = None


def services() -> Services:
    """The process's services, built on first use from the environment."""
    global _services
    with _lock:
        if _services is None:
            from common.logs import configure_json_logging, correlate_traces

            # A process serving functions (cloud, `serve`) logs JSON lines Cloud Logging reads,
            # each naming the trace span it was written in.
            configure_json_logging(os.environ.get("STORYGENIUS_LOG_LEVEL") or "INFO")
            _services = build_services()
            correlate_traces(_services.settings.google_cloud_project, _services.tracer.log_ids)
        return _services


def install(svc: Services | None) -> None:
    """Make `svc` the process's services (tests and the local server); None forgets them."""
    global _services
    with _lock:
        _services = svc
