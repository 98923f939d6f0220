"""Gemini writes each platform's listing (title, description, hashtags) with the story: what the
schema and the prompt ask for, and how the answer is cleaned, through the real google-genai SDK
against the Vertex stub."""

from __future__ import annotations

import pytest

from common.adapters.vertex.script import GeminiScriptWriter
from common.domain.assets import ScriptRequest
from tests.stubs.vertex_server import sample_story

MODEL = "gemini-2.5-flash"
REQUEST = ScriptRequest(prompt="A lighthouse keeper befriends a lonely whale", duration_s=12)


@pytest.fixture
def writer(vertex_client):
    return GeminiScriptWriter(vertex_client, MODEL, attempts=3)


def test_the_schema_asks_for_a_listing_per_platform_and_the_prompt_says_how(writer, vertex_stub):
    writer.write(REQUEST)

    (sent,) = vertex_stub.requests("generateContent")
    schema = sent.body["generationConfig"]["responseSchema"]
    listings = schema["properties"]["listings"]
    assert set(listings["properties"]) == {"youtube", "tiktok", "instagram"}
    youtube = listings["properties"]["youtube"]
    assert set(youtube["properties"]) == {"title", "description", "hashtags"}
    assert youtube["properties"]["hashtags"]["items"]["type"] == "STRING"
    prompt = sent.body["contents"][0]["parts"][0]["text"]
    for asked in ("`listings`", "at most 90 characters", "3 to 5 hashtags", "leave out #Shorts"):
        assert asked in prompt


def test_the_answers_listings_are_kept_per_platform_with_hashtags_cleaned(writer, vertex_stub):
    story = writer.write(REQUEST)

    assert story.listings is not None
    youtube = story.listings.youtube
    assert youtube.title == "The Keeper and the Whale: a lighthouse lullaby"
    assert youtube.hashtags == ["#Lighthouse", "#Whale", "#WhaleSong"]  # made one, once each
    assert story.listings.tiktok.title == "She hummed to the sea and a whale hummed back"
    assert len(story.listings.instagram.hashtags) == 5


def test_a_title_over_100_characters_is_cut_at_a_word(writer, vertex_stub):
    draft = sample_story(3)
    words = ("The lighthouse keeper " * 8).split()  # 176 characters
    draft["listings"]["youtube"]["title"] = " ".join(words)
    vertex_stub.story = draft

    story = writer.write(REQUEST)

    title = story.listings.youtube.title
    assert 90 <= len(title) <= 100
    assert title.split() == words[: len(title.split())]  # whole words


def test_a_story_without_listings_gets_them_from_its_title_and_logline(writer, vertex_stub):
    draft = sample_story(3)
    del draft["listings"]
    vertex_stub.story = draft

    story = writer.write(REQUEST)

    assert len(vertex_stub.requests("generateContent")) == 1  # not asked again for them
    for platform in ("youtube", "tiktok", "instagram"):
        listing = story.listings.of(platform)
        assert listing.title == "The Keeper and the Whale"
        assert listing.hashtags and all(t.startswith("#") for t in listing.hashtags)
    assert story.listings.tiktok.description == "A lonely keeper finds a friend in the sea."


def test_an_unusable_platform_listing_is_made_from_the_story_and_the_others_kept(
    writer, vertex_stub
):
    draft = sample_story(3)
    draft["listings"]["tiktok"] = {"title": "   ", "description": "", "hashtags": ["!!!"]}
    vertex_stub.story = draft

    story = writer.write(REQUEST)

    assert story.listings.tiktok.title == "The Keeper and the Whale"
    assert story.listings.tiktok.hashtags  # from the title's words
    assert story.listings.youtube.title.startswith("The Keeper and the Whale:")
