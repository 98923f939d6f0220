"""The offline writer's listings: each platform's title, description and hashtags, made from the
story it wrote (common/domain/listings.py says what a listing is).

The title is the story's; the description its logline, closed on YouTube and Instagram by a line
saying it is an illustrated story made with AI (data/listings.toml, in the story's language); the
hashtags name the characters' roles ("lonely whale" -> #LonelyWhale), then the language's own
story tags. Made from the Story alone, so a series' episode renamed after writing
(writer/topics.py) gets listings with its new title.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from common.adapters.offline.writer.tables import load
from common.domain.listings import Listings, listings_from
from common.domain.pacing import base_language
from common.domain.story import Story


@cache
def _table() -> dict[str, Any]:
    return load("listings.toml")


def _role(role: str, articles: frozenset[str]) -> str:
    """A role without the article in front ("un gatito" -> "gatito", "l'ours" -> "ours")."""
    words = role.split()
    while len(words) > 1 and words[0].casefold() in articles:
        words.pop(0)
    first = words[0] if words else ""
    for article in articles:
        if article.endswith("'") and first.casefold().startswith(article) and len(words) == 1:
            return first[len(article) :]
    return " ".join(words)


def offline_listings(story: Story) -> Listings:
    """Listings for `story`, in its language."""
    table = _table()
    words = table.get(base_language(story.language), table["en"])
    articles = frozenset(a.casefold() for a in words["articles"])
    roles = [_role(c.role, articles) for c in story.style.characters if c.role]
    return listings_from(
        story.title, story.logline, [*roles, *words["tags"]], about=str(words["about"])
    )
