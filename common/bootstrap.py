"""The one place adapters are chosen and built, from Settings.

`build_services(settings, **overrides)` returns everything wired; tests pass overrides (a store,
a clock, a provider) instead of patching. Nothing is built at import time; `services()` builds
once per process, on first use (a function instance's cold start).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common.config import Settings
from common.domain.commands import StepCommand, parse
from common.ports import (
    BlobStore,
    Clock,
    Delivery,
    DocumentStore,
    ImageGenerator,
    JobRunner,
    Narrator,
    ScriptWriter,
    SystemClock,
    Task,
    TaskQueue,
    VideoGenerator,
)
from common.services.assembly import Assembler
from common.services.assets import AssetCache
from common.services.jobs import JobRepository
from common.services.ledger import StepLedger
from common.services.pipeline import Pipeline, Providers
from common.services.projects import ProjectService

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
        from common.adapters.local.sqlite_store import SqliteDocumentStore

        settings.data_dir.mkdir(parents=True, exist_ok=True)
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

    # The client honours STORAGE_EMULATOR_HOST.
    return GcsBlobStore(settings.bucket)


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
    )
    if settings.tasks_emulator_host:
        queue.ensure_queues()  # in the cloud, Terraform creates them
    return queue


def _runner(settings: Settings) -> JobRunner | None:
    """The Cloud Run job runner, or None for in-process assembly (wired in build_services)."""
    if settings.runner == "inprocess":
        return None
    from common.adapters.gcp.cloud_run import CloudRunJobRunner

    return CloudRunJobRunner(
        project=settings.google_cloud_project, region=settings.region, job=settings.assemble_job
    )


def _provider_factories(settings: Settings) -> dict[str, Callable[[], Any]]:
    """How to build each provider settings choose; nothing is imported until one is built."""

    def script() -> ScriptWriter:
        if settings.script == "offline":
            from common.adapters.offline.script_writer import OfflineScriptWriter

            return OfflineScriptWriter()
        raise NotImplementedError("the Gemini script writer is not built yet")

    def images() -> ImageGenerator:
        if settings.images == "offline":
            from common.adapters.offline.painter import OfflineImageGenerator

            return OfflineImageGenerator()
        raise NotImplementedError("the Gemini image generator is not built yet")

    def video() -> VideoGenerator:
        if settings.video == "offline":
            from common.adapters.offline.kenburns import OfflineVideoGenerator

            return OfflineVideoGenerator()
        raise NotImplementedError("the Veo video generator is not built yet")

    def voice() -> Narrator:
        if settings.voice == "offline":
            from common.adapters.offline.espeak_narrator import EspeakNarrator

            return EspeakNarrator()
        raise NotImplementedError("the ElevenLabs narrator is not built yet")

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
) -> Services:
    """Build and wire every service. Any argument given replaces the adapter settings choose."""
    settings = settings or Settings.from_env()
    store = store or _store(settings)
    blobs = blobs or _blobs(settings)
    queue = queue or _queue(settings)
    clock = clock or SystemClock()
    providers = Providers(_provider_factories(settings))
    given = {"script": script, "images": images, "video": video, "voice": voice}
    for name, provider in given.items():
        if provider is not None:
            providers.replace(name, provider)
    runner = runner or _runner(settings)
    local_runner = None
    if runner is None:
        local_runner = LocalJobRunner()
        runner = local_runner

    projects = ProjectService(store, clock)
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
    )
    assembler = Assembler(
        settings=settings, projects=projects, jobs=jobs, assets=assets, blobs=blobs, clock=clock
    )
    if local_runner is not None:
        local_runner.assembler = assembler
    bind = getattr(queue, "bind", None)
    if bind is not None:
        bind(lambda task, delivery: dispatch(pipeline, task, delivery))
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
    )


def dispatch(pipeline: Pipeline, task: Task, delivery: Delivery) -> None:
    """Deliver one in-process task to its step handler (the local twin of functions/steps.py)."""
    pipeline.handle(task.target, parse(StepCommand, task.payload), delivery)


_lock = threading.Lock()
_services: Services | None = None


def services() -> Services:
    """The process's services, built on first use from the environment."""
    global _services
    with _lock:
        if _services is None:
            _services = build_services()
        return _services


def install(svc: Services | None) -> None:
    """Make `svc` the process's services (tests and the local server); None forgets them."""
    global _services
    with _lock:
        _services = svc
