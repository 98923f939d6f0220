"""Listings: what a platform shows with a video (title, description, hashtags), written with the
story by the script writer and editable until the video is posted.

Each platform gets its own, because each reads differently: YouTube a searchable title of at most
100 characters and a description, TikTok a one-line hook (its caption is title, description and
hashtags in one), Instagram a caption with more hashtags. The writers (Gemini's structured
output, the offline writer) write all three; a story written before listings existed gets them
made from its title and logline (`listings_from`).

`#Shorts` is not written here: whether a video is a Short depends on the video rendered
(vertical, at most three minutes), so the post adds it (common/domain/posts.py).

Hashtags are kept as `#Word`: letters, marks and digits of any script, and `_`. Text that is not
one ("lonely whale", "whale!") is made into one (`#LonelyWhale`, `#whale`), so a user typing
hashtags and a model writing them end up with tags every platform links.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from common.domain.base import StrictModel
from common.domain.text import UserMultiline, UserText, clean_text

TITLE_MAX = 100  # YouTube's limit, the tightest of the three
DESCRIPTION_MAX = 5000  # YouTube's; TikTok and Instagram captions are cut to 2200 when sent
HASHTAGS_MAX = 30  # Instagram's limit per post
HASHTAG_MAX_CHARS = 100
# How many hashtags the writers give each platform: a few on YouTube and TikTok (more dilute
# them), Instagram's feed is searched by them.
HASHTAGS_PER_PLATFORM: dict[str, int] = {"youtube": 5, "tiktok": 5, "instagram": 10}

ListingPlatform = Literal["youtube", "tiktok", "instagram"]

_WORD_BREAK = re.compile(r"[\s\-/.,;:!?'\"()\[\]{}#@&+*=|\\~`^%$<>«»“”‘’、。，！？・]+")


def _tag_char(ch: str) -> bool:
    return ch == "_" or unicodedata.category(ch)[0] in "LMN"


def hashtag(text: str) -> str | None:
    """`text` as a hashtag (`#LonelyWhale` from "lonely whale"), or None when nothing of it can
    be one (no letter or digit, or digits only: platforms do not link those)."""
    words = ["".join(ch for ch in part if _tag_char(ch)) for part in _WORD_BREAK.split(text)]
    words = [w for w in words if w]
    if not words:
        return None
    if len(words) > 1:  # joined words stay readable where the script has capitals
        words = [w[:1].upper() + w[1:] for w in words]
    body = unicodedata.normalize("NFC", "".join(words))[:HASHTAG_MAX_CHARS]
    if body.isdigit():
        return None
    return "#" + body


def hashtags(values: Iterable[str], limit: int = HASHTAGS_MAX) -> list[str]:
    """Each of `values` as a hashtag, the ones that cannot be dropped, repeats (in any case)
    dropped, at most `limit`."""
    seen: dict[str, str] = {}
    for value in values:
        tag = hashtag(value)
        if tag is not None:
            seen.setdefault(tag.casefold(), tag)
    return list(seen.values())[:limit]


def _as_hashtag(value: object) -> object:
    if not isinstance(value, str):
        return value
    tag = hashtag(value)
    if tag is None:
        raise ValueError(f"{value!r} has no letter or digit to make a hashtag of")
    return tag


Hashtag = Annotated[str, BeforeValidator(_as_hashtag)]


def clamp_title(text: str, limit: int = TITLE_MAX) -> str:
    """`text` on one line in at most `limit` characters, cut at a word where there is one."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    short = cut[:space] if space > limit // 2 else cut[:limit]
    return short.rstrip(" ,;:-–—")[:limit]


class Listing(StrictModel):
    """One platform's title, description and hashtags."""

    title: UserText = Field(min_length=1, max_length=TITLE_MAX)
    description: UserMultiline = Field("", max_length=DESCRIPTION_MAX)
    hashtags: list[Hashtag] = Field(
        default_factory=list,
        max_length=HASHTAGS_MAX,
        description="`#Word` each; text that is not one is made into one ('lonely whale' -> "
        "'#LonelyWhale')",
    )

    @field_validator("hashtags")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return hashtags(value)


class Listings(StrictModel):
    """What each platform shows with the video."""

    youtube: Listing
    tiktok: Listing
    instagram: Listing

    def of(self, platform: str) -> Listing:
        listing: Listing = getattr(self, platform)
        return listing


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SMALL = frozenset(
    {"a", "an", "and", "the", "of", "to", "in", "on", "for", "with", "at", "by", "from"}
    | {"is", "it", "its", "his", "her", "their"}
)


def hashtags_from(*texts: str, limit: int = 5) -> list[str]:
    """Up to `limit` hashtags from the words of `texts` (longest first, no small words): for
    stories written before listings were."""
    seen: dict[str, str] = {}
    for text in texts:
        for word in _WORD.findall(text or ""):
            if len(word) > 3 and word.casefold() not in _SMALL:
                seen.setdefault(word.casefold(), word[:1].upper() + word[1:])
    ranked = sorted(seen.values(), key=lambda w: (-len(w), w))[:limit]
    return hashtags(ranked)


def listings_from(title: str, logline: str, tags: Iterable[str] = (), about: str = "") -> Listings:
    """Listings made from a story's title and logline, with `tags` (hashtags, best first) and
    an `about` line under the YouTube and Instagram descriptions."""
    tags = hashtags(tags) or hashtags_from(title, logline)
    heading = clamp_title(title) or "Untitled"
    long = "\n\n".join(part for part in (logline.strip(), about.strip()) if part)

    def listing(platform: str, description: str) -> Listing:
        return Listing(
            title=heading,
            description=description[:DESCRIPTION_MAX],
            hashtags=tags[: HASHTAGS_PER_PLATFORM[platform]],
        )

    return Listings(
        youtube=listing("youtube", long),
        tiktok=listing("tiktok", logline.strip()),
        instagram=listing("instagram", long),
    )
