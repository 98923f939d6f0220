"""Prompts for image and video providers, composed from the story's style bible and a scene.

Every prompt repeats the characters' fixed descriptions verbatim: that, and the reference images,
is what keeps a character looking the same from scene to scene.
"""

from __future__ import annotations

from common.domain.story import Character, Scene, Story

NEGATIVE_PROMPT = (
    "text, captions, watermark, logo, distorted faces, extra limbs, blurry, low quality, "
    "flicker, sudden cuts"
)


def characters_in(story: Story, scene: Scene) -> list[Character]:
    wanted = set(scene.characters)
    return [c for c in story.style.characters if c.id in wanted]


def _style_line(story: Story) -> str:
    style = story.style
    parts = [f"Style: {style.visual_style}", f"palette {', '.join(style.palette)}"]
    if style.lighting:
        parts.append(f"lighting {style.lighting}")
    return "; ".join(parts) + "."


def reference_prompt(story: Story, character: Character) -> str:
    return (
        f"Character reference sheet of {character.name}: {character.description}. "
        "Full body, neutral pose, plain background in the palette, consistent proportions. "
        f"{_style_line(story)}"
    )


def keyframe_prompt(story: Story, scene: Scene) -> str:
    cast = " ".join(f"{c.name}: {c.description}." for c in characters_in(story, scene))
    setting = f" Setting: {scene.setting}." if scene.setting else ""
    return (
        f"{scene.visual_prompt}{setting} {cast} Mood: {scene.mood}. {_style_line(story)} "
        "No text in the image."
    ).replace("  ", " ")


def plain_keyframe_prompt(story: Story, scene: Scene) -> str:
    """A keyframe prompt toned down for a second try after a safety refusal: the scene's setting
    in the story's style, with no characters and no action (what was refused is in those)."""
    place = scene.setting or "the scene's surroundings"
    return (
        f"Establishing view of {place}, with no people or figures. {_style_line(story)} "
        "No text in the image."
    )


def clip_prompt(story: Story, scene: Scene) -> str:
    cast = " ".join(f"{c.name}: {c.description}." for c in characters_in(story, scene))
    return (
        f"{scene.visual_prompt} {cast} Subtle, natural motion; steady cinematic camera. "
        f"Mood: {scene.mood}. {_style_line(story)}"
    )
