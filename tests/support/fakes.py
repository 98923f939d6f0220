"""Test doubles for provider ports (fakes with state, not mocks), and a queue that delivers
every task twice, as Cloud Tasks may."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

from common.adapters.local.inprocess_queue import InProcessTaskQueue
from common.domain.assets import (
    ClipOperation,
    ClipRequest,
    ClipResult,
    Narration,
    NarrationRequest,
)
from common.domain.errors import ProviderError
from common.media.render.ffmpeg import ffmpeg_exe
from common.ports import BlobStore, Task


class FailingNarrator:
    id = "failing-narrator/1"
    uses_context = False

    def __init__(self, fail_on: str) -> None:
        self.fail_on = fail_on

    def narrate(self, request: NarrationRequest) -> Narration:
        raise ProviderError(f"voice refused the text of {self.fail_on}", provider=self.id)


@dataclass
class RefusingVideo:
    """Every clip is refused by the safety filter after one poll."""

    id: str = "refusing-video/1"
    started: list[str] = field(default_factory=list)

    def start(self, request: ClipRequest) -> ClipOperation:
        self.started.append(request.image_key)
        return ClipOperation(name=f"op-{len(self.started)}")

    def poll(self, operation_name: str) -> ClipOperation:
        return ClipOperation(
            name=operation_name, done=True, filtered=True, error="person generation blocked"
        )


@dataclass
class SlowVideo:
    """A clip is ready after `polls` polls; the result is a real (tiny) video file in blobs."""

    blobs: BlobStore
    polls: int = 2
    id: str = "slow-video/1"
    seen: dict[str, int] = field(default_factory=dict)
    requests: list[ClipRequest] = field(default_factory=list)

    def start(self, request: ClipRequest) -> ClipOperation:
        self.requests.append(request)
        name = f"op-{len(self.requests)}"
        self.seen[name] = 0
        return ClipOperation(name=name)

    def poll(self, operation_name: str) -> ClipOperation:
        self.seen[operation_name] += 1
        if self.seen[operation_name] < self.polls:
            return ClipOperation(name=operation_name)
        request = self.requests[int(operation_name.split("-")[1]) - 1]
        key = f"{request.output_prefix}clip.mp4"
        if not self.blobs.exists(key):
            data = subprocess.run(
                [ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                 "testsrc=size=320x240:rate=24:duration=3", "-c:v", "libx264", "-pix_fmt",
                 "yuv420p", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov", "pipe:1"],
                check=True, capture_output=True,
            ).stdout  # fmt: skip
            self.blobs.put(key, data, "video/mp4")
        result = ClipResult(source="veo", kind="file", key=key)
        return ClipOperation(name=operation_name, done=True, result=result)


class DoubleDeliveryQueue(InProcessTaskQueue):
    """Delivers every task twice under different names (at-least-once delivery)."""

    def enqueue(self, task: Task) -> bool:
        first = super().enqueue(task)
        twin_name = f"{task.name}#again" if task.name else None
        twin = Task(task.target, task.payload, twin_name, task.delay_s)
        super().enqueue(twin)
        return first


@dataclass
class RecordingQueue:
    """Keeps what was enqueued and runs nothing (for tests of what a step asks for next)."""

    tasks: list[Task] = field(default_factory=list)

    def enqueue(self, task: Task) -> bool:
        if task.name and any(t.name == task.name for t in self.tasks):
            return False
        self.tasks.append(task)
        return True


@dataclass
class RecordingRunner:
    """A JobRunner that records which jobs it was asked to assemble (as Cloud Run would be)."""

    started: list[str] = field(default_factory=list)
    tasks: dict[str, int] = field(default_factory=dict)

    def run_assembly(self, job_id: str, tasks: int = 1) -> None:
        self.started.append(job_id)
        self.tasks[job_id] = tasks
