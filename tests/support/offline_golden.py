"""Fingerprints of what the offline providers make, to pin "same stories for the same seeds".

`python -m tests.support.offline_golden` writes tests/unit/data/offline_golden.json from the code
as it is; tests/unit/test_offline_golden.py recomputes every fingerprint and compares. Regenerate
only for a change that is meant to alter output, and say so in the commit.

Stories are hashed as their JSON, their platform listings apart (a change to how listings are
written leaves the stories' fingerprints alone); pictures as their decoded pixels (not the PNG
bytes, which depend on the zlib build); narration as its samples and word timings.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parents[1] / "unit" / "data" / "offline_golden.json"

PROMPTS = (
    "a lighthouse keeper befriends a lonely whale",
    "a kitten learns to fly",
    "a robot searches for a lost star",
    "a girl and her dog explore the forest",
    "a brave knight saves the village from a dragon",
    "Write a short story about an old fox who is afraid of the dark",
    "a lonely robot wants a friend",
    "the moon",
    "two robots explore Mars",
    "an astronaut travels to the moon",
    "🐳 a whale who sings 🎶",
    "A baker named Rosa builds a cake as tall as a tower",
    "一只小猫学会了飞翔",
    "一个机器人在城市里寻找朋友",
    "从前有一位老渔夫遇见了一条龙",
    "قطة صغيرة تتعلم الطيران",
    "حارس منارة يصادق حوتاً وحيداً",
    "ولد يستكشف الصحراء",
)
DURATIONS = (10, 30, 75, 180)
SEEDS = (0, 5)
LANGUAGES = ("auto", "en", "zh", "ar")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def story_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """(case name, ScriptRequest fields) for every story fingerprinted."""
    for p, prompt in enumerate(PROMPTS):
        for duration in DURATIONS:
            for seed in SEEDS:
                for language in LANGUAGES:
                    if language != "auto" and (duration, seed) != (30, 0):
                        continue
                    fields = {"prompt": prompt, "duration_s": duration, "seed": seed}
                    yield f"p{p}-{duration}s-seed{seed}-{language}", fields | {"language": language}
    told = ["The Lighthouse Keeper and the Lonely Whale"]
    fields = {"prompt": PROMPTS[0], "duration_s": 20, "avoid_topics": told}
    yield "episode", fields
    yield "episode-2", fields | {"avoid_topics": [*told, f"{told[0]}: The Storm"]}


@functools.cache
def _written() -> dict[str, Any]:
    from common.adapters.offline.writer import OfflineScriptWriter
    from common.domain.assets import ScriptRequest

    writer = OfflineScriptWriter()
    return {name: writer.write(ScriptRequest(**fields)) for name, fields in story_cases()}


def stories() -> dict[str, str]:
    """The stories as told (title, style bible, scenes); their listings are `listings()`."""
    return {
        name: _digest(story.model_dump_json(exclude={"listings"}).encode())
        for name, story in _written().items()
    }


def listings() -> dict[str, str]:
    """Each story's listings for YouTube, TikTok and Instagram."""
    return {
        name: _digest(story.listings.model_dump_json().encode())
        for name, story in _written().items()
    }


def pictures() -> dict[str, str]:
    """Keyframes of a few stories' scenes and their reference sheets, small."""
    import numpy as np
    from PIL import Image

    from common.adapters.offline.painter import OfflineImageGenerator
    from common.adapters.offline.writer import OfflineScriptWriter
    from common.domain.assets import ImageRequest, ScriptRequest

    writer, painter = OfflineScriptWriter(), OfflineImageGenerator()
    out: dict[str, str] = {}
    for p, prompt in enumerate(PROMPTS[:12] + PROMPTS[13:14] + PROMPTS[16:17]):
        story = writer.write(ScriptRequest(prompt=prompt, duration_s=60, seed=p))
        size = (96, 170) if p % 2 else (170, 96)
        requests = {
            f"p{p}-ref": ImageRequest(
                kind="reference", prompt=story.logline, width=size[0], height=size[1],
                palette=story.style.palette, characters=story.style.characters, seed=p,
            )
        }  # fmt: skip
        for scene in story.scenes[:: max(1, len(story.scenes) // 3)]:
            cast = [c for c in story.style.characters if c.id in scene.characters]
            requests[f"p{p}-{scene.id}"] = ImageRequest(
                kind="keyframe", prompt=scene.visual_prompt, width=size[0], height=size[1],
                palette=story.style.palette, mood=scene.mood, setting=scene.setting,
                characters=cast, seed=p,
            )  # fmt: skip
        for name, request in requests.items():
            png = painter.generate(request).data
            pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
            out[name] = _digest(pixels.tobytes() + repr(pixels.shape).encode())
    return out


NARRATIONS = (
    ("en", "Hello, world. The keeper watches the sea... and waits."),
    ("zh", "在海边，住着一位看守人，名叫阿明。他们一起看海。"),
    ("ar", "هذا سليم، حارس منارة يعيش قرب البحر."),
)


def narrations() -> dict[str, str]:
    from common.adapters.offline.voice import EspeakNarrator
    from common.domain.assets import NarrationRequest

    narrator = EspeakNarrator()
    out = {}
    for language, text in NARRATIONS:
        speech = narrator.narrate(NarrationRequest(text=text, language=language, seed=3))
        words = json.dumps([w.model_dump() for w in speech.words]).encode()
        out[language] = _digest(speech.audio + words)
    return out


def motions() -> dict[str, str]:
    from common.adapters.offline.kenburns import OfflineVideoGenerator
    from common.domain.assets import ClipRequest

    video = OfflineVideoGenerator()
    out = {}
    for seed in range(6):
        for mood in ("calm", "tense"):
            request = ClipRequest(
                prompt="p", image_key=f"img/{seed}", duration_s=(4, 6, 8)[seed % 3], seed=seed,
                mood=mood,
            )  # fmt: skip
            out[f"{seed}-{mood}"] = video.start(request).name
    return out


def compute() -> dict[str, dict[str, str]]:
    return {
        "stories": stories(),
        "listings": listings(),
        "pictures": pictures(),
        "narrations": narrations(),
        "motions": motions(),
    }


if __name__ == "__main__":
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
