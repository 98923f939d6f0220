"""Jobs: the single document a frontend watches while a video is made."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from common.domain.assembly_tasks import AssemblyTasks, task_count
from common.domain.assets import ClipSource, Motion
from common.domain.base import StrictModel
from common.domain.project import (
    Aspect,
    ProjectSettings,
    RenderResolution,
    Resolution,
    frame_size,
)
from common.domain.story import Story

JobKind = Literal["generate", "preview", "export", "script", "storyboard"]
# Kinds that end in a video; a script job ends with the story written, a storyboard with a
# picture per scene (and the render's estimate), for the creator to approve before paying.
VIDEO_KINDS: frozenset[str] = frozenset({"generate", "preview", "export"})
SceneStep = Literal["narration", "keyframe", "clip"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
Stage = Literal["queued", "script", "references", "scenes", "assembly", "done"]
StepState = Literal["pending", "running", "done", "fallback", "failed"]
# Whether this job asked a provider for an asset ("generated") or found it in the content-hash
# cache ("cached"): after an edit, only the changed scenes' assets should be generated.
AssetOrigin = Literal["generated", "cached"]

# A preview is quick and small: 360 px on the short side, a fast preset, lower quality.
PREVIEW_RESOLUTION: RenderResolution = "360p"
PREVIEW_PRESET = "veryfast"
PREVIEW_CRF = 30
# A draft is the whole job (every step, every scene, the same timeline, captions and soundtrack)
# drawn on a thumbnail-sized frame: for checking orchestration, where a real-size encode is
# most of a job's time and tells nothing (a 10 s 720p job: ~20 s of x264; at 96p under 1 s).
# Its soundtrack is the same graph encoded fast (media.graph.sound.DRAFT_AAC).
DRAFT_RESOLUTION: RenderResolution = "96p"
DRAFT_PRESET = "ultrafast"
DRAFT_CRF = 35

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


class Unbilled(StrictModel):
    """A provider call that delivered nothing (refused by its safety filter, failed, timed out):
    recorded with what it would have cost, and not charged (Veo bills delivered video only)."""

    provider: str
    units: float = Field(ge=0)
    unit: str
    list_usd: float = Field(0.0, ge=0, description="what it would have cost had it delivered")
    reason: str
    key: str = Field(description="content key of the call's inputs")


class SceneState(StrictModel):
    """Where one scene is, and the keys of what it has produced so far."""

    narration: StepState = "pending"
    keyframe: StepState = "pending"
    clip: StepState = "pending"
    clip_source: ClipSource | None = None
    fallback_reason: str | None = Field(
        None,
        description="why the clip fell back to Ken Burns, or the keyframe was drawn again without "
        "characters or action (keyframe done) or painted offline (keyframe fallback)",
    )
    narration_key: str | None = Field(None, description="blob key of the narration manifest")
    keyframe_key: str | None = None
    clip_key: str | None = Field(None, description="blob key of a clip file, if any")
    motion: Motion | None = None
    clip_operation: str | None = None
    clip_deadline: datetime | None = None
    duration_s: float | None = None
    narration_origin: AssetOrigin | None = None
    keyframe_origin: AssetOrigin | None = None
    clip_origin: AssetOrigin | None = Field(
        None, description="generated also when a clip fell back (its provider was asked)"
    )
    estimated_usd: float | None = Field(None, description="the scene's estimate, once written")
    cost_usd: float = Field(0.0, description="what the scene's provider calls were charged")
    unbilled: list[Unbilled] = Field(
        default_factory=list, description="calls that delivered nothing, not charged"
    )

    def finished(self, step: SceneStep) -> bool:
        """Whether the scene's `step` has its result (a fallback is a result)."""
        state = {"narration": self.narration, "keyframe": self.keyframe, "clip": self.clip}[step]
        return state == "done" if step == "narration" else state in ("done", "fallback")

    @property
    def regenerated(self) -> bool:
        """Whether any of the scene's assets was generated (not found cached) by this job."""
        origins = (self.narration_origin, self.keyframe_origin, self.clip_origin)
        return "generated" in origins


class Render(StrictModel):
    """What a job's video is encoded as. Provider assets are made from the job's `settings` (the
    project's), so a preview or an export at another aspect or resolution reuses them: only the
    assembly follows `render` (the graph cover-crops every visual to this frame)."""

    aspect: Aspect
    resolution: RenderResolution
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    video_preset: str | None = Field(None, description="x264 preset; None: the engine's default")
    crf: int | None = Field(None, ge=0, le=51, description="x264 quality; None: the default")


