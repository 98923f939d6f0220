"""Settings: one typed object read from the environment, with the embedded default everywhere.

Nothing here does I/O; `Settings.from_env()` only reads variables. Model ids, prices and limits
live here (not in adapters) because providers change them every few months.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from common.domain.errors import InvalidInputError

PREFIX = "STORYGENIUS_"


class Prices(BaseModel):
    """Estimated prices in USD (configuration: they move)."""

    model_config = ConfigDict(frozen=True)

    veo_per_second: float = 0.40
    veo_fast_per_second: float = 0.15
    elevenlabs_per_1k_chars: float = 0.10
    gemini_script_per_call: float = 0.02
    gemini_image_per_image: float = 0.04


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    store: Literal["sqlite", "firestore"] = "sqlite"
    blobs: Literal["fs", "gcs"] = "fs"
    queue: Literal["inprocess", "cloudtasks"] = "inprocess"
    runner: Literal["inprocess", "cloudrun"] = "inprocess"
    script: Literal["offline", "gemini"] = "offline"
    images: Literal["offline", "gemini"] = "offline"
    video: Literal["offline", "veo"] = "offline"
    voice: Literal["offline", "elevenlabs"] = "offline"
    auth: Literal["dev", "firebase"] | None = None
    allow_dev_auth: bool = False
    data_dir: Path = Path(".storygenius")

    # Pipeline behaviour
    queue_workers: int = Field(4, ge=1, le=64)
    max_attempts: int = Field(5, ge=1, le=100)
    clip_poll_interval_s: float = Field(15.0, gt=0)
    clip_deadline_s: float = Field(900.0, gt=0)
    scene_lead_in_s: float = Field(0.3, ge=0, le=5)
    scene_tail_s: float = Field(0.5, ge=0, le=5)
    transition_s: float = Field(0.5, ge=0, le=2)
    progress_interval_s: float = Field(1.0, ge=0)
    step_lease_s: float = Field(900.0, gt=0, description="how long a claimed step stays claimed")

    # Cloud wiring (used by the gcp adapters)
    google_cloud_project: str = ""
    region: str = "us-central1"
    bucket: str = ""
    tasks_queue_prefix: str = "storygenius"
    functions_base_url: str = ""
    tasks_service_account: str = ""
    assemble_job: str = "storygenius-assemble"
    tasks_emulator_host: str = ""

    # Providers
    vertex_base_url: str = ""
    gemini_script_model: str = "gemini-2.5-flash"
    gemini_image_model: str = "gemini-3.1-flash-image"
    veo_model: str = "veo-3.1-fast-generate-001"
    elevenlabs_base_url: str = ""
    elevenlabs_api_key: str = ""
    elevenlabs_model: str = "eleven_multilingual_v2"
    elevenlabs_voice_id: str = "21m00Tcm4TlvDq8ikWAM"
    prices: Prices = Field(default_factory=Prices)

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
        needs_project = "firestore" in (self.store,) or "gemini" in (self.script, self.images)
        if (needs_project or self.video == "veo") and not self.google_cloud_project:
            raise ValueError("GOOGLE_CLOUD_PROJECT is required for Firestore and Vertex AI")
        if self.queue == "cloudtasks" and not self.functions_base_url:
            raise ValueError(
                "STORYGENIUS_FUNCTIONS_BASE_URL is required with STORYGENIUS_QUEUE=cloudtasks"
            )
        if (self.queue == "cloudtasks" or self.runner == "cloudrun") and not (
            self.google_cloud_project
        ):
            raise ValueError("GOOGLE_CLOUD_PROJECT is required for Cloud Tasks and Cloud Run")
        if self.blobs == "gcs" and not self.bucket:
            raise ValueError("STORYGENIUS_BUCKET is required with STORYGENIUS_BLOBS=gcs")
        if self.voice == "elevenlabs" and not self.elevenlabs_api_key:
            raise ValueError("ELEVENLABS_API_KEY is required with STORYGENIUS_VOICE=elevenlabs")
        return self

    @property
    def database_path(self) -> Path:
        return self.data_dir / "storygenius.sqlite3"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

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
            if name == "prices":
                continue
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
