"""Ken Burns motion planning (common/media/spec/motion.py) and the offline video provider."""

from __future__ import annotations

import math

import pytest

from common.adapters.offline.kenburns import (
    OfflineVideoGenerator,
    decode_operation_name,
    encode_operation_name,
)
from common.domain.assets import ClipRequest, Motion
from common.domain.errors import InvalidInputError, ProviderError
from common.media.spec.motion import clamp_window, ease, plan_motion, window_at
from common.ports.providers import VideoGenerator

MOODS = ["calm", "hopeful", "joyful", "tense", "melancholy", "mysterious", "triumphant"]
EPS = 1e-9


def _inside(window: tuple[float, float, float]) -> bool:
    cx, cy, zoom = window
    lo = 0.5 / zoom
    return zoom >= 1.0 and lo - EPS <= cx <= 1 - lo + EPS and lo - EPS <= cy <= 1 - lo + EPS


def _zoom_ratio(motion: Motion) -> float:
    z0, z1 = motion.start[2], motion.end[2]
    return max(z0, z1) / min(z0, z1)


# --- plan_motion / window_at ---------------------------------------------------------------


@pytest.mark.parametrize("mood", MOODS)
def test_window_stays_inside_the_image_for_many_seeds_and_times(mood: str) -> None:
    for seed in range(-5, 120):
        for duration in (2.5, 4.0, 6.0, 8.0, 30.0):
            motion = plan_motion(seed, mood, duration)
            assert _inside(motion.start) and _inside(motion.end)
            for i in range(21):
                assert _inside(window_at(motion, i / 20)), (seed, mood, duration, i)


def test_plan_is_deterministic() -> None:
    assert plan_motion(7, "hopeful", 6.0) == plan_motion(7, "hopeful", 6.0)


def test_zoom_changes_gently_between_1_05_and_1_25() -> None:
    ratios = [
        _zoom_ratio(plan_motion(seed, mood, duration))
        for seed in range(40)
        for mood in MOODS
        for duration in (1.0, 4.0, 6.0, 8.0, 60.0)
    ]
    assert min(ratios) >= 1.05 - 1e-3
    assert max(ratios) <= 1.25 + 1e-3


def test_tense_scenes_zoom_faster_than_calm_ones() -> None:
    for seed in range(10):
        assert _zoom_ratio(plan_motion(seed, "tense", 6.0)) > _zoom_ratio(
            plan_motion(seed, "calm", 6.0)
        )


def test_zoom_never_drops_below_one() -> None:
    for seed in range(50):
        motion = plan_motion(seed, "joyful", 8.0)
        assert min(motion.start[2], motion.end[2]) >= 1.0


def test_even_seeds_zoom_in_and_odd_seeds_zoom_out() -> None:
    for seed in range(0, 20, 2):
        motion = plan_motion(seed, "calm", 6.0)
        assert motion.end[2] > motion.start[2]
        motion = plan_motion(seed + 1, "calm", 6.0)
        assert motion.end[2] < motion.start[2]


def test_pan_direction_turns_with_the_seed() -> None:
    directions = set()
    for seed in range(16):
        motion = plan_motion(seed, "calm", 6.0)
        dx = motion.end[0] - motion.start[0]
        dy = motion.end[1] - motion.start[1]
        directions.add(
            (
                round(math.copysign(1, dx)) if abs(dx) > 1e-4 else 0,
                round(math.copysign(1, dy)) if abs(dy) > 1e-4 else 0,
            )
        )
    assert len(directions) >= 4


def test_pan_is_small() -> None:
    for seed in range(50):
        motion = plan_motion(seed, "tense", 8.0)
        assert abs(motion.end[0] - motion.start[0]) <= 0.05
        assert abs(motion.end[1] - motion.start[1]) <= 0.05


def test_unknown_mood_still_plans_a_gentle_move() -> None:
    assert 1.05 - 1e-3 <= _zoom_ratio(plan_motion(3, "whimsical", 6.0)) <= 1.25 + 1e-3


@pytest.mark.parametrize("duration", [0.0, -1.0, float("nan"), float("inf")])
def test_non_positive_or_non_finite_duration_is_invalid_input(duration: float) -> None:
    with pytest.raises(InvalidInputError) as info:
        plan_motion(1, "calm", duration)
    assert "duration_s" in info.value.fields


def test_easing_starts_at_the_start_and_ends_at_the_end() -> None:
    motion = plan_motion(4, "joyful", 6.0)
    assert window_at(motion, 0.0) == pytest.approx(motion.start)
    assert window_at(motion, 1.0) == pytest.approx(motion.end)


