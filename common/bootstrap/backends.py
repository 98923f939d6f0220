"""The backends settings choose (document store, blobs, task queue, assembly runner) and the
identity checks of the API and the steps, each built from Settings on demand."""

from __future__ import annotations

import os

from common.config import Settings
from common.ports import BlobStore, Clock, DocumentStore, JobRunner, TaskQueue
from common.ports.blobs import UploadSessions
from common.ports.secrets import KeyWrapper
from common.ports.tokens import KeySource
from common.ports.tracing import NULL_TRACER, Tracer
from common.services.accounts.identity import Authenticator, FirebaseTokenVerifier
from common.services.accounts.step_callers import (
    TASK_SECRET_HEADER,
    StepCallerVerifier,
    process_task_secret,
)
from common.services.projects.media_links import MediaLinks


def build_store(settings: Settings) -> DocumentStore:
    if settings.store == "sqlite":
        from common.adapters.crypto.local_key import private_dir
        from common.adapters.local.sqlite_store import SqliteDocumentStore

        private_dir(settings.data_dir)  # 0700: documents, media and the key file are private
        return SqliteDocumentStore(settings.database_path)
    from common.adapters.gcp.firestore_store import FirestoreDocumentStore

    # The client honours FIRESTORE_EMULATOR_HOST.
    return FirestoreDocumentStore(settings.google_cloud_project)


def build_blobs(settings: Settings) -> BlobStore:
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


def build_queue(settings: Settings, tracer: Tracer = NULL_TRACER) -> TaskQueue:
    """The task queue; each task carries the trace context it was enqueued in."""
    if settings.queue == "inprocess":
        from common.adapters.local.inprocess_queue import InProcessTaskQueue

        return InProcessTaskQueue(
            max_attempts=settings.max_attempts,
            trace_context=tracer.carrier,
            limits=settings.queue_limits,
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
        trace_context=tracer.carrier,
    )
    if settings.tasks_emulator_host:
        queue.ensure_queues()  # in the cloud, Terraform creates them
    return queue


def build_key_wrapper(settings: Settings) -> KeyWrapper:
    """The key-encryption key of secrets at rest: Cloud KMS when a key is named, else the
    owner-only key file."""
    if settings.kms_key:
        from common.adapters.crypto.kms import KmsKeyWrapper

        return KmsKeyWrapper(settings.kms_key)
    from common.adapters.crypto.local_key import LocalKeyFile

    return LocalKeyFile(settings.key_file)


def build_media_links(settings: Settings, blobs: BlobStore, clock: Clock) -> MediaLinks:
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
        sessions=blobs if isinstance(blobs, UploadSessions) else None,
    )


def build_runner(settings: Settings, tracer: Tracer = NULL_TRACER) -> JobRunner | None:
    """The Cloud Run job runner, or None for in-process assembly (wired in build_services)."""
    if settings.runner == "inprocess":
        return None
    from common.adapters.gcp.cloud_run import CloudRunJobRunner

    return CloudRunJobRunner(
        project=settings.google_cloud_project,
        region=settings.region,
        job=settings.assemble_job,
        trace_context=tracer.carrier,
    )


def build_authenticator(settings: Settings, clock: Clock, keys: KeySource | None) -> Authenticator:
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


def build_step_callers(
    settings: Settings, clock: Clock, keys: KeySource | None
) -> StepCallerVerifier:
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
