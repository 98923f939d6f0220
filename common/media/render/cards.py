"""Intro and outro cards: title text on a colour, turned into scenes of the timeline.

A card is drawn once as a still (Pillow, the thumbnail's type setting: font fallback per
script, Arabic shaped by Raqm) and becomes an ordinary scene without motion, so the graph
renders it like any still: no extra encode, and the usual transitions join it to the story.
The intro crossfades into the first scene and the picture rises from black under it; the outro
takes a crossfade from the last scene and the picture sinks to black at its end.

Every other scene keeps its own timing relative to its neighbours: the story simply starts
later (by the intro's length minus its crossfade), and so do its narration and captions,
because they are placed from Timeline.starts().
"""

from __future__ import annotations

from pathlib import Path

from common.domain.assets import Motion
from common.media.spec.timeline import Card, ImageVisual, Timeline, TimelineScene

CROSSFADE_S = 0.5  # card <-> story; at most a third of the card
FADE_S = 0.4  # from black into the intro, from the outro to black
INTRO_ID, OUTRO_ID = "_intro", "_outro"
CARD_IDS = frozenset({INTRO_ID, OUTRO_ID})
_STILL = Motion(start=(0.5, 0.5, 1.0), end=(0.5, 0.5, 1.0), easing="linear")


def with_cards(timeline: Timeline, workdir: Path) -> Timeline:
    """`timeline` with its intro and outro cards drawn into `workdir` and made scenes.

    The result has no cards left (intro/outro None) and fades from and to black where a card
    is; a timeline without cards comes back unchanged.
    """
    if timeline.intro is None and timeline.outro is None:
        return timeline
    workdir.mkdir(parents=True, exist_ok=True)
    scenes = list(timeline.scenes)
    update: dict[str, object] = {"intro": None, "outro": None}
    if timeline.intro is not None:
        card = timeline.intro
        intro = _still(INTRO_ID, draw_card(timeline, card, workdir / "intro.png"), card)
        scenes.insert(0, intro.model_copy(update={"transition_s": _overlap(card, scenes[0])}))
        update["fade_in_s"] = max(timeline.fade_in_s, min(FADE_S, card.duration_s / 3))
    if timeline.outro is not None:
        card = timeline.outro
        last = scenes[-1]
        overlap = _overlap(card, last)
        # The last scene gains the frames it now shares with the outro, so none of its own
        # are lost to the crossfade.
        scenes[-1] = last.model_copy(
            update={
                "duration_s": last.duration_s + overlap,
                "transition": "crossfade",
                "transition_s": overlap,
            }
        )
        scenes.append(_still(OUTRO_ID, draw_card(timeline, card, workdir / "outro.png"), card))
        update["fade_out_s"] = max(timeline.fade_out_s, min(FADE_S, card.duration_s / 3))
    return timeline.model_copy(update={**update, "scenes": scenes})


def _still(scene_id: str, path: Path, card: Card) -> TimelineScene:
    return TimelineScene(
        id=scene_id,
        visual=ImageVisual(path=path, motion=_STILL),
        duration_s=card.duration_s,
        transition="crossfade",
        transition_s=0.0,
    )


def _overlap(card: Card, scene: TimelineScene) -> float:
    """The crossfade between a card and its neighbour: short enough for both."""
    return round(min(CROSSFADE_S, card.duration_s / 3, scene.duration_s / 3), 3)


def draw_card(timeline: Timeline, card: Card, path: Path) -> Path:
    """The card as a PNG of the timeline's size: `card.text` centred on its background."""
    from PIL import Image  # lazy: Pillow is only needed where a video is made

    from common.media.render.thumbnail import draw_title, set_title

    width, height = timeline.width, timeline.height
    image = Image.new("RGBA", (width, height), card.background)
    text = " ".join(card.text.split())
    if text:
        title = set_title(text, width, round(min(width * 0.09, height * 0.11)))
        block = round(title.size * 1.2) * (len(title.lines) - 1)
        # Centred as a block: the first baseline sits so the block's middle is the frame's.
        baseline = round((height - block) / 2 + title.size * 0.35)
        # A soft shadow lifts light type off its colour; under dark type it would smear.
        light = sum(int(card.colour[i : i + 2], 16) for i in (1, 3, 5)) > 3 * 128
        draw_title(image, title, baseline, fill=card.colour, outline=None, shadow=light)
    image.convert("RGB").save(path, "PNG", compress_level=1)
    return path
