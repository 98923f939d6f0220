"""The step registry: every task target, declared once.

A step's name is a function target in main.py, a Cloud Tasks target (`/<name>`), a Terraform
function and its invoker binding, a queue class, a ledger key kind the sweeper reads back, and
a stage a failed job names. Each of those is derived from this table (STYLE 14): main.py's
targets, functions/steps.py, the step router, the sweeper, the Cloud Tasks queue map, and the
infra consistency checks that compare Terraform's per-step resources and queues with it. A test
(tests/unit/test_step_registry.py) fails if a step name is spelled anywhere else in common/,
functions/ or main.py.

This module is pure data so that every layer may import it; the handlers that run a step are
bound to these specs in the services (common/services/pipeline/dispatch.py binds the pipeline's,
bootstrap the publish step's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from common.domain.base import StrictModel
from common.domain.commands import StepCommand
from common.domain.schedule import PublishCommand

# The job stage a failure in a step belongs to (`JobError.stage`).
StepStage = Literal["script", "references", "scenes", "assembly"]
# Steps share a Cloud Tasks queue per class, so each class gets its own rate limits: Veo clips
# must not starve narration, and assembly starts few Cloud Run executions at once.
QueueClass = Literal["script", "images", "voice", "video", "assemble", "publish"]
DEFAULT_QUEUE_CLASS = "default"  # a target without a class of its own (none today)
# Steps of one class running at once (Cloud Tasks' max_concurrent_dispatches, which
# infra/terraform/tasks.tf sets to the same numbers; the in-process queue keeps the same limits
# per class, so a class waiting on its provider never holds up another). The voice class follows
# the ElevenLabs account's concurrency (STORYGENIUS_ELEVENLABS_MAX_CONCURRENCY) unless set.
QUEUE_CONCURRENCY: dict[str, int] = {
    "script": 10,
    "images": 20,
    "voice": 2,
    "video": 20,
    "assemble": 3,
    "publish": 20,
    DEFAULT_QUEUE_CLASS: 10,
}


@dataclass(frozen=True)
class Resources:
    """What the step's Cloud Function gets (Terraform's `local.steps` must say the same).
    `cpu` None takes the platform default for the memory (256M: 0.167 vCPU, 512M: 0.333)."""

    memory: str
    cpu: str | None
    timeout_s: int
    max_instances: int


@dataclass(frozen=True)
class StepSpec:
    """One step: `name` (function and task target), `stage` (None: not a job step), `queue`
    class, `payload` model of its task body, `ledger` kind (the middle of its ledger keys,
    `job:kind[:scene]`; None: it keeps none) and the `resources` its function is deployed with."""

    name: str
    stage: StepStage | None
    queue: QueueClass
    payload: type[StrictModel]
    ledger: str | None
    resources: Resources
    about: str

    @property
    def in_pipeline(self) -> bool:
        """Whether the step belongs to a job (its payload is a StepCommand)."""
        return self.payload is StepCommand


SCRIPT = StepSpec(
    name="step_script",
    stage="script",
    queue="script",
    payload=StepCommand,
    ledger="script",
    resources=Resources(memory="512M", cpu=None, timeout_s=120, max_instances=10),
    about="writes the story: one Gemini call, or the offline story writer",
)
REFERENCES = StepSpec(
    name="step_references",
    stage="references",
    queue="images",
    payload=StepCommand,
    ledger="references",
    resources=Resources(memory="1Gi", cpu="1", timeout_s=300, max_instances=10),
    about="paints the character references (offline painter: CPU bound) or calls Gemini image",
)
NARRATION = StepSpec(
    name="step_narration",
    stage="scenes",
    queue="voice",
    payload=StepCommand,
    ledger="narration",
    resources=Resources(memory="512M", cpu=None, timeout_s=120, max_instances=10),
    about="one ElevenLabs call (or espeak-ng) per scene; the queue caps concurrency",
)
KEYFRAME = StepSpec(
    name="step_keyframe",
    stage="scenes",
    queue="images",
    payload=StepCommand,
    ledger="keyframe",
    resources=Resources(memory="1Gi", cpu="1", timeout_s=300, max_instances=20),
    about="paints one keyframe per scene, like the references",
)
CLIP = StepSpec(
    name="step_clip",
    stage="scenes",
    queue="video",
    payload=StepCommand,
    ledger="clip-start",
    resources=Resources(memory="512M", cpu=None, timeout_s=60, max_instances=20),
    about="starts or polls a Veo operation and returns; never waits for the video",
)
ASSEMBLE = StepSpec(
    name="step_assemble",
    stage="assembly",
    queue="assemble",
    payload=StepCommand,
    ledger="assemble",
    resources=Resources(memory="256M", cpu=None, timeout_s=60, max_instances=5),
    about="only starts the assembly (a Cloud Run job execution)",
)
PUBLISH = StepSpec(
    name="step_publish",
    stage=None,
    queue="publish",
    payload=PublishCommand,
    ledger=None,
    resources=Resources(memory="1Gi", cpu=None, timeout_s=600, max_instances=10),
    about="publishes a scheduled video (link, webhook), or posts it to one platform: the video "
    "is downloaded to /tmp (memory) and uploaded in chunks",
)

STEPS: tuple[StepSpec, ...] = (SCRIPT, REFERENCES, NARRATION, KEYFRAME, CLIP, ASSEMBLE, PUBLISH)
PIPELINE_STEPS: tuple[StepSpec, ...] = tuple(s for s in STEPS if s.in_pipeline)
BY_NAME: dict[str, StepSpec] = {s.name: s for s in STEPS}
BY_LEDGER: dict[str, StepSpec] = {s.ledger: s for s in STEPS if s.ledger is not None}
QUEUE_CLASSES: dict[str, str] = {s.name: s.queue for s in STEPS}


def find(name: str) -> StepSpec | None:
    """The step a task target names, or None for a name no step has."""
    return BY_NAME.get(name)
