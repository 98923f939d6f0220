"""The segment plan: the pieces a video is encoded in, so that a re-render encodes only the
pieces an edit touched (common.media.render.segmented encodes and joins them).

Every scene gives up to two segments, which tile the video in order:
- its body, from the end of its incoming transition to the start of its outgoing one;
- its outgoing transition, when it has one: scene i's tail and scene i+1's head.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.media.spec.frames import scene_spans
from common.media.spec.timeline import Timeline


@dataclass(frozen=True)
class Segment:
    """Output frames [first, first + frames): scene `scene`'s body, or its outgoing transition
    into the next scene (`into` names it)."""

    index: int  # position in the video
    scene: int  # the scene it belongs to (whose process renders it)
    scene_id: str
    first: int
    frames: int
    into: str | None = None  # the next scene's id, for a transition

    @property
    def name(self) -> str:
        """`s02` for a body, `s02>s03` for the transition from s02 into s03."""
        return self.scene_id if self.into is None else f"{self.scene_id}>{self.into}"

    def start_s(self, fps: int) -> float:
        return self.first / fps


def plan_segments(timeline: Timeline) -> list[Segment]:
    """Every segment, in order; together they cover every frame once."""
    segments: list[Segment] = []
    scenes = timeline.scenes
    for i, span in enumerate(scene_spans(timeline)):
        body = span.first + span.head
        parts: list[tuple[int, int, str | None]] = [
            (body, span.shown - span.head - span.tail, None)
        ]
        if span.tail:
            parts.append((span.end - span.tail, span.tail, scenes[i + 1].id))
        for first, frames, into in parts:
            segments.append(Segment(len(segments), i, scenes[i].id, first, frames, into))
    return segments
