"""Where every scene sits on the output's frame grid: the numbers the picture graph, the segment
plan and the runner agree on.

Scene boundaries are rounded to whole frames once, from Timeline.starts(), so many scenes never
drift from the spec; a transition overlaps two scenes by whole frames.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.media.spec.timeline import Timeline


@dataclass(frozen=True)
class SceneSpan:
    """Where a scene sits on the output's frame grid, in frames."""

    first: int  # the scene's first frame (its incoming transition starts there)
    shown: int  # frames on screen, both transitions included
    head: int  # frames shared with the previous scene (drawn from lane B)
    tail: int  # frames shared with the next scene

    @property
    def end(self) -> int:
        return self.first + self.shown


def frame_grid(timeline: Timeline) -> list[tuple[int, int]]:
    """(first frame, frame count) of every scene on the output's frame grid.

    Scene boundaries are rounded to whole frames once, from Timeline.starts(), so many scenes
    never drift from the spec; a scene's count includes the frames its transition overlaps.
    """
    fps = timeline.fps
    grid = []
    for start, scene in zip(timeline.starts(), timeline.scenes, strict=True):
        first = round(start * fps)
        grid.append((first, max(1, round((start + scene.duration_s) * fps) - first)))
    return grid


def transition_frames(timeline: Timeline, grid: list[tuple[int, int]]) -> list[int]:
    """Frames each scene shares with the next through its transition (0 for cuts and the last).

    A transition is shortened, if it must be, so that it ends before the next one starts and
    leaves the incoming scene at least one frame of its own.
    """
    overlaps = []
    for i, scene in enumerate(timeline.scenes):
        if i + 1 == len(grid) or scene.transition == "cut":
            overlaps.append(0)
            continue
        wanted = grid[i][0] + grid[i][1] - grid[i + 1][0]
        after = grid[i + 2][0] if i + 2 < len(grid) else grid[i + 1][0] + grid[i + 1][1]
        overlaps.append(max(0, min(wanted, after - grid[i + 1][0] - 1)))
    return overlaps


def scene_spans(timeline: Timeline) -> list[SceneSpan]:
    """Every scene's span; a cut shows a scene only until the next one starts."""
    grid = frame_grid(timeline)
    overlaps = transition_frames(timeline, grid)
    spans = []
    for i, (first, frames) in enumerate(grid):
        shown = grid[i + 1][0] - first + overlaps[i] if i + 1 < len(grid) else frames
        spans.append(SceneSpan(first, shown, overlaps[i - 1] if i else 0, overlaps[i]))
    return spans


def total_frames(timeline: Timeline) -> int:
    first, frames = frame_grid(timeline)[-1]
    return first + frames
