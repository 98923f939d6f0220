"""What the Vertex stand-in's Gemini answers with by default: a StoryDraft (the model's JSON)."""

from __future__ import annotations

from typing import Any


def sample_story(scenes: int = 3, *, storm_scene: int | None = None) -> dict[str, Any]:
    """A StoryDraft answer: two characters, `scenes` scenes of about 4 s each.

    `storm_scene` (1-based) gets a visual prompt with the word "storm" in it, for video rules.
    """
    lines = [
        "Mara climbs the lighthouse stairs as the evening fog rolls in.",
        "Far below the rocks a great grey whale sings alone.",
        "Mara lowers her lantern and hums the same slow tune.",
        "The whale rises close and the two of them sing together.",
    ]
    out = []
    for i in range(scenes):
        weather = "a storm lashing the sea" if storm_scene == i + 1 else "calm evening fog"
        out.append({
            "beat": "hook" if i == 0 else "resolution" if i == scenes - 1 else "development",
            "narration": lines[i % len(lines)],
            "visual_prompt": f"Medium shot of Mara at the lighthouse, {weather}, slow push-in",
            "on_screen_text": "" if i else "The keeper",
            "mood": "calm",
            "setting": "a lighthouse on a rocky coast",
            "characters": ["mara"] if i % 2 == 0 else ["Mara", "the_whale"],
            "clip_seconds": "4",
        })  # fmt: skip
    return {
        "title": "The Keeper and the Whale",
        "logline": "A lonely keeper finds a friend in the sea.",
        "language": "en",
        "style": {
            "visual_style": "storybook watercolour",
            "palette": ["#1B3A4B", "#f2e8cf", "#a7c957", "#386641"],
            "lighting": "soft evening light",
            "characters": [
                {
                    "id": "mara",
                    "name": "Mara",
                    "role": "keeper",
                    "description": "a woman of sixty, grey braid, yellow oilskin coat",
                },
                {
                    "id": "the_whale",
                    "name": "the whale",
                    "role": "friend",
                    "description": "a huge grey humpback with a white scar on its fin",
                },
            ],
        },
        "scenes": out,
        "listings": {
            "youtube": {
                "title": "The Keeper and the Whale: a lighthouse lullaby",
                "description": "A lonely lighthouse keeper hums to the sea, and something "
                "answers. A short illustrated story.",
                "hashtags": ["#Lighthouse", "#Whale", "whale song", "#Whale"],
            },
            "tiktok": {
                "title": "She hummed to the sea and a whale hummed back",
                "description": "",
                "hashtags": ["#story", "#whale", "#lighthouse"],
            },
            "instagram": {
                "title": "The Keeper and the Whale",
                "description": "A keeper, a whale and one slow tune.",
                "hashtags": ["#story", "#whale", "#lighthouse", "#watercolour", "#ocean"],
            },
        },
    }
