"""Usage events: one document per provider call, the record that credits, daily limits and the
usage analytics are computed from.

An event's id is a hash of what makes the call unique (job, stage, scene, provider and the
content key of the call's inputs), so a retried or re-delivered step that records the same call
again writes nothing new: the store's create-if-absent is the de-duplication.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Literal

from pydantic import Field, field_validator

from common.domain.base import StrictModel

COLLECTION = "usage"

UsageStage = Literal["script", "references", "narration", "keyframe", "clip", "assemble"]
UsageUnit = Literal["call", "image", "second", "1k_chars", "char"]
# How a provider's use counts against a user's daily limits, besides its cost in credit:
# `free` (offline, costs nothing), `metered` (costs credit), `video_seconds` (costs credit and
# its seconds count against the daily AI video limit, `daily_veo_s`). A provider's descriptor
# declares it (common/domain/providers.py).
QuotaClass = Literal["free", "metered", "video_seconds"]


def usage_event_id(job_id: str, stage: str, scene_id: str | None, provider: str, key: str) -> str:
    """The deterministic id of the usage event for one provider call."""
    text = "\x1f".join((job_id, stage, scene_id or "", provider, key))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


class Charge(StrictModel):
    """What a step reports after it called a provider (not when it found the result cached).

    `key` is the content key of the call's inputs (the asset's cache key or content hash): the
    same call reported twice is one event.
    """

    stage: UsageStage
    scene_id: str | None = None
    provider: str = Field(min_length=1, description="provider and model, e.g. veo/veo-3.1-...")
    units: float = Field(ge=0)
    unit: UsageUnit
    usd: float = Field(ge=0)
    key: str = Field(min_length=1)
    quota: QuotaClass = "metered"


class UsageEvent(StrictModel):
    """One provider call, as stored in `usage/{id}`."""

    id: str
    owner: str
    project_id: str
    job_id: str
    stage: UsageStage
    scene_id: str | None = None
    provider: str
    units: float = Field(ge=0)
    unit: UsageUnit
    usd: float = Field(ge=0)
    key: str = Field(description="content key of the call's inputs")
    quota: QuotaClass = Field("metered", description="how it counts against daily limits")
    at: datetime = Field(description="when the call was recorded, UTC")

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # Stored as ISO text: one timezone keeps range queries on `at` ordered.
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @classmethod
    def of(
        cls, charge: Charge, *, owner: str, project_id: str, job_id: str, at: datetime
    ) -> UsageEvent:
        return cls(
            id=usage_event_id(job_id, charge.stage, charge.scene_id, charge.provider, charge.key),
            owner=owner,
            project_id=project_id,
            job_id=job_id,
            stage=charge.stage,
            scene_id=charge.scene_id,
            provider=charge.provider,
            units=charge.units,
            unit=charge.unit,
            usd=round(charge.usd, 6),
            key=charge.key,
            quota=charge.quota,
            at=at,
        )
