"""The fan-in of an assembly spread over Cloud Run job tasks, kept on the job document.

Each task encodes its share of the video's segments into the segment cache, then records its
share here in a transaction; the task whose record completes the set claims the join (the
soundtrack, the stream-copy join, the thumbnail, the outputs) and runs it. Of two tasks
finishing together, only one sees the set complete with no claim (the scenes' fan-in,
common/services/pipeline/fanin.py, works the same way).

A claim is taken over only from a holder known to be gone: the same task of the same execution
on an earlier attempt (Cloud Run starts a task's next attempt only once the last one ended), a
task of another execution (the sweeper relaunches an assembly only after the job stopped
moving), or a claim older than its lease (a join that hung).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field

from common.domain.base import StrictModel

# A task gets at least this much video: below it, what each one pays whatever its share
# (starting, fetching the inputs, preparing the timeline, filling the encoder) outweighs
# what it saves. So a video shorter than twice this renders in one task.
MIN_SHARE_S = 15.0


def task_count(video_s: float, scenes: int, most: int) -> int:
    """How many tasks a video of `video_s` seconds in `scenes` scenes is spread over: one per
    MIN_SHARE_S of video, no more than `most` nor than there are scenes; 1 below
    2 * MIN_SHARE_S."""
    if most <= 1 or scenes <= 1:
        return 1
    return max(1, min(most, scenes, int(video_s // MIN_SHARE_S)))


class TaskSlot(StrictModel):
    """Which task of which execution this is (CLOUD_RUN_TASK_INDEX, _COUNT, _ATTEMPT and
    CLOUD_RUN_EXECUTION; in-process, the local runner's own)."""

    index: int = Field(ge=0)
    count: int = Field(ge=1)
    attempt: int = Field(0, ge=0)
    execution: str = ""


class JoinClaim(StrictModel):
    """Who is joining the video, and since when."""

    execution: str
    task: int
    attempt: int
    at: datetime

    def gone_for(self, slot: TaskSlot, now: datetime, lease: timedelta) -> bool:
        """Whether `slot` may take this claim over: its holder can no longer be at work."""
        if self.execution != slot.execution:
            return True
        if self.task == slot.index and self.attempt < slot.attempt:
            return True
        return now - self.at >= lease


class AssemblyTasks(StrictModel):
    """Shares recorded so far (task indices) of an assembly in `count` tasks, the segments
    they encoded (the join reports them as the job's), and the join's claim."""

    count: int = Field(ge=2)
    done: list[int] = Field(default_factory=list)
    encoded: list[str] = Field(
        default_factory=list, description="segments the recorded shares encoded (not cached)"
    )
    join: JoinClaim | None = None

    @property
    def complete(self) -> bool:
        return len(self.done) == self.count
