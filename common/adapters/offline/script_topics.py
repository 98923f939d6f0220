"""A new episode of a theme: when a story's title was already told (a series' earlier runs,
`ScriptRequest.avoid_topics`), the offline writer tells the theme from another angle.

Each angle adds an event to the prompt (the premise reader picks it up as what happens) and a
subtitle to the title; the first angle tried depends on the seed, so runs started together with
the same history (catching up after downtime) still pick different angles.
"""

from __future__ import annotations

from collections.abc import Callable

from common.domain.assets import ScriptRequest
from common.domain.story import Story

# (subtitle, what the prompt gains)
ANGLES: tuple[tuple[str, str], ...] = (
    ("The Storm", "during a sudden storm"),
    ("The Lost Map", "and a lost map"),
    ("The First Snow", "on the day of the first snow"),
    ("The Stranger", "when a stranger arrives"),
    ("The Festival", "on the night of the festival"),
    ("The Broken Bridge", "after the bridge breaks"),
    ("The Secret Garden", "and a hidden garden"),
    ("The Long Night", "through the longest night"),
    ("The Old Friend", "when an old friend returns"),
    ("The Race", "in a race against time"),
    ("The Flood", "when the river floods"),
    ("The Lantern", "and a lantern that will not go out"),
    ("The Promise", "and a promise to keep"),
    ("The Lighthouse", "by a lighthouse at dusk"),
    ("The Missing Key", "and a missing key"),
    ("The Journey Home", "on the long way home"),
)


def _told(title: str, avoid: set[str]) -> bool:
    return title.casefold() in avoid


def new_episode(request: ScriptRequest, write: Callable[[ScriptRequest], Story]) -> Story:
    """The story `write` tells for `request`, or, when its title is among
    `request.avoid_topics`, the theme told from the first angle not told yet."""
    story = write(request)
    avoid = {topic.casefold() for topic in request.avoid_topics}
    if not _told(story.title, avoid):
        return story
    base = story.title[:150]
    start = request.seed % len(ANGLES)
    for step in range(len(ANGLES)):
        subtitle, event = ANGLES[(start + step) % len(ANGLES)]
        title = f"{base}: {subtitle}"
        if _told(title, avoid):
            continue
        varied = request.model_copy(
            update={"prompt": f"{request.prompt} {event}", "seed": request.seed + step + 1}
        )
        return write(varied).model_copy(update={"title": title})
    number = 2
    while _told(f"{base} ({number})", avoid):
        number += 1
    varied = request.model_copy(update={"seed": request.seed + number})
    return write(varied).model_copy(update={"title": f"{base} ({number})"})