def render_for(
    kind: JobKind,
    settings: ProjectSettings,
    *,
    aspect: Aspect | None = None,
    resolution: Resolution | None = None,
    draft: bool = False,
) -> Render:
    """How a job of `kind` renders: a generate job as the project says, a preview at 360p with a
    fast preset, an export at its own aspect and resolution (the project's where not given);
    any kind at 96p with the fastest preset when the service renders drafts."""
    aspect = aspect or settings.aspect
    if draft:
        return _fixed_render(aspect, DRAFT_RESOLUTION, DRAFT_PRESET, DRAFT_CRF)
    if kind == "preview":
        return _fixed_render(aspect, PREVIEW_RESOLUTION, PREVIEW_PRESET, PREVIEW_CRF)
    resolution = resolution or settings.resolution
    width, height = frame_size(aspect, resolution)
    return Render(aspect=aspect, resolution=resolution, width=width, height=height)


def _fixed_render(aspect: Aspect, resolution: RenderResolution, preset: str, crf: int) -> Render:
    width, height = frame_size(aspect, resolution)
    return Render(
        aspect=aspect,
        resolution=resolution,
        width=width,
        height=height,
        video_preset=preset,
        crf=crf,
    )


class JobOutputs(StrictModel):
    video: str | None = None
    thumbnail: str | None = None
    captions_srt: str | None = None
    captions_vtt: str | None = None
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    preview: dict[str, str] = Field(
        default_factory=dict,
        description="preview jobs: scene id -> blob key of its keyframe, set as each is ready",
    )
    encoded_segments: list[str] = Field(
        default_factory=list,
        description="scenes whose video segment this job encoded; the others' were reused",
    )


class JobError(StrictModel):
    """Why a job failed: which stage, which scene, what happened, and whether a retry may help."""

    stage: str
    scene: str | None = None
    code: str
    message: str
    retryable: bool = False


class StageTiming(StrictModel):
    """When the job entered a stage and left it (None while it is in it)."""

    started_at: datetime
    finished_at: datetime | None = None


class CostLine(StrictModel):
    """One provider's use by a job: what it delivered and was charged (`units`, `actual_usd`;
    `estimated_usd` is the same at list price), and what it was asked for but did not deliver
    (`refused_units`, `refused_usd` at list price: not charged)."""

    units: float = 0.0
    unit: str = ""
    estimated_usd: float = 0.0
    actual_usd: float = 0.0
    refused_units: float = 0.0
    refused_usd: float = 0.0


class Counted(StrictModel):
    """What a job counts against its owner's daily limits, on the day it was admitted: kept on
    the job so that recounting it (its story written, or its end) changes the day once."""

    day: str = Field(description="the UTC day (YYYY-MM-DD) it is counted on")
    videos: int = Field(1, ge=0)
    rendered_s: float = Field(0.0, ge=0)


class RenderEstimate(StrictModel):
    """What rendering the story is expected to cost with the providers configured now, given
    what is already made (a storyboard's pictures and narration are in the cache): per scene
    (its narration, keyframe and clip) and in total (with the script and references if they
    are still to be made)."""

    scenes: dict[str, float] = Field(default_factory=dict, description="usd per scene id")
    total_usd: float = Field(0.0, ge=0)
    lines: dict[str, float] = Field(default_factory=dict, description="usd per stage")


