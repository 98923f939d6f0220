"""A project's brand kit as Timeline fields: the logo file, and cards coloured from the kit or
the story's palette."""

from __future__ import annotations

from pathlib import Path

from common.domain.brand import BrandCard, BrandKit
from common.domain.story import Story
from common.media.spec.timeline import Card, Logo


def brand_fields(kit: BrandKit, story: Story, logo_path: Path | None) -> dict[str, object]:
    """Timeline fields (logo, intro, outro) for `kit`; `logo_path` is the fetched logo image.

    A card without a colour takes the darkest colour of the story's palette (light type reads
    on it); an intro without text shows the story's title.
    """
    fields: dict[str, object] = {}
    if kit.logo is not None and logo_path is not None:
        logo = kit.logo
        fields["logo"] = Logo(
            path=logo_path, position=logo.position, opacity=logo.opacity, size=logo.size
        )
    if kit.intro is not None:
        fields["intro"] = _card(kit.intro, story, kit.intro.text or story.title)
    if kit.outro is not None:
        fields["outro"] = _card(kit.outro, story, kit.outro.text)
    return fields


def _card(card: BrandCard, story: Story, text: str) -> Card:
    background = card.background or min(story.style.palette, key=luminance)
    colour = "#ffffff" if luminance(background) < 0.55 else "#111111"
    return Card(text=text, background=background, colour=colour, duration_s=card.duration_s)


def luminance(colour: str) -> float:
    """Relative luminance (0 black .. 1 white) of a #rrggbb colour."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
