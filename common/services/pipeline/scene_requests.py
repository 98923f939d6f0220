"""What each scene's provider requests are made of, and nothing else.

The content-hash cache (common/services/pipeline/assets.py) keys every provider result by its
request, so these functions decide what an edit regenerates. The rules:

- A keyframe depends on the scene's visual inputs (visual prompt, setting, characters, mood),
  the style bible, the project's frame and seed, and the scene's own seed (with its
  `picture_seed`, the creator's "new picture"): never on narration.
- A clip depends on its keyframe, the same visual inputs and the scene's `clip_seconds`; never on
  the narration's length. A clip of 4, 6 or 8 s is fitted to the scene by the assembly graph
  (trimmed, or slowed and held), so a longer line after an edit re-times the scene, not the clip.
- A narration depends on its text, language, voice and seed, and on the neighbouring scenes'
  text only for a narrator that reads them (`uses_context`, see `narrator_uses_context`).
- Seeds follow the scene, not its position: reordering, inserting or deleting scenes leaves the
  other scenes' keyframes and clips as they were.
"""

from __future__ import annotations

import hashlib
import re

from common.domain.assets import ClipRequest, ImageRequest, NarrationRequest
from common.domain.job import DRAFT_RESOLUTION, Job
from common.domain.project import ProjectSettings, frame_size
from common.domain.story import Scene, Story
from common.services.pipeline.prompts import (
    NEGATIVE_PROMPT,
    characters_in,
    clip_prompt,
    keyframe_prompt,
    plain_keyframe_prompt,
)

_NUMBERED = re.compile(r"^s(\d+)$")


def scene_seed(base: int, scene_id: str) -> int:
    """The seed of a scene's keyframe and clip: the project's seed and the scene's id.

    Written scenes are numbered (s01, s02...): s01 gets offset 0, s02 offset 1, as when seeds
    followed positions, so consecutive scenes of a written story still alternate their Ken Burns
    direction (even/odd seeds). Other ids get a stable hash.
    """
    match = _NUMBERED.match(scene_id)
    if match:
        offset = (int(match.group(1)) - 1) % 1000
    else:
        offset = int(hashlib.sha256(scene_id.encode()).hexdigest()[:8], 16) % 1000
    return base * 1000 + offset


def picture_seed(base: int, scene: Scene) -> int:
    """The seed of a scene's keyframe: its scene seed, or, after the creator asked for a new
    picture (`picture_seed` not 0), a seed mixed from both (the clip and the motion keep the
    scene seed; a new picture gets a new clip anyway)."""
    seed = scene_seed(base, scene.id)
    if not scene.picture_seed:
        return seed
    mixed = hashlib.sha256(f"{seed}:{scene.picture_seed}".encode()).hexdigest()[:8]
    return int(mixed, 16) % 2**31


def narrator_uses_context(narrator: object) -> bool:
    """Whether the narrator reads the neighbouring scenes' text (`uses_context`).

    ElevenLabs uses previous/next text for prosody, so its cache key must include them, and an
    edit of one scene's line then re-voices its neighbours too (exact, but three calls). espeak
    ignores them, so including them would only cost calls. A narrator says which it is; one that
    does not say is taken not to (the offline narrator predates the attribute): a narrator that
    does read context must declare `uses_context = True`, or its cached neighbours keep the
    prosody of the old text (their words and timings stay right).
    """
    return bool(getattr(narrator, "uses_context", False))


def narration_request(
    story: Story, scene_id: str, settings: ProjectSettings, *, uses_context: bool
) -> NarrationRequest:
    """The narration request of one scene."""
    scenes = story.scenes
    index = next(i for i, s in enumerate(scenes) if s.id == scene_id)
    previous = scenes[index - 1].narration if index and uses_context else ""
    following = scenes[index + 1].narration if index + 1 < len(scenes) and uses_context else ""
    return NarrationRequest(
        text=scenes[index].narration,
        language=story.language,
        voice=settings.voice,
        previous_text=previous,
        next_text=following,
        seed=settings.seed,
    )


# A draft's character sheets are as small as its frames (a full service paints them at 1024).
REFERENCE_SIZE, DRAFT_REFERENCE_SIZE = 1024, 96


def drafted(job: Job) -> bool:
    """Whether the job renders a draft (a service with render_profile=draft): its pictures are
    painted at its thumbnail-sized frame too, since nothing looks at them closer than the video
    does, and at full size painting them is most of a draft job's work."""
    return job.render.resolution == DRAFT_RESOLUTION


def picture_size(job: Job) -> tuple[int, int]:
    """The size keyframes are painted at: the project's frame (a draft's at 96p). From the
    project's aspect, never the job's, so an export at another aspect reuses the pictures."""
    if drafted(job):
        return frame_size(job.settings.aspect, DRAFT_RESOLUTION)
    return job.settings.size


def reference_size(job: Job) -> int:
    """The side of a character's reference sheet."""
    return DRAFT_REFERENCE_SIZE if drafted(job) else REFERENCE_SIZE


def keyframe_request(
    story: Story,
    scene_id: str,
    settings: ProjectSettings,
    references: list[bytes],
    size: tuple[int, int] | None = None,
) -> ImageRequest:
    """The keyframe request of one scene; `references` are its characters' reference images,
    `size` the picture's (the project's frame unless given: `picture_size`)."""
    scene = story.scene(scene_id)
    width, height = size or settings.size
    return ImageRequest(
        kind="keyframe",
        prompt=keyframe_prompt(story, scene),
        width=width,
        height=height,
        aspect=settings.aspect,
        seed=picture_seed(settings.seed, scene),
        palette=story.style.palette,
        mood=scene.mood,
        setting=scene.setting,
        characters=characters_in(story, scene),
        references=references,
    )


def plain_keyframe_request(
    story: Story, scene_id: str, settings: ProjectSettings, size: tuple[int, int] | None = None
) -> ImageRequest:
    """The keyframe request asked once more after a safety refusal: the scene's setting and the
    story's style only, with no characters and no reference images (`plain_keyframe_prompt`)."""
    request = keyframe_request(story, scene_id, settings, references=[], size=size)
    prompt = plain_keyframe_prompt(story, story.scene(scene_id))
    return request.model_copy(update={"prompt": prompt, "characters": []})


def clip_request(
    story: Story,
    scene_id: str,
    settings: ProjectSettings,
    *,
    keyframe_key: str,
    image_uri: str,
    output_prefix: str,
) -> ClipRequest:
    """The image-to-video request of one scene, animating its keyframe (a blob key)."""
    scene = story.scene(scene_id)
    return ClipRequest(
        prompt=clip_prompt(story, scene),
        image_key=keyframe_key,
        image_uri=image_uri,
        aspect=settings.aspect,
        resolution=settings.resolution,
        duration_s=scene.clip_seconds,
        seed=scene_seed(settings.seed, scene_id),
        negative_prompt=NEGATIVE_PROMPT,
        mood=scene.mood,
        output_prefix=output_prefix,
    )
