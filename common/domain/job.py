"""Jobs: the single document a frontend watches while a video is made."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from common.domain.assets import ClipSource, Motion
from common.domain.base import StrictModel
from common.domain.project import ProjectSettings

JobKind = Literal["generate", "preview", "export"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
Stage = Literal["queued", "script", "references", "scenes", "assembly", "done"]
StepState = Literal["pending", "running", "done", "fallback", "failed"]

TERMINAL: frozenset[str] = frozenset({"done", "failed", "cancelled"})

# Share of the progress bar each stage covers; scenes fill theirs as steps finish.
STAGE_SPAN: dict[str, tuple[int, int]] = {
    "queued": (0, 0),
    "script": (0, 8),
    "references": (8, 15),
    "scenes": (15, 80),
    "assembly": (80, 100),
    "done": (100, 100),
}


class SceneState(StrictModel):
    """Where one scene is, and the keys of what it has produced so far."""

    narration: StepState = "pending"
    keyframe: StepState = "pending"
    clip: StepState = "pending"
    clip_source: ClipSource | None = None
    fallback_reason: str | None = None
    narration_key: str | None = Field(None, description="blob key of the narration manifest")
    keyframe_key: str | None = None
    clip_key: str | None = Field(None, description="blob key of a clip file, if any")
    motion: Motion | None = None
    clip_operation: str | None = None
    clip_deadline: datetime | None = None
    duration_s: float | None = None

    @property
    def ready(self) -> bool:
        return self.narration == "done" and self.clip in ("done", "fallback")


class JobOutputs(StrictModel):
    video: str | None = None
    thumbnail: str | None = None
    captions_srt: str | None = None
    captions_vtt: str | None = None
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None


class JobError(StrictModel):
    """Why a job failed: which stage, which scene, what happened, and whether a retry may help."""

    stage: str
    scene: str | None = None
    code: str
    message: str
    retryable: bool = False


class CostLine(StrictModel):
    units: float = 0.0
    unit: str = ""
    estimated_usd: float = 0.0
    actual_usd: float = 0.0


class Job(StrictModel):
    id: str
    owner: str
    project_id: str
    kind: JobKind = "generate"
    status: JobStatus = "queued"
    stage: Stage = "queued"
    progress: int = Field(0, ge=0, le=100)
    settings: ProjectSettings
    scene_ids: list[str] = Field(default_factory=list)
    scenes: dict[str, SceneState] = Field(default_factory=dict)
    outputs: JobOutputs = Field(default_factory=JobOutputs)
    error: JobError | None = None
    cost: dict[str, CostLine] = Field(default_factory=dict)
    reference_keys: list[str] = Field(default_factory=list, description="character/style images")
    assemble_enqueued: bool = False
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def scene_progress(self) -> int:
        """Overall progress while scenes are produced: each scene has three steps."""
        lo, hi = STAGE_SPAN["scenes"]
        if not self.scenes:
            return lo
        steps = 3 * len(self.scenes)
        finished = sum(
            (s.narration == "done") + (s.keyframe == "done") + (s.clip in ("done", "fallback"))
            for s in self.scenes.values()
        )
        return lo + (hi - lo) * finished // steps
