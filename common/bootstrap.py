"""The one place adapters are chosen and built, from Settings.

`build_services(settings, **overrides)` returns everything wired; tests pass overrides (a store,
a clock, a provider) instead of patching. Nothing is built at import time; `services()` builds
once per process, on first use (a function instance's cold start).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common.config import Settings
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
from common.ports.publisher import Publisher
from common.ports.secrets import KeyWrapper
from common.ports.tokens import KeySource
from common.services.accounts.analytics import UsageAnalytics
from common.services.accounts.idempotency import IdempotencyKeys
from common.services.accounts.identity import Authenticator, FirebaseTokenVerifier
from common.services.accounts.quotas import Quotas
from common.services.accounts.rate_limit import RateLimiter
from common.services.accounts.secrets import SecretBox
from common.services.accounts.step_callers import (
    TASK_SECRET_HEADER,
    StepCallerVerifier,
    process_task_secret,
)
from common.services.accounts.usage import UsageRecorder
from common.services.calendar.publishing import PublishService
from common.services.calendar.scheduling import ScheduleService
from common.services.calendar.series import SeriesService
from common.services.calendar.tick import Ticker
from common.services.calendar.webhooks import WebhookService
from common.services.pipeline.assembly import Assembler
from common.services.pipeline.assets import AssetCache
from common.services.pipeline.core import Pipeline, Providers
from common.services.pipeline.jobs import JobRepository
from common.services.pipeline.ledger import StepLedger
from common.services.pipeline.step_router import StepRouter
from common.services.pipeline.sweeper import Sweeper
from common.services.projects.editor import StoryEditor
from common.services.projects.media_links import MediaLinks
from common.services.projects.projects import ProjectService
from common.services.projects.uploads import UploadService

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
    sweeper: Sweeper
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
    secrets: SecretBox
    editor: StoryEditor
    media_links: MediaLinks
    idempotency: IdempotencyKeys
    rate_limits: RateLimiter

    def close(self) -> None:
        close = getattr(self.queue, "close", None)
        if close is not None:
            close()


class LocalJobRunner:
    """Runs assembly in the calling worker thread (the embedded default has no Cloud Run)."""

    def __init__(self) -> None:
        self.assembler: Assembler | None = None

    def run_assembly(self, job_id: str) -> None:
        assert self.assembler is not None, "LocalJobRunner used before it was wired"
        self.assembler.run(job_id)


def _store(settings: Settings) -> DocumentStore:
    if settings.store == "sqlite":
        from common.adapters.crypto.local_key import private_dir
        from common.adapters.local.sqlite_store import SqliteDocumentStore

        private_dir(settings.data_dir)  # 0700: documents, media and the key file are private
        return SqliteDocumentStore(settings.database_path)
    from common.adapters.gcp.firestore_store import FirestoreDocumentStore

    # The client honours FIRESTORE_EMULATOR_HOST.
    return FirestoreDocumentStore(settings.google_cloud_project)


def _blobs(settings: Settings) -> BlobStore:
    if settings.blobs == "fs":
        from common.adapters.local.fs_blobs import FsBlobStore

        settings.media_dir.mkdir(parents=True, exist_ok=True)
        return FsBlobStore(settings.media_dir)
    from common.adapters.gcp.gcs_blobs import GcsBlobStore

    # The client honours STORAGE_EMULATOR_HOST. In the cloud, URLs are signed by IAM signBlob
    # as the runtime's service account (no key file); the emulator needs no signatures.
    signer = None
    if not os.environ.get("STORAGE_EMULATOR_HOST"):
        from common.adapters.gcp.iam_signer import IamSigningCredentials

        signer = IamSigningCredentials(settings.signer_service_account)
    return GcsBlobStore(settings.bucket, signer_credentials=signer)


def _queue(settings: Settings) -> TaskQueue:
    if settings.queue == "inprocess":
        from common.adapters.local.inprocess_queue import InProcessTaskQueue

        return InProcessTaskQueue(
            workers=settings.queue_workers, max_attempts=settings.max_attempts
        )
    from common.adapters.gcp.cloud_tasks import CloudTasksQueue, emulator_client

    client = None
    if settings.tasks_emulator_host:
        client = emulator_client(settings.tasks_emulator_host)
    queue = CloudTasksQueue(
        project=settings.google_cloud_project,
        location=settings.region,
        queue_prefix=settings.tasks_queue_prefix,
        base_url=settings.functions_base_url,
        service_account=settings.tasks_service_account,
        client=client,
        # No OIDC token without a service account (emulator, local): the task secret instead.
        headers=None
        if settings.tasks_service_account
        else {TASK_SECRET_HEADER: settings.task_secret or process_task_secret()},
    )
    if settings.tasks_emulator_host:
        queue.ensure_queues()  # in the cloud, Terraform creates them
    return queue


def _authenticator(settings: Settings, clock: Clock, keys: KeySource | None) -> Authenticator:
    """API identity: dev uids, or Firebase ID tokens checked against Google's published keys
    (fetched on the first token, not now)."""
    if settings.auth == "dev":
        return Authenticator("dev")
    from common.adapters.gcp.google_tokens import (
        FIREBASE_CERTS_URL,
        GoogleSignedTokens,
        HttpCertificateSource,
    )

    keys = keys or HttpCertificateSource(FIREBASE_CERTS_URL, clock=clock)
    project = settings.firebase_project or settings.google_cloud_project
    verifier = FirebaseTokenVerifier(
        project, GoogleSignedTokens(keys), clock, skew_s=settings.token_skew_s
    )
    return Authenticator("firebase", verifier)


def _step_callers(settings: Settings, clock: Clock, keys: KeySource | None) -> StepCallerVerifier:
    """Step targets accept the task queue's OIDC token (cloud) or this process's task secret."""
    from common.adapters.gcp.google_tokens import (
        GOOGLE_OIDC_CERTS_URL,
        GoogleSignedTokens,
        HttpCertificateSource,
    )

    keys = keys or HttpCertificateSource(GOOGLE_OIDC_CERTS_URL, clock=clock)
    return StepCallerVerifier(
        tokens=GoogleSignedTokens(keys),
        clock=clock,
        service_account=settings.tasks_service_account,
        base_url=settings.functions_base_url,
        secret=settings.task_secret or process_task_secret(),
        trust_stripped_signatures=settings.steps_behind_iam,
        skew_s=settings.token_skew_s,
    )


def _key_wrapper(settings: Settings) -> KeyWrapper:
    """The key-encryption key of secrets at rest: Cloud KMS when a key is named, else the
    owner-only key file."""
    if settings.kms_key:
        from common.adapters.crypto.kms import KmsKeyWrapper

        return KmsKeyWrapper(settings.kms_key)
    from common.adapters.crypto.local_key import LocalKeyFile

    return LocalKeyFile(settings.key_file)


def _media_links(settings: Settings, blobs: BlobStore, clock: Clock) -> MediaLinks:
    """Links to media: the store's signed URLs, or the local server's signed /media links
    over the folder store (its signing key in the data folder, read on first use)."""
    from common.adapters.local.fs_blobs import FsBlobStore
    from common.adapters.local.link_signer import signer_for

    return MediaLinks(
        blobs,
        signer_for(settings.data_dir),
        clock,
        base_url=settings.public_base_url,
        local_root=blobs.root if isinstance(blobs, FsBlobStore) else None,
    )


def _runner(settings: Settings) -> JobRunner | None:
    """The Cloud Run job runner, or None for in-process assembly (wired in build_services)."""
    if settings.runner == "inprocess":
        return None
    from common.adapters.gcp.cloud_run import CloudRunJobRunner

    return CloudRunJobRunner(
        project=settings.google_cloud_project, region=settings.region, job=settings.assemble_job
    )


def _vertex_client(settings: Settings) -> Any:
    """The google-genai client for Vertex AI: Application Default Credentials, or a fixed
    token when STORYGENIUS_VERTEX_BASE_URL points at a stand-in."""
    from common.adapters.vertex.client import VertexOptions, build_client, static_credentials

    stub = bool(settings.vertex_base_url)
    return build_client(
        VertexOptions(
            project=settings.google_cloud_project,
            location=settings.vertex_location,
            base_url=settings.vertex_base_url,
            timeout_s=settings.vertex_timeout_s,
            attempts=settings.vertex_retry_attempts,
            retry_delay_s=settings.vertex_retry_delay_s,
            credentials=static_credentials() if stub else None,
        )
    )


def provider_setup_problems(settings: Settings) -> list[str]:
    """What the chosen real providers lack, found now rather than at a job's first step: Google
    credentials for Vertex AI (none are needed for a stand-in at STORYGENIUS_VERTEX_BASE_URL)."""
    problems: list[str] = []
    uses_vertex = "gemini" in (settings.script, settings.images) or settings.video == "veo"
    if uses_vertex and not settings.vertex_base_url:
        from common.adapters.vertex.client import default_credentials
        from common.domain.errors import ProviderError

        try:
            default_credentials()
        except ProviderError as exc:
            problems.append(exc.message)
    return problems


def _provider_factories(settings: Settings, blobs: BlobStore) -> dict[str, Callable[[], Any]]:
    """How to build each provider settings choose; nothing is imported until one is built.
    The Vertex providers share one client (Providers builds one provider at a time)."""
    vertex: list[Any] = []

    def vertex_client() -> Any:
        if not vertex:
            vertex.append(_vertex_client(settings))
        return vertex[0]

    def script() -> ScriptWriter:
        if settings.script == "offline":
            from common.adapters.offline.script_writer import OfflineScriptWriter

            return OfflineScriptWriter()
        from common.adapters.vertex.script import GeminiScriptWriter

        return GeminiScriptWriter(
            vertex_client(), settings.gemini_script_model, attempts=settings.script_attempts
        )

    def images() -> ImageGenerator:
        if settings.images == "offline":
            from common.adapters.offline.painter import OfflineImageGenerator

            return OfflineImageGenerator()
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
            from common.adapters.offline.espeak_narrator import EspeakNarrator

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
) -> Services:
    """Build and wire every service. Any argument given replaces the adapter settings choose."""
    settings = settings or Settings.from_env()
    store = store or _store(settings)
    blobs = blobs or _blobs(settings)
    queue = queue or _queue(settings)
    clock = clock or SystemClock()
    providers = Providers(_provider_factories(settings, blobs))
    given = {"script": script, "images": images, "video": video, "voice": voice}
    for name, provider in given.items():
        if provider is not None:
            providers.replace(name, provider)
    runner = runner or _runner(settings)
    local_runner = None
    if runner is None:
        local_runner = LocalJobRunner()
        runner = local_runner

    projects = ProjectService(store, clock, blobs)
    jobs = JobRepository(store, clock, settings.progress_interval_s)
    assets = AssetCache(blobs)
    ledger = StepLedger(store, clock, settings.step_lease_s)
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
        quotas=Quotas(store, clock, settings),
    )
    assembler = Assembler(
        settings=settings, projects=projects, jobs=jobs, assets=assets, blobs=blobs, clock=clock
    )
    if local_runner is not None:
        local_runner.assembler = assembler
    box = SecretBox(key_wrapper or _key_wrapper(settings))
    media_links = _media_links(settings, blobs, clock)
    calendar = _calendar(
        settings, store, clock, projects, jobs, pipeline, blobs, queue, publisher, box, media_links
    )
    uploads = UploadService(settings, projects, blobs, clock)
    bind = getattr(queue, "bind", None)
    if bind is not None:
        bind(calendar.steps.deliver)
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
        sweeper=Sweeper(pipeline, store),
        authenticator=_authenticator(settings, clock, firebase_keys),
        step_callers=_step_callers(settings, clock, oidc_keys),
        schedules=calendar.schedules,
        series=calendar.series,
        webhooks=calendar.webhooks,
        publishing=calendar.publishing,
        ticker=calendar.ticker,
        analytics=UsageAnalytics(store),
        steps=calendar.steps,
        secrets=box,
        uploads=uploads,
        editor=StoryEditor(projects, uploads),
        media_links=media_links,
        idempotency=IdempotencyKeys(store, clock),
        rate_limits=RateLimiter(store, clock, settings),
    )


@dataclass
class _Calendar:
    schedules: ScheduleService
    series: SeriesService
    webhooks: WebhookService
    publishing: PublishService
    ticker: Ticker
    steps: StepRouter


def _calendar(
    settings: Settings,
    store: DocumentStore,
    clock: Clock,
    projects: ProjectService,
    jobs: JobRepository,
    pipeline: Pipeline,
    blobs: BlobStore,
    queue: TaskQueue,
    publisher: Publisher | None,
    box: SecretBox,
    media_links: MediaLinks,
) -> _Calendar:
    """Schedules, series, publishing and the tick, wired to each other and the pipeline."""
    if publisher is None:
        from common.adapters.webhook.publisher import WebhookPublisher

        publisher = WebhookPublisher(timeout_s=settings.webhook_timeout_s)
    schedules = ScheduleService(
        store=store,
        clock=clock,
        settings=settings,
        projects=projects,
        jobs=jobs,
        pipeline=pipeline,
        queue=queue,
    )
    series = SeriesService(
        store=store, clock=clock, settings=settings, projects=projects, schedules=schedules
    )
    schedules.hooks = series  # a series' runs report back to it
    webhooks = WebhookService(store, clock, publisher, box)
    publishing = PublishService(
        settings=settings,
        clock=clock,
        schedules=schedules,
        jobs=jobs,
        projects=projects,
        blobs=blobs,
        queue=queue,
        publisher=publisher,
        webhooks=webhooks,
        link=media_links.public,
    )
    ticker = Ticker(clock=clock, settings=settings, schedules=schedules, series=series)
    steps = StepRouter(pipeline, publishing)
    return _Calendar(schedules, series, webhooks, publishing, ticker, steps)


_lock = threading.Lock()
_services: Services | None = None


def services() -> Services:
    """The process's services, built on first use from the environment."""
    global _services
    with _lock:
        if _services is None:
            from common.logs import configure_json_logging

            # A process serving functions (cloud, `serve`) logs JSON lines Cloud Logging reads.
            configure_json_logging(os.environ.get("STORYGENIUS_LOG_LEVEL") or "INFO")
            _services = build_services()
        return _services


def install(svc: Services | None) -> None:
    """Make `svc` the process's services (tests and the local server); None forgets them."""
    global _services
    with _lock:
        _services = svc
