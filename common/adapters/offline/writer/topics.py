"""A new episode of a theme: when a story's title was already told (a series' earlier runs,
`ScriptRequest.avoid_topics`), the offline writer tells the theme from another angle.

Each angle adds an event to the prompt (the premise reader picks it up as what happens) and a
subtitle to the title; the first angle tried depends on the seed, so runs started together with
the same history (catching up after downtime) still pick different angles.
"""

from __future__ import annotations

from collections.abc import Callable

from common.adapters.offline.writer.tables import language
from common.domain.assets import ScriptRequest
from common.domain.story import Story


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
    angles = language("en").extra["episodes"]  # (subtitle, what the prompt gains)
    start = request.seed % len(angles)
    for step in range(len(angles)):
        subtitle, event = angles[(start + step) % len(angles)]
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
