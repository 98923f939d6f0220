"""Offline video provider: a Ken Burns motion spec over the keyframe instead of a generated clip.

No video file is produced here: the assembly graph renders the motion straight from the still, so
nothing is encoded twice. The operation is done as soon as it starts, and its name carries the
motion itself, so `poll` can answer without any stored state (any instance, any process).
"""

from __future__ import annotations

import hashlib
import math
from typing import Literal

from common.domain.assets import ClipOperation, ClipRequest, ClipResult, Motion
from common.domain.errors import ProviderError
from common.media.spec.motion import plan_motion

_PREFIX = "offline-kb:"
_EASINGS: dict[str, Literal["ease_in_out", "linear"]] = {"e": "ease_in_out", "l": "linear"}
# Tolerance when checking a decoded window lies inside the image.
_EPS = 1e-9


class OfflineVideoGenerator:
    """VideoGenerator that answers every clip with Ken Burns motion, deterministically.

    The motion depends on the request's seed, mood, duration and image key. The image key only
    varies the amount of motion, never its direction, so scenes still alternate zooming in and
    out with their seeds.
    """

    id = "offline-kenburns/1"

    def start(self, request: ClipRequest) -> ClipOperation:
        """A finished operation whose result is the motion for this clip."""
        key_hash = int.from_bytes(hashlib.sha256(request.image_key.encode()).digest()[:4], "big")
        # Adding a multiple of 16 keeps seed % 2 (zoom direction) and seed // 2 % 8 (pan).
        seed = request.seed + 16 * (key_hash % 65_521)
        motion = plan_motion(seed, request.mood, float(request.duration_s))
        return _done(encode_operation_name(motion), motion)

    def poll(self, operation_name: str) -> ClipOperation:
        """The same finished operation `start` returned, rebuilt from its name."""
        try:
            motion = decode_operation_name(operation_name)
        except ValueError as exc:
            raise ProviderError(
                f"not an offline Ken Burns operation: {operation_name!r} ({exc})",
                provider=self.id,
                retryable=False,
            ) from exc
        return _done(operation_name, motion)


def encode_operation_name(motion: Motion) -> str:
    """`offline-kb:<easing>,<cx0>,<cy0>,<z0>,<cx1>,<cy1>,<z1>`, numbers in shortest exact form."""
    easing = "e" if motion.easing == "ease_in_out" else "l"
    numbers = ",".join(repr(float(v)) for v in (*motion.start, *motion.end))
    return f"{_PREFIX}{easing},{numbers}"


def decode_operation_name(name: str) -> Motion:
    """The motion an operation name carries. Raises ValueError if the name is not one of ours."""
    if not name.startswith(_PREFIX):
        raise ValueError(f"name must start with {_PREFIX!r}")
    parts = name[len(_PREFIX) :].split(",")
    if len(parts) != 7 or parts[0] not in _EASINGS:
        raise ValueError("expected an easing letter and six numbers")
    values = [float(p) for p in parts[1:]]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("numbers must be finite")
    start = (values[0], values[1], values[2])
    end = (values[3], values[4], values[5])
    for cx, cy, zoom in (start, end):
        if not 1.0 <= zoom <= 8.0:
            raise ValueError(f"zoom {zoom} outside [1, 8]")
        lo = 0.5 / zoom
        if not (lo - _EPS <= cx <= 1 - lo + _EPS and lo - _EPS <= cy <= 1 - lo + _EPS):
            raise ValueError(f"window ({cx}, {cy}, {zoom}) leaves the image")
    return Motion(start=start, end=end, easing=_EASINGS[parts[0]])


def _done(name: str, motion: Motion) -> ClipOperation:
    result = ClipResult(source="offline", kind="motion", motion=motion)
    return ClipOperation(name=name, done=True, result=result)
