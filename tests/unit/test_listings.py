"""Listings: hashtags any platform links, titles that fit YouTube, and the offline writer's
listings in the story's language."""

from __future__ import annotations

import pytest

from common.adapters.offline.writer import OfflineScriptWriter
from common.domain.assets import ScriptRequest
from common.domain.commands import parse
from common.domain.errors import InvalidInputError
from common.domain.listings import Listing, clamp_title, hashtag, hashtags, listings_from


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("whale", "#whale"),
        ("#Whale", "#Whale"),
        ("lonely whale", "#LonelyWhale"),
        ("##whale!", "#whale"),
        ("l'histoire", "#LHistoire"),
        ("小猫", "#小猫"),
        ("कहानी", "#कहानी"),  # vowel signs are marks: kept, not split off
        ("رسوم_متحركة", "#رسوم_متحركة"),
        ("2026", None),  # digits only: platforms do not link it
        ("!!!", None),
        ("", None),
    ],
)
def test_text_becomes_a_hashtag_platforms_link(text, tag):
    assert hashtag(text) == tag


def test_hashtags_are_kept_once_whatever_their_case_and_limited():
    assert hashtags(["#Whale", "whale", "WHALE", "sea", "!!"], limit=5) == ["#Whale", "#sea"]
    assert len(hashtags([f"tag{i}" for i in range(50)])) == 30


def test_a_long_title_is_cut_at_a_word_and_a_short_one_kept():
    words = "a lighthouse keeper who befriends a lonely whale on a grey and stormy coast " * 3
    title = clamp_title(words)
    assert len(title) <= 100 and words.startswith(title) and words[len(title)] == " "
    assert clamp_title("  The  Keeper\n") == "The Keeper"
    assert len(clamp_title("x" * 300)) == 100  # one word: cut where it must be


def test_a_listing_sent_by_a_user_is_cleaned_and_bad_hashtags_named():
    listing = parse(Listing, {"title": "The Keeper", "hashtags": ["lonely whale", "#Whale"]})
    assert listing.hashtags == ["#LonelyWhale", "#Whale"]
    with pytest.raises(InvalidInputError) as caught:
        parse(Listing, {"title": "The Keeper", "hashtags": ["???"]})
    assert "hashtags.0" in caught.value.fields
    with pytest.raises(InvalidInputError) as caught:
        parse(Listing, {"title": "x" * 101})
    assert "title" in caught.value.fields


def test_listings_made_from_a_story_fit_each_platform():
    made = listings_from("The Keeper", "A keeper finds a friend.", [f"t{i}" for i in range(12)])
    assert [len(made.of(p).hashtags) for p in ("youtube", "tiktok", "instagram")] == [5, 5, 10]
    assert made.tiktok.description == "A keeper finds a friend."
    fallback = listings_from("The Lighthouse Keeper and the Whale", "")
    assert fallback.youtube.hashtags == ["#Lighthouse", "#Keeper", "#Whale"]


@pytest.mark.parametrize(
    ("prompt", "language", "role_tag", "about"),
    [
        ("a lighthouse keeper befriends a lonely whale", "en", "#LighthouseKeeper", "made with AI"),
        ("a kitten learns to fly", "es", "#gatito", "hecho con IA"),  # "un gatito": no article
        ("a girl and her dog explore the forest", "de", "#Hund", "mit KI erstellt"),
        ("一只小猫学会了飞翔", "auto", "#小猫", "人工智能"),
    ],
)
def test_the_offline_writer_writes_listings_in_the_storys_language(
    prompt, language, role_tag, about
):
    story = OfflineScriptWriter().write(
        ScriptRequest(prompt=prompt, duration_s=30, language=language)
    )

    assert story.listings is not None
    youtube = story.listings.youtube
    assert youtube.title == story.title
    assert youtube.description.startswith(story.logline) and about in youtube.description
    assert role_tag in youtube.hashtags
    assert story.listings.tiktok.description == story.logline


def test_a_renamed_series_episode_is_listed_under_its_new_title():
    told = "The Lighthouse Keeper and the Lonely Whale"
    request = ScriptRequest(
        prompt="a lighthouse keeper befriends a lonely whale", duration_s=20, avoid_topics=[told]
    )
    story = OfflineScriptWriter().write(request)

    assert story.title != told
    assert story.listings.youtube.title == story.title