class Job(StrictModel):
    id: str
    owner: str
    project_id: str
    kind: JobKind = "generate"
    with_narration: bool = Field(
        False, description="storyboards: narrate each scene too (scripts and videos: ignored)"
    )
    status: JobStatus = "queued"
    stage: Stage = "queued"
    progress: int = Field(0, ge=0, le=100)
    settings: ProjectSettings
    render: Render = Field(description="what the video is encoded as (default: the settings)")
    story: Story | None = Field(None, description="the story this job renders (a snapshot)")
    story_revision: int | None = Field(None, description="the project revision of `story`")
    language: str | None = Field(
        None, description="the language the story is told in, once it is written"
    )
    language_detected: bool = Field(
        False,
        description="`language` was detected from the prompt (settings.language auto); set "
        "settings.language to tell the story in another",
    )
    scene_ids: list[str] = Field(default_factory=list)
    scenes: dict[str, SceneState] = Field(default_factory=dict)
    outputs: JobOutputs = Field(default_factory=JobOutputs)
    error: JobError | None = None
    cost: dict[str, CostLine] = Field(default_factory=dict)
    counted: Counted | None = Field(None, description="what it counts against the day's limits")
    estimate: RenderEstimate | None = Field(
        None,
        description="what rendering the story costs, per scene and in all: a storyboard's at "
        "its end, a video job's once its story is written",
    )
    regenerated_scenes: list[str] = Field(
        default_factory=list, description="ready scenes with at least one asset generated"
    )
    reused_scenes: list[str] = Field(
        default_factory=list, description="ready scenes whose every asset came from the cache"
    )
    reference_keys: list[str] = Field(default_factory=list, description="character/style images")
    assemble_enqueued: bool = False
    assembly_tasks: AssemblyTasks | None = Field(
        None, description="an assembly spread over several tasks: the shares done, the join"
    )
    timings: dict[str, StageTiming] = Field(
        default_factory=dict, description="when each stage (queued, script, ...) started and ended"
    )
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def settle_steps(self) -> None:
        """An ended job has no scene step still `running` (issue 16 item 11: a job failed by its
        narrator showed a scene narrating forever): a failed job's running steps failed with it,
        a cancelled job's stay undone (pending)."""
        if self.status not in ("failed", "cancelled"):
            return
        left: StepState = "failed" if self.status == "failed" else "pending"
        for state in self.scenes.values():
            for step in ("narration", "keyframe", "clip"):
                if getattr(state, step) == "running":
                    setattr(state, step, left)

    def finish(self, now: datetime) -> None:
        """Mark the job done (its work is complete; a video job's assembly says so)."""
        self.status = "done"
        self.stage = "done"
        self.progress = 100
        self.finished_at = now

    @property
    def makes_video(self) -> bool:
        return self.kind in VIDEO_KINDS

    def assembly_task_count(self, most: int) -> int:
        """How many tasks assemble this job's video (assembly_tasks.task_count of its scenes'
        lengths; 1 for a job whose lengths were not stored)."""
        lengths = [self.scenes[s].duration_s for s in self.scene_ids if s in self.scenes]
        known = [n for n in lengths if n is not None]
        if not self.makes_video or not known or len(known) < len(lengths):
            return 1
        return task_count(sum(known), len(known), most)

    @property
    def scene_steps(self) -> tuple[SceneStep, ...]:
        """The steps this job runs for each scene."""
        if self.makes_video:
            return ("narration", "keyframe", "clip")
        if self.kind == "storyboard":
            return ("narration", "keyframe") if self.with_narration else ("keyframe",)
        return ()

    def scene_ready(self, scene_id: str) -> bool:
        """Whether every step this job runs for the scene has its result."""
        state = self.scenes[scene_id]
        return all(state.finished(step) for step in self.scene_steps)

    @property
    def scenes_ready(self) -> bool:
        return bool(self.scenes) and all(self.scene_ready(sid) for sid in self.scenes)

    def track_stage(self, previous: str, now: datetime) -> None:
        """Close the timing of the stage it left (`previous`) and open the one it entered;
        an ended job closes its last one. "done" is an end, not a stage with a duration."""
        if self.stage != previous:
            left = self.timings.get(previous)
            if left is None and previous == "queued":
                left = StageTiming(started_at=self.created_at)
            if left is not None and left.finished_at is None:
                self.timings[previous] = left.model_copy(update={"finished_at": now})
            if self.stage != "done" and self.stage not in self.timings:
                self.timings[self.stage] = StageTiming(started_at=now)
        if self.terminal:
            current = self.timings.get(self.stage)
            if current is not None and current.finished_at is None:
                self.timings[self.stage] = current.model_copy(update={"finished_at": now})

    @model_validator(mode="before")
    @classmethod
    def _default_render(cls, data: Any) -> Any:
        # A job made without a render (or written before jobs had one) renders as the
        # project's settings say.
        if isinstance(data, dict) and data.get("render") is None and "settings" in data:
            settings = ProjectSettings.model_validate(data["settings"])
            data = {**data, "render": render_for(data.get("kind", "generate"), settings)}
        return data

    def sort_scene_origins(self) -> None:
        """Refresh `regenerated_scenes` and `reused_scenes` from the ready scenes, in order."""
        ready = [sid for sid in self.scene_ids if sid in self.scenes and self.scene_ready(sid)]
        self.regenerated_scenes = [sid for sid in ready if self.scenes[sid].regenerated]
        self.reused_scenes = [sid for sid in ready if not self.scenes[sid].regenerated]

    def scene_progress(self) -> int:
        """Overall progress while scenes are produced: each scene has up to three steps (those
        this job runs)."""
        lo, hi = STAGE_SPAN["scenes"]
        if not self.scenes or not self.scene_steps:
            return lo
        steps = len(self.scene_steps) * len(self.scenes)
        finished = sum(s.finished(step) for s in self.scenes.values() for step in self.scene_steps)
        return lo + (hi - lo) * finished // steps
