"""Settings: one typed object read from the environment, with the embedded default everywhere.

Nothing here does I/O; `Settings.from_env()` only reads variables. Model ids and limits live
here (not in adapters) because providers change them every few months; the ids' prices and
shutdown dates are in common/domain/model_catalogue.py, and which provider ids exist (and what
each needs) in the provider registry (common/adapters/registry.py), checked by bootstrap.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from common.domain.errors import InvalidInputError
from common.domain.model_catalogue import (
    DEFAULT_ELEVENLABS_MODEL,
    DEFAULT_IMAGE_MODEL,
    DEFAULT_SCRIPT_MODEL,
    DEFAULT_VEO_MODEL,
)
from common.domain.steps import QUEUE_CONCURRENCY

PREFIX = "STORYGENIUS_"
_PROVIDER_ID = r"^[a-z][a-z0-9_-]{0,39}$"
_LIMITS = r"^([a-z]+=[1-9][0-9]{0,2}(,[a-z]+=[1-9][0-9]{0,2})*)?$"  # class=n,...


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    store: Literal["sqlite", "firestore"] = "sqlite"
    blobs: Literal["fs", "gcs"] = "fs"
    queue: Literal["inprocess", "cloudtasks"] = "inprocess"
    runner: Literal["inprocess", "cloudrun"] = "inprocess"
    # Providers by the id their registration declares (common/adapters/registry.py); which ids
    # exist and what each needs is checked when services are built.
    script: str = Field("offline", pattern=_PROVIDER_ID)
    images: str = Field("offline", pattern=_PROVIDER_ID)
    video: str = Field("offline", pattern=_PROVIDER_ID)
    voice: str = Field("offline", pattern=_PROVIDER_ID)
    auth: Literal["dev", "firebase"] | None = None
    allow_dev_auth: bool = False
    data_dir: Path = Path(".storygenius")

    # Pipeline behaviour
    # The in-process queue's limits per step class, over common/domain/steps.py's
    # QUEUE_CONCURRENCY: e.g. "images=4,video=8" (what is not named keeps its default).
    queue_concurrency: str = Field("", pattern=_LIMITS)
    max_attempts: int = Field(5, ge=1, le=100)
    # A Veo operation is polled first when it is likely done (a Veo 3.1 Fast clip takes about a
    # minute), then every `clip_poll_interval_s`: polling every 15 s from the start found a clip
    # 7.5 s after it was ready on average, and spent requests of Veo's per-minute budget on
    # operations that could not be done yet.
    clip_first_poll_s: float = Field(45.0, gt=0)
    clip_poll_interval_s: float = Field(5.0, gt=0)
    clip_deadline_s: float = Field(900.0, gt=0)
    progress_interval_s: float = Field(1.0, ge=0)
    step_lease_s: float = Field(
        60.0,
        gt=0,
        description="how long a claimed step stays claimed without its worker renewing it (a "
        "live worker renews every third of it): how soon a dead worker's step is run again",
    )
    render_profile: Literal["full", "draft"] = Field(
        "full",
        description="draft: every job's video at 96p, fastest preset, its soundtrack encoded "
        "fast, its pictures as small (development, tests)",
    )

    # Uploads (a creator's own images, clips, music) and segment-cached assembly
    upload_max_image_bytes: int = Field(20 * 1024 * 1024, gt=0)
    upload_max_clip_bytes: int = Field(200 * 1024 * 1024, gt=0)
    upload_max_music_bytes: int = Field(30 * 1024 * 1024, gt=0)
    upload_max_clip_s: float = Field(120.0, gt=0, description="longest clip accepted, seconds")
    upload_max_music_s: float = Field(900.0, gt=0, description="longest track accepted")
    segment_workers: int = Field(2, ge=1, le=16, description="segments encoded at once")
    # An assembly is spread over up to this many tasks (Cloud Run job tasks; in-process,
    # threads): one per 15 s of video (common/domain/assembly_tasks.py), 1 below 30 s.
    # One machine gains nothing from spreading a render: one ffmpeg already uses its cores
    # (a 30 s 720p job on 2 cores: 1 task 30.2 s and 55 CPU-s; 2 tasks 31.8 s, 58 CPU-s and
    # +48% peak memory). Cloud Run tasks are machines of their own: Terraform sets 8 there.
    assembly_max_tasks: int = Field(1, ge=1, le=64, description="tasks one assembly may use")
    # The sweeper (common/services/pipeline/sweeper.py): a job with no write for `stall_after_s` is
    # stalled; a step is re-enqueued at most `max_sweeps` times before its job fails.
    stall_after_s: float = Field(1800.0, gt=0)
    max_sweeps: int = Field(3, ge=0, le=100)

    # Credits, daily limits (UTC days) and API rate limits, per user
    # (common/services/accounts/quotas.py, rate_limit.py). Generous defaults so local demos run;
    # a rate of 0 is off.
    credit_grant_usd: float = Field(100.0, ge=0, description="credit a new account starts with")
    # Anonymous sign-ins (Firebase `sign_in_provider` "anonymous") cost nothing to make: they
    # start with this instead. Providers accepted at all: comma-separated `sign_in_provider`
    # values (password, google.com, apple.com, phone, anonymous, custom, ...); empty = any.
    anonymous_credit_usd: float = Field(0.0, ge=0)
    sign_in_providers: str = ""
    daily_videos: int = Field(200, ge=0)
    daily_rendered_s: float = Field(36000.0, ge=0)
    daily_veo_s: float = Field(600.0, ge=0)
    rate_mutate_per_min: float = Field(600.0, ge=0, description="POST/PATCH/DELETE refill")
    rate_mutate_burst: int = Field(120, ge=1)
    rate_generate_per_min: float = Field(30.0, ge=0, description="generate/preview/export")
    rate_generate_burst: int = Field(30, ge=1)
    rate_stream_per_min: float = Field(30.0, ge=0, description="job event streams opened")
    rate_stream_burst: int = Field(10, ge=1)
    # Live job event streams one process holds open (common/services/accounts/stream_slots.py).
    max_streams: int = Field(200, ge=1, le=10_000)
    max_streams_per_user: int = Field(5, ge=1, le=1000)

    # Calendar, series and publishing (common/services/calendar/scheduling.py, series.py, tick.py,
    # publishing.py). Generation starts `lead_per_video_s` x the video's seconds +
    # `lead_margin_s` before its publishing time.
    lead_per_video_s: float = Field(20.0, ge=0, description="estimated generation s per video s")
    lead_margin_s: float = Field(900.0, ge=0)
    # A schedule publishing within this horizon also gets a task timed for the exact moment
    # (Cloud Tasks takes schedule_time up to 30 days ahead); 0 leaves publishing to the tick.
    exact_horizon_s: float = Field(29 * 86400.0, ge=0, le=30 * 86400.0)
    # Runs missed for longer than this (downtime) are skipped and recorded, not made late.
    catchup_window_s: float = Field(86400.0, ge=0)
    tick_batch: int = Field(100, ge=1, le=1000, description="due items one tick handles")
    tick_interval_s: float = Field(60.0, gt=0, description="the local server's tick timer")
    publish_lease_s: float = Field(300.0, gt=0, description="a claimed publish is re-tried after")
    publish_poll_s: float = Field(30.0, gt=0, description="waiting for a video due to publish")
    publish_max_wait_s: float = Field(6 * 3600.0, gt=0, description="then the schedule fails")
    publish_link_expiry_s: int = Field(7 * 86400, ge=60, le=7 * 86400)
    webhook_timeout_s: float = Field(10.0, gt=0, le=60)
    webhook_retry_s: float = Field(10.0, ge=0, description="first webhook retry delay; doubles")

    # Secrets at rest (common/services/accounts/secrets.py): envelope encryption under a Cloud KMS
    # key (projects/P/locations/L/keyRings/R/cryptoKeys/K), or, when empty, under an owner-only
    # key file (default: <data_dir>/keys/secrets.key).
    kms_key: str = ""
    secrets_key_file: Path | None = None

    # Connected accounts and posting to platforms (common/services/accounts/connections.py,
    # common/services/calendar/posting.py). OAuth clients come from the environment (Secret
    # Manager fills it in the cloud); the redirect URI is <public_base_url>/v1/oauth/callback
    # (public_base_url below: the site as browsers see it, e.g. https://studio.example.com/api).
    youtube_client_id: str = ""
    youtube_client_secret: str = Field("", repr=False)
    tiktok_client_key: str = ""
    tiktok_client_secret: str = Field("", repr=False)
    instagram_client_id: str = ""
    instagram_client_secret: str = Field("", repr=False)
    # Stand-ins for the platforms (tests): every endpoint of one platform on one base URL.
    youtube_base_url: str = ""
    tiktok_base_url: str = ""
    instagram_base_url: str = ""
    platform_timeout_s: float = Field(60.0, gt=0, description="one HTTP request to a platform")
    # TikTok lets unaudited apps post only privately (SELF_ONLY): true once TikTok audited yours.
    tiktok_audited: bool = False
    tiktok_inits_per_minute: int = Field(6, ge=1, description="TikTok's per-token init limit")
    youtube_chunk_bytes: int = Field(8 * 1024 * 1024, ge=256 * 1024, description="x 256 KiB")
    post_max_attempts: int = Field(8, ge=1, le=50, description="tries of one post")
    post_retry_s: float = Field(60.0, ge=0, description="first retry of a post; doubles")
    post_lease_s: float = Field(900.0, gt=0, description="one attempt at a post holds it so long")

    # Cloud wiring (used by the gcp adapters)
    google_cloud_project: str = ""
    region: str = "us-central1"
    bucket: str = ""
    tasks_queue_prefix: str = "storygenius"
    functions_base_url: str = ""
    tasks_service_account: str = ""
    assemble_job: str = "storygenius-assemble"
    tasks_emulator_host: str = ""
    # The account that signs media URLs through IAM signBlob; empty = the runtime's own.
    signer_service_account: str = ""

    # Identity and private steps (common/services/accounts/identity.py, step_callers.py)
    firebase_project: str = Field("", description="the Firebase project; default: GCP project")
    token_skew_s: float = Field(30.0, ge=0, le=300, description="clock skew allowed on tokens")
    # Shared secret the queue sends to step targets over local HTTP (several processes); empty:
    # each process makes its own at startup (serve: the queue and the steps share the process).
    task_secret: str = Field("", repr=False)
    # True where the steps are deployed private (run.invoker: the tasks account only): Google
    # checked the OIDC token's signature and stripped it; the step still checks its claims.
    steps_behind_iam: bool = False

    # The local server (`python main.py serve`, functions/edge.py): its own address, for links
    # it shares outside the API (a published video's /media link), and the Host values it
    # answers (comma-separated host:port); `serve` fills both in from --host/--port. A request
    # body must arrive within `body_read_timeout_s`. The OAuth redirect URI is made from
    # public_base_url too (DEFAULT_PUBLIC_BASE_URL when empty).
    public_base_url: str = ""
    allowed_hosts: str = ""
    body_read_timeout_s: float = Field(60.0, gt=0, le=3600)

    # Observability (common/adapters/otel): where spans go, comma-separated. `store` keeps each
    # job's spans with the job (GET /v1/jobs/{id}/trace), `cloudtrace` sends them to Cloud Trace
    # too; `none` traces nothing. Job metrics (latency by stage, failures by stage, cost per
    # video) go to Cloud Monitoring with `cloudmonitoring`.
    trace_export: str = Field("store", pattern=r"^(none|(store|cloudtrace)(,(store|cloudtrace))*)$")
    metrics_export: Literal["none", "cloudmonitoring"] = "none"
    # Where `cloudtrace` sends spans (OTLP/HTTP): Google's Telemetry API unless a stand-in is
    # named; `none` sends no credentials (a local stand-in).
    telemetry_endpoint: str = ""
    telemetry_auth: Literal["adc", "none"] = "adc"

    # Providers
    # Another Vertex AI endpoint (regional, Private Service Connect, a stand-in); it still gets
    # Application Default Credentials unless `vertex_auth` says it needs none.
    vertex_base_url: str = ""
    vertex_auth: Literal["adc", "none"] = Field(
        "adc", description="none: the endpoint checks no credentials (a local stand-in)"
    )
    # Model ids (and their prices and shutdown dates) are listed in common/domain/model_catalogue.py
    gemini_script_model: str = DEFAULT_SCRIPT_MODEL
    gemini_image_model: str = DEFAULT_IMAGE_MODEL
    veo_model: str = DEFAULT_VEO_MODEL
    vertex_location: str = "us-central1"
    vertex_timeout_s: float = Field(120.0, gt=0, description="one HTTP request to Vertex AI")
    vertex_retry_attempts: int = Field(4, ge=1, le=10, description="tries of one request")
    vertex_retry_delay_s: float = Field(1.0, ge=0, description="first retry delay; doubles")
    script_attempts: int = Field(3, ge=1, le=10, description="model answers tried per story")
    veo_person_generation: str = "allow_adult"
    elevenlabs_base_url: str = ""
    elevenlabs_api_key: str = ""
    elevenlabs_model: str = DEFAULT_ELEVENLABS_MODEL
    elevenlabs_voice_id: str = "21m00Tcm4TlvDq8ikWAM"
    elevenlabs_output_format: str = Field("mp3_44100_128", pattern=r"^(mp3_\d+_\d+|pcm_\d+)$")
    # Requests in flight per process (the account allows about 2 to 15 by plan; in the cloud the
    # voice queue's max_concurrent_dispatches is the account-wide cap).
    elevenlabs_max_concurrency: int = Field(2, ge=1, le=64)
    elevenlabs_timeout_s: float = Field(60.0, gt=0, description="one HTTP request")
    elevenlabs_max_attempts: int = Field(3, ge=1, le=10, description="tries of one narration")
    elevenlabs_backoff_s: float = Field(1.0, ge=0, description="first retry delay; doubles")
    # All tries of one narration end by then: keep it below the narration step's function timeout.
    elevenlabs_deadline_s: float = Field(100.0, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _default_auth(cls, values: Any) -> Any:
        """Dev identities with local backends, Firebase tokens with cloud ones."""
        if isinstance(values, dict) and not values.get("auth"):
            local = values.get("store", "sqlite") == "sqlite" and values.get("blobs", "fs") == "fs"
            values = {**values, "auth": "dev" if local else "firebase"}
        return values

    @model_validator(mode="after")
    def _check(self) -> Settings:
        local_backends = self.store == "sqlite" and self.blobs == "fs"
        if self.auth == "dev" and not local_backends and not self.allow_dev_auth:
            raise ValueError(
                "STORYGENIUS_AUTH=dev is refused with cloud backends; "
                "set STORYGENIUS_ALLOW_DEV_AUTH=1 to allow it explicitly"
            )
        if self.store == "firestore" and not self.google_cloud_project:
            raise ValueError("GOOGLE_CLOUD_PROJECT is required for Firestore")
        if self.queue == "cloudtasks" and not self.functions_base_url:
            raise ValueError(
                "STORYGENIUS_FUNCTIONS_BASE_URL is required with STORYGENIUS_QUEUE=cloudtasks"
            )
        if (self.queue == "cloudtasks" or self.runner == "cloudrun") and not (
            self.google_cloud_project
        ):
            raise ValueError("GOOGLE_CLOUD_PROJECT is required for Cloud Tasks and Cloud Run")
        unknown = {p.partition("=")[0] for p in self.queue_concurrency.split(",") if p}
        unknown -= set(QUEUE_CONCURRENCY)
        if unknown:
            raise ValueError(
                f"STORYGENIUS_QUEUE_CONCURRENCY names no queue class {sorted(unknown)}: "
                f"use {', '.join(QUEUE_CONCURRENCY)}"
            )
        if self.blobs == "gcs" and not self.bucket:
            raise ValueError("STORYGENIUS_BUCKET is required with STORYGENIUS_BLOBS=gcs")
        if self.auth == "firebase" and not (self.firebase_project or self.google_cloud_project):
            raise ValueError(
                "GOOGLE_CLOUD_PROJECT (or STORYGENIUS_FIREBASE_PROJECT) is required with "
                "STORYGENIUS_AUTH=firebase: ID tokens are checked against the project"
            )
        return self

    @property
    def queue_limits(self) -> dict[str, int]:
        """Steps of each queue class the in-process queue runs at once."""
        limits = {**QUEUE_CONCURRENCY, "voice": self.elevenlabs_max_concurrency}
        for part in filter(None, self.queue_concurrency.split(",")):
            name, _, count = part.partition("=")
            limits[name] = int(count)
        return limits

    @property
    def database_path(self) -> Path:
        return self.data_dir / "storygenius.sqlite3"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def key_file(self) -> Path:
        return self.secrets_key_file or self.data_dir / "keys" / "secrets.key"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from `env` (default os.environ); `overrides` win. Bad values raise
        InvalidInputError naming the variable."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        unprefixed = {
            "google_cloud_project": "GOOGLE_CLOUD_PROJECT",
            "elevenlabs_base_url": "ELEVENLABS_BASE_URL",
            "elevenlabs_api_key": "ELEVENLABS_API_KEY",
        }
        for name in cls.model_fields:
            var = unprefixed.get(name, PREFIX + name.upper())
            if var in env and env[var] != "":
                values[name] = env[var]
        values.update(overrides)
        try:
            return cls(**values)
        except ValidationError as exc:
            fields = {}
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "settings"
                fields[unprefixed.get(name, PREFIX + name.upper())] = err["msg"]
            raise InvalidInputError(
                "invalid configuration: " + "; ".join(f"{k}: {v}" for k, v in fields.items()),
                fields=fields,
            ) from exc
