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

A project's `settings.budget_usd` is met by the story as rendered (`within_budget`): every cost
but the clips is fixed by the story, so AI clips go to the scenes that matter most (the hook,
then the turn, the resolution, the development, each part in order) while the whole job (script
included) stays within the budget, and the other scenes are shown with Ken Burns. A budget below
the story's cheapest price (no AI clip at all) is refused, naming that price. Every estimate
here costs the story as budgeted, so what a job is admitted with, what its storyboard shows and
what it renders agree.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

from common.domain.errors import InvalidInputError
from common.domain.job import VIDEO_KINDS, RenderEstimate
from common.domain.pacing import (
    CLIP_SECONDS,
    LENGTH_TOLERANCE,
    MAX_CHARS_PER_S,
    MAX_SCENES,
    ClipSeconds,
    planned_length,
    scene_count,
)
from common.domain.project import ProjectSettings
from common.domain.providers import ProviderChoice
from common.domain.quota import Estimate
from common.domain.story import Scene, Story

# The most characters a style bible holds: each gets a reference picture.
MAX_CHARACTERS = 6
# Which scenes keep their AI clips first when a budget cannot pay for all: the hook holds the
# viewer, the turn and the resolution are what the story is for.
IMPORTANCE: dict[str, int] = {"hook": 0, "turn": 1, "resolution": 2, "development": 3}
BUDGET_FIELD = "settings.budget_usd"


def within_budget(story: Story, budget_usd: float | None, choice: ProviderChoice) -> Story:
    """`story` as rendered for `budget_usd`: AI clips kept for the scenes that matter most while
    the job's estimate (script, references, keyframes, narration, clips) stays within it (a
    scene whose clip no longer fits gets a shorter one if that fits), Ken Burns for the others.
    The story itself when there is no budget or it pays for every clip. InvalidInputError
    naming settings.budget_usd, with the cheapest price, when it is below it."""
    if budget_usd is None:
        return story
    cheapest = cheapest_usd(story, choice)
    if budget_usd + 1e-9 < cheapest:
        raise _below_cheapest(budget_usd, cheapest)
    left = budget_usd - cheapest
    ai = [s for s in story.scenes if s.clip_source == "ai"]
    rank = {s.id: (IMPORTANCE.get(s.beat, len(IMPORTANCE)), i) for i, s in enumerate(story.scenes)}
    clips: dict[str, ClipSeconds] = {}
    for scene in sorted(ai, key=lambda s: rank[s.id]):
        # Its own clip, else a shorter one (its last frame held longer) rather than none.
        for seconds in [c for c in reversed(CLIP_SECONDS) if c <= scene.clip_seconds]:
            usd = choice.video.price.cost(seconds)
            if usd <= left + 1e-9:
                clips[scene.id] = seconds
                left -= usd
                break
    if all(clips.get(s.id) == s.clip_seconds for s in ai):
        return story

    def rendered(scene: Scene) -> Scene:
        if scene.clip_source != "ai":
            return scene
        if scene.id not in clips:
            return scene.model_copy(update={"clip_source": "kenburns"})
        return scene.model_copy(update={"clip_seconds": clips[scene.id]})

    return story.model_copy(update={"scenes": [rendered(s) for s in story.scenes]})


def cheapest_usd(story: Story, choice: ProviderChoice) -> float:
    """The least a video of `story` costs: its script, references, keyframes and narration, no
    AI clip (what a budget must at least allow)."""
    lines = _story_lines(story, choice)[0]
    lines["clip"] = 0.0
    return round(choice.script.price.cost(1) + sum(lines.values()), 6)


def check_budget(settings: ProjectSettings, choice: ProviderChoice) -> dict[str, str]:
    """A project's budget against the cheapest video its requested duration can be, before a
    story is written (a writer plans `scene_count` scenes, each painted): the problem naming
    settings.budget_usd, or nothing. The written story is checked again when a job starts."""
    if settings.budget_usd is None:
        return {}
    cheapest = round(
        choice.script.price.cost(1)
        + scene_count(settings.duration_s) * choice.images.price.cost(1),
        6,
    )
    if settings.budget_usd + 1e-9 >= cheapest:
        return {}
    return _below_cheapest(settings.budget_usd, cheapest).fields


def _below_cheapest(budget_usd: float, cheapest: float) -> InvalidInputError:
    why = (
        f"${budget_usd:.2f} is below the cheapest this video can be made for: "
        f"${math.ceil(cheapest * 100) / 100:.2f} (every scene in Ken Burns, no AI clip)"
    )
    return InvalidInputError(f"{BUDGET_FIELD}: {why}", {BUDGET_FIELD: why})


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
    """What a job on these settings (and this story, once written and budgeted) uses at most."""
    if story is None:
        return _unwritten(settings, choice)
    story = within_budget(story, settings.budget_usd, choice)
    lines, per_scene = _story_lines(story, choice)
    clip_s = float(sum(s.clip_seconds for s in story.scenes if s.clip_source == "ai"))
    length = planned_length([s.narration for s in story.scenes], story.language, choice.rates)
    return _estimate(lines, round(length, 3), clip_s, choice, per_scene)


def _story_lines(
    story: Story, choice: ProviderChoice, made: Mapping[str, Collection[str]] | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """USD by stage for a written story (its references and scenes), and by scene: the one
    costing every estimate here shares. `made` maps a scene id to its stages whose results the
    cache holds already (not counted)."""
    lines: dict[str, float] = {
        "references": len(story.style.characters) * choice.images.price.cost(1),
        **dict.fromkeys(("keyframe", "narration", "clip"), 0.0),
    }
    per_scene: dict[str, float] = {}
    for scene in story.scenes:
        done = (made or {}).get(scene.id, ())
        costs = {k: v for k, v in scene_cost(scene, choice).items() if k not in done}
        per_scene[scene.id] = round(sum(costs.values()), 6)
        for stage, usd in costs.items():
            lines[stage] += usd
    return lines, per_scene


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
    if settings.budget_usd is not None:  # the clips the budget leaves room for, at most
        room = max(0.0, settings.budget_usd - sum(v for k, v in lines.items() if k != "clip"))
        lines["clip"] = min(lines["clip"], room)
        per_s = choice.video.price.usd_per_unit
        clip_s = min(clip_s, math.ceil(room / per_s)) if per_s > 0 else clip_s
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
    when it narrates, the narration. Neither renders a second of video nor counts as a video.
    A script job makes no video: a budget does not concern it."""
    if kind == "script":
        settings = settings.model_copy(update={"budget_usd": None})
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
    lines, per_scene = _story_lines(story, choice, made)
    del lines["references"]
    return RenderEstimate(
        scenes=per_scene,
        total_usd=round(sum(lines.values()), 6),
        lines={k: round(v, 6) for k, v in lines.items()},
    )
