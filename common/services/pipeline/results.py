"""What each step records in the step ledger (common/services/pipeline/ledger.py), as models.

A redelivered step reads its first delivery's result back as the same model. The field names are
those the records have always had, so records written before these models read back unchanged.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from common.domain.assets import ClipOperation, ClipResult
from common.domain.base import StrictModel
from common.domain.job import AssetOrigin


class Written(StrictModel):
    """The script step wrote (and saved) the project's story, or found it written."""


class Launched(StrictModel):
    """The assembly step started the job's assembly."""


class ReferencesPainted(StrictModel):
    """Blob keys of the character reference images, in the style bible's order."""

    keys: list[str] = Field(default_factory=list)


class Narrated(StrictModel):
    """The scene's narration manifest, and whether this job made it or found it cached."""

    key: str
    origin: AssetOrigin | None = None


class KeyframePainted(StrictModel):
    """The scene's keyframe. `reason` says why it was drawn again toned down, or painted by the
    offline painter instead (`stand_in`) after the image provider refused it twice."""

    key: str
    origin: AssetOrigin | None = None
    stand_in: bool = False
    reason: str | None = None


class ClipStarted(StrictModel):
    """How a clip's start ended: found in the cache (`result`), a generation to poll
    (`operation`), or a provider failure to fall back from (`failed`); exactly one of them."""

    result: ClipResult | None = None
    operation: ClipOperation | None = None
    failed: str | None = None

    @model_validator(mode="after")
    def _one_outcome(self) -> ClipStarted:
        given = [v for v in (self.result, self.operation, self.failed) if v is not None]
        if len(given) != 1:
            raise ValueError("a clip start has exactly one of result, operation, failed")
        return self