def test_ease_in_out_is_smooth_at_both_ends_and_monotonic() -> None:
    assert ease(0.0) == 0.0 and ease(1.0) == 1.0 and ease(0.5) == pytest.approx(0.5)
    assert ease(0.02) < 0.02 and ease(0.98) > 0.98  # slow start, slow finish
    values = [ease(i / 100) for i in range(101)]
    assert values == sorted(values)


def test_linear_easing_moves_evenly() -> None:
    assert ease(0.25, "linear") == 0.25
    motion = Motion(start=(0.5, 0.5, 1.0), end=(0.5, 0.5, 1.2), easing="linear")
    zooms = [window_at(motion, t)[2] for t in (0.0, 0.5, 1.0)]
    assert zooms[1] / zooms[0] == pytest.approx(zooms[2] / zooms[1])  # geometric zoom


def test_time_outside_0_1_is_clamped() -> None:
    motion = plan_motion(2, "calm", 6.0)
    assert window_at(motion, -3.0) == window_at(motion, 0.0)
    assert window_at(motion, 7.0) == window_at(motion, 1.0)


def test_window_at_pulls_an_out_of_bounds_motion_back_inside() -> None:
    motion = Motion(start=(0.0, 1.0, 0.5), end=(0.99, 0.01, 1.1))
    for i in range(11):
        assert _inside(window_at(motion, i / 10))
    assert clamp_window(0.0, 1.0, 0.5) == (0.5, 0.5, 1.0)


# --- OfflineVideoGenerator -------------------------------------------------------------------


def _clip(**overrides: object) -> ClipRequest:
    fields: dict[str, object] = {
        "prompt": "the whale surfaces",
        "image_key": "jobs/j1/keyframes/s1.png",
        "duration_s": 6,
        "seed": 4,
        "mood": "calm",
    }
    fields.update(overrides)
    return ClipRequest.model_validate(fields)


def test_offline_video_generator_satisfies_the_port() -> None:
    generator: VideoGenerator = OfflineVideoGenerator()
    assert generator.id == "offline-kenburns/1"


def test_start_returns_a_finished_motion_without_a_file() -> None:
    operation = OfflineVideoGenerator().start(_clip())
    assert operation.done and operation.error is None
    assert operation.result is not None
    assert operation.result.source == "offline" and operation.result.kind == "motion"
    assert operation.result.key is None
    motion = operation.result.motion
    assert motion is not None and _inside(motion.start) and _inside(motion.end)


def test_poll_rebuilds_the_same_operation_from_its_name_alone() -> None:
    operation = OfflineVideoGenerator().start(_clip(mood="tense", duration_s=8))
    assert OfflineVideoGenerator().poll(operation.name) == operation  # a fresh instance


def test_start_is_deterministic_and_follows_the_request() -> None:
    generator = OfflineVideoGenerator()
    assert generator.start(_clip()) == generator.start(_clip())
    assert generator.start(_clip()).name != generator.start(_clip(image_key="other.png")).name
    assert generator.start(_clip()).name != generator.start(_clip(duration_s=4)).name


def test_image_key_keeps_the_zoom_direction_of_the_seed() -> None:
    generator = OfflineVideoGenerator()
    for seed in range(6):
        zooms = set()
        for key in ("a.png", "b.png", "c.png"):
            motion = generator.start(_clip(seed=seed, image_key=key)).result.motion  # type: ignore[union-attr]
            assert motion is not None
            zooms.add(motion.end[2] > motion.start[2])
        assert zooms == {seed % 2 == 0}


def test_operation_name_is_compact_and_round_trips() -> None:
    motion = plan_motion(11, "mysterious", 6.0)
    name = encode_operation_name(motion)
    assert name.startswith("offline-kb:") and len(name) < 120
    assert decode_operation_name(name) == motion


@pytest.mark.parametrize(
    "name",
    [
        "",
        "operations/veo-123",
        "offline-kb:",
        "offline-kb:e,0.5,0.5,1.1",
        "offline-kb:x,0.5,0.5,1.04,0.5,0.5,1.1",
        "offline-kb:e,0.5,0.5,abc,0.5,0.5,1.1",
        "offline-kb:e,nan,0.5,1.04,0.5,0.5,1.1",
        "offline-kb:e,0.5,0.5,0.5,0.5,0.5,1.1",
        "offline-kb:e,0.01,0.5,1.04,0.5,0.5,1.1",
        "offline-kb:e,0.5,0.5,1.04,0.5,0.5,1.1,7",
    ],
)
def test_poll_of_a_malformed_name_is_a_permanent_provider_error(name: str) -> None:
    with pytest.raises(ProviderError) as info:
        OfflineVideoGenerator().poll(name)
    assert info.value.retryable is False
    assert info.value.provider == "offline-kenburns/1"
