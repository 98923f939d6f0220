"""What a segment's pixels depend on, as a content hash: its key in the segment cache.

A key covers the scene as its pixels see it (visual, motion, frame counts, the output format),
its captions, its fades and, for a transition, the next scene's head and the kind of
transition; file paths enter as digests of the files' content, and nothing absolute in time
does, so a scene that only moved in time keeps its key. The ffmpeg build and the media sources
are hashed in too: a release that changes either renders afresh rather than reuse pixels it
would not make.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from common.domain.assets import content_hash
from common.domain.errors import MediaError
from common.media.graph.segments import fades_of
from common.media.render.ffmpeg import ffmpeg_exe, run_bounded
from common.media.spec.frames import SceneSpan, scene_spans
from common.media.spec.segments import Segment
from common.media.spec.timeline import Timeline, TimelineScene

# Bump when the meaning of a key changes in a way the hashed sources cannot see. The sources
# of common/media are hashed into every key: a release that changes any of them (whatever it
# changes) renders its segments afresh rather than risk reusing pixels the new code would not
# make.
SEGMENT_FORMAT = 1
VERSION_TIMEOUT_S = 60.0
# Audio-only or thumbnail-only timeline fields: they never change a segment's pixels.
_NOT_PIXELS = {"scenes", "music_path", "title", "language", "draft_sound"}
# Scene fields that never change a segment's own pixels (a transition segment adds its kind).
_SCENE_NOT_PIXELS = {
    "id", "narration_path", "narration_offset_s", "words", "text", "duration_s",
    "transition", "transition_s",
}  # fmt: skip


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    """The ffmpeg build's version line (a new encoder build may encode other bytes)."""
    done = run_bounded([ffmpeg_exe(), "-hide_banner", "-version"], VERSION_TIMEOUT_S)
    if done.returncode != 0:
        raise MediaError(f"cannot run ffmpeg -version: {done.stderr.strip()[-200:]}")
    return done.stdout.splitlines()[0] if done.stdout else "ffmpeg"


def file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the media sources (every module of common.media) that decide a segment's
    pixels."""
    media = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(str(SEGMENT_FORMAT).encode())
    for source in sorted(media.rglob("*.py")):
        digest.update(source.relative_to(media).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def segment_key(
    timeline: Timeline,
    segment: Segment,
    *,
    ass: str | None,
    digests: Mapping[Path, str],
    engine: str,
) -> str:
    """The content hash of `segment`: everything its pixels depend on.

    `digests` maps every file the timeline names to a hash of its content (paths are
    per-render temp files); `engine` names the encoder build. A segment that only moved in time
    keeps its key: nothing absolute enters it.
    """
    spans = scene_spans(timeline)
    i = segment.scene
    parts: list[Any] = [
        "segment",
        code_fingerprint(),
        engine,
        _without_paths(timeline.model_dump(mode="python", exclude=_NOT_PIXELS), digests),
        _scene_part(timeline.scenes[i], spans[i], digests),
        ass,
        fades_of(timeline, segment),
    ]
    if segment.into is not None:  # a transition: the next scene's head and how it comes in
        parts += [
            timeline.scenes[i].transition,
            _scene_part(timeline.scenes[i + 1], spans[i + 1], digests),
        ]
    return content_hash(*parts)


def _scene_part(scene: TimelineScene, span: SceneSpan, digests: Mapping[Path, str]) -> Any:
    """A scene as its pixels see it: every field but sound, words (captions are keyed by their
    own ASS) and absolute timing (its frame counts stand for that)."""
    fields = scene.model_dump(mode="python", exclude=_SCENE_NOT_PIXELS)
    return {**_without_paths(fields, digests), "span": [span.shown, span.head, span.tail]}


def _without_paths(value: Any, digests: Mapping[Path, str]) -> Any:
    """`value` with every Path replaced by its content digest."""
    if isinstance(value, Path):
        return {"file": digests[value]}
    if isinstance(value, dict):
        return {k: _without_paths(v, digests) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_paths(v, digests) for v in value]
    return value


def timeline_files(timeline: Timeline) -> list[Path]:
    """Every file a timeline's pixels read (visuals, and any path among its other fields)."""
    found: list[Path] = []

    def walk(value: Any) -> None:
        if isinstance(value, Path):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(timeline.model_dump(mode="python", exclude=_NOT_PIXELS))
    for scene in timeline.scenes:
        found.append(scene.visual.path)
    return list(dict.fromkeys(found))
