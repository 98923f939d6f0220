"""What a job will cost and how much video it will make, before it runs: per scene and in total.

The estimate follows the story that will be rendered, not the requested duration: its length is
the scenes' narration at the chosen narrator's speaking rate plus padding (common/domain/
pacing.py), a keyframe is painted for every scene not shown from an upload, and the video
provider is asked only for scenes whose clip source is `ai`, for their clip seconds. Each line is
priced by the chosen provider's own price model (its descriptor). Before the story is written,
the estimate bounds what a writer may return for the requested duration.

It is an upper bound: assets the cache already holds are not subtracted. Script and storyboard
jobs are admitted for what they make (`estimate_start`); a storyboard ends with what the render
will cost, the pictures and narration it made not counted again (`estimate_render`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

from common.domain.job import VIDEO_KINDS, RenderEstimate
from common.domain.pacing import (
    CLIP_SECONDS,
    LENGTH_TOLERANCE,
    MAX_CHARS_PER_S,
    MAX_SCENES,
    planned_length,
)
from common.domain.project import ProjectSettings
from common.domain.providers import ProviderChoice
from common.domain.quota import Estimate
from common.domain.story import Scene, Story

# The most characters a style bible holds: each gets a reference picture.
MAX_CHARACTERS = 6


def scene_cost(scene: Scene, choice: ProviderChoice) -> dict[str, float]:
    """USD by stage for one scene: its keyframe, its narration and its clip."""
    lines = {
        "keyframe": 0.0 if scene.clip_source == "upload" else choice.images.price.cost(1),
        "narration": choice.voice.price.cost(len(scene.narration)),
        "clip": choice.video.price.cost(scene.clip_seconds) if scene.clip_source == "ai" else 0.0,
    }
    return lines


def estimate_job(
    settings: ProjectSettings, story: Story | None, choice: ProviderChoice
) -> Estimate:
    """What a job on these settings (and this story, once written) uses at most."""
    if story is None:
        return _unwritten(settings, choice)
    lines: dict[str, float] = {
        "references": len(story.style.characters) * choice.images.price.cost(1)
    }
    per_scene: dict[str, float] = {}
    for scene in story.scenes:
        costs = scene_cost(scene, choice)
        per_scene[scene.id] = round(sum(costs.values()), 6)
        for stage, usd in costs.items():
            lines[stage] = lines.get(stage, 0.0) + usd
    clip_s = float(sum(s.clip_seconds for s in story.scenes if s.clip_source == "ai"))
    length = planned_length([s.narration for s in story.scenes], story.language, choice.rates)
    return _estimate(lines, round(length, 3), clip_s, choice, per_scene)


def _unwritten(settings: ProjectSettings, choice: ProviderChoice) -> Estimate:
    """Before the script: the longest story a writer may return for the requested duration,
    in the most scenes (the shortest clips), with every character and the fastest speech."""
    longest = settings.duration_s * LENGTH_TOLERANCE[1]
    scenes = min(MAX_SCENES, math.ceil(longest / CLIP_SECONDS[0]))
    clip_s = float(math.ceil(longest) + CLIP_SECONDS[-1])
    lines = {
        "script": choice.script.price.cost(1),
        "references": MAX_CHARACTERS * choice.images.price.cost(1),
        "keyframe": scenes * choice.images.price.cost(1),
        "narration": choice.voice.price.cost(longest * MAX_CHARS_PER_S),
        "clip": choice.video.price.cost(clip_s),
    }
    # The day's rendered seconds count the requested length until the story says otherwise
    # (the script step settles them, common/services/accounts/quotas.py).
    return _estimate(lines, float(settings.duration_s), clip_s, choice, {})


def _estimate(
    lines: dict[str, float],
    rendered_s: float,
    clip_s: float,
    choice: ProviderChoice,
    per_scene: dict[str, float],
) -> Estimate:
    return Estimate(
        usd=round(sum(lines.values()), 6),
        rendered_s=rendered_s,
        veo_s=clip_s if choice.video.quota == "video_seconds" else 0.0,
        lines={k: round(v, 6) for k, v in lines.items()},
        scenes=per_scene,
    )


def estimate_start(
    kind: str,
    settings: ProjectSettings,
    story: Story | None,
    choice: ProviderChoice,
    *,
    narrate: bool = False,
) -> Estimate:
    """What a job of `kind` is admitted with: a video job's `estimate_job`; a script job only
    its script call, a storyboard the script (if unwritten), the references, the keyframes and,
    when it narrates, the narration. Neither renders a second of video nor counts as a video."""
    full = estimate_job(settings, story, choice)
    if kind in VIDEO_KINDS:
        return full
    keep = {"script"}
    if kind == "storyboard":
        keep |= {"references", "keyframe", *(("narration",) if narrate else ())}
    lines = {k: v for k, v in full.lines.items() if k in keep}
    return Estimate(
        usd=round(sum(lines.values()), 6), rendered_s=0.0, veo_s=0.0, lines=lines, videos=0
    )


def estimate_render(
    story: Story, choice: ProviderChoice, made: Mapping[str, Collection[str]]
) -> RenderEstimate:
    """What rendering `story` will cost per scene and in total, not counting what is made
    already: `made` maps a scene id to its stages whose results the cache holds (a storyboard's
    `keyframe`, `narration`). The story and its references exist: they cost nothing more."""
    per_scene: dict[str, float] = {}
    lines = dict.fromkeys(("keyframe", "narration", "clip"), 0.0)
    for scene in story.scenes:
        done = made.get(scene.id, ())
        costs = {k: v for k, v in scene_cost(scene, choice).items() if k not in done}
        for stage, usd in costs.items():
            lines[stage] += usd
        per_scene[scene.id] = round(sum(costs.values()), 6)
    return RenderEstimate(
        scenes=per_scene,
        total_usd=round(sum(lines.values()), 6),
        lines={k: round(v, 6) for k, v in lines.items()},
    )
