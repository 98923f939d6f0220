"""How a render is spread over workers (common/media/render/shares.py): how many, and which
scenes each one encodes."""

from __future__ import annotations

import pytest

from common.domain.assembly_tasks import MIN_SHARE_S, task_count
from common.media.render.shares import plan_shares
from common.media.spec.segments import Segment


def scenes(*frames: int) -> list[Segment]:
    """One body segment per scene, of the given frame counts, in order."""
    out, first = [], 0
    for i, n in enumerate(frames):
        out.append(Segment(i, i, f"s{i}", first, n))
        first += n
    return out


def test_a_video_shorter_than_two_shares_renders_in_one_task():
    assert task_count(2 * MIN_SHARE_S - 0.1, 6, 8) == 1
    assert task_count(2 * MIN_SHARE_S, 6, 8) == 2


def test_a_three_minute_video_uses_every_task_allowed():
    assert task_count(180.0, 30, 8) == 8


def test_no_more_tasks_than_scenes_nor_than_allowed():
    assert task_count(180.0, 3, 8) == 3
    assert task_count(180.0, 30, 1) == 1
    assert task_count(600.0, 1, 8) == 1


def test_shares_are_balanced_by_frames_not_by_scene_count():
    # One long scene against four short ones: scene count would give 3 and 2.
    shares = plan_shares(scenes(400, 100, 100, 100, 100), 2)
    assert [s.scenes for s in shares] == [(0,), (1, 2, 3, 4)]
    assert [s.frames for s in shares] == [400, 400]


def test_every_scene_is_in_exactly_one_share():
    segments = scenes(*[90 + 17 * (i % 5) for i in range(30)])
    shares = plan_shares(segments, 8)
    owned = sorted(i for s in shares for i in s.scenes)
    assert owned == list(range(30))
    assert sum(s.frames for s in shares) == sum(s.frames for s in segments)


def test_a_scene_and_its_outgoing_transition_go_to_one_share():
    segments = [
        Segment(0, 0, "a", 0, 80), Segment(1, 0, "a", 80, 15, into="b"),
        Segment(2, 1, "b", 95, 80), Segment(3, 1, "b", 175, 15, into="c"),
        Segment(4, 2, "c", 190, 90),
    ]  # fmt: skip
    shares = plan_shares(segments, 2)
    assert sorted(s.frames for s in shares) == [95, 185]
    assert {i for s in shares for i in s.scenes} == {0, 1, 2}


def test_thirty_scenes_over_eight_workers_differ_by_less_than_one_scene():
    frames = [150 + 11 * (i * 7 % 13) for i in range(30)]
    shares = plan_shares(scenes(*frames), 8)
    loads = [s.frames for s in shares]
    assert max(loads) - min(loads) <= max(frames)
    assert max(loads) <= sum(frames) / 8 + max(frames) / 2


def test_every_worker_plans_the_same_shares():
    segments = scenes(*[120] * 12)
    assert plan_shares(segments, 5) == plan_shares(list(segments), 5)


def test_more_workers_than_scenes_leaves_some_with_nothing_to_do():
    shares = plan_shares(scenes(100, 100), 3)
    assert [s.scenes for s in shares] == [(0,), (1,), ()]


def test_no_share_count_below_one():
    with pytest.raises(ValueError):
        plan_shares(scenes(100), 0)
