"""GeminiScriptWriter through the real google-genai SDK against the Vertex stub: what goes on the
wire, the Story that comes back, and every fault the writer must survive or report."""

from __future__ import annotations

import json

import pytest

from common.adapters.vertex.script import GeminiScriptWriter
from common.domain.assets import ScriptRequest
from common.domain.errors import ContentFilteredError, InvalidInputError, ProviderError
from common.domain.pacing import ELEVENLABS_RATES, clip_for
from tests.stubs.vertex_server import sample_story

MODEL = "gemini-2.5-flash"
PATH = f"/v1beta1/projects/p/locations/us-central1/publishers/google/models/{MODEL}"
REQUEST = ScriptRequest(prompt="A lighthouse keeper befriends a lonely whale", duration_s=12)


@pytest.fixture
def writer(vertex_client):
    return GeminiScriptWriter(vertex_client, MODEL, attempts=3)


def _prompt(received) -> str:
    return received.body["contents"][0]["parts"][0]["text"]


def test_the_story_request_names_the_model_and_sends_the_draft_schema(writer, vertex_stub):
    writer.write(REQUEST)

    (sent,) = vertex_stub.requests("generateContent")
    assert (sent.project, sent.location, sent.model) == ("p", "us-central1", MODEL)
    assert sent.headers["Authorization"] == "Bearer stub-token"
    config = sent.body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    schema = config["responseSchema"]
    assert schema["type"] == "OBJECT"
    assert set(schema["required"]) >= {"title", "style", "scenes"}
    scene = schema["properties"]["scenes"]["items"]
    assert scene["properties"]["clip_seconds"]["enum"] == ["4", "6", "8"]
    assert "calm" in scene["properties"]["mood"]["enum"]
    style = schema["properties"]["style"]["properties"]
    assert style["characters"]["items"]["properties"]["description"]["type"] == "STRING"
    prompt = _prompt(sent)
    assert "A lighthouse keeper befriends a lonely whale" in prompt
    assert "about 12 seconds" in prompt
    for asked in ("fixed visual description", "shot", "camera movement", "4, 6 or 8"):
        assert asked in prompt


def test_the_answer_becomes_a_story_with_scene_ids_slugged_casts_and_fitting_clips(
    writer, vertex_stub
):
    draft = sample_story(3)
    draft["scenes"][2]["narration"] = (
        "Mara lowers her lantern, hums the old tune her father taught her, and waits while "
        "the great whale rises slowly out of the dark water."
    )  # far more than a 4 s clip holds
    vertex_stub.story = draft

    story = writer.write(REQUEST.model_copy(update={"duration_s": 20}))

    assert [s.id for s in story.scenes] == ["s01", "s02", "s03"]
    assert [c.id for c in story.style.characters] == ["mara", "the_whale"]
    assert story.scenes[1].characters == ["mara", "the_whale"]  # "Mara" matched by name
    assert story.style.palette[0] == "#1b3a4b"
    for scene in story.scenes:  # the clip the line fills: never bought longer than it shows
        spoken = ELEVENLABS_RATES.seconds(scene.narration, "en")
        assert scene.clip_seconds == clip_for(spoken)
    assert story.scenes[2].clip_seconds == 8
    assert story.language == "en"


def test_the_requested_language_wins_over_the_models(writer, vertex_stub):
    story = writer.write(REQUEST.model_copy(update={"language": "es"}))

    assert story.language == "es"
    assert "'es'" in _prompt(vertex_stub.requests("generateContent")[0])


@pytest.mark.parametrize(
    ("text", "finish"),
    [
        ('{"title": "The Keeper", "logline": "A lonely keeper', "MAX_TOKENS"),
        ("this is not JSON at all", "STOP"),
        (json.dumps({**sample_story(), "scenes": []}), "STOP"),
    ],
    ids=["truncated", "not-json", "schema-invalid"],
)
def test_an_unusable_answer_is_asked_again_with_what_was_wrong(writer, vertex_stub, text, finish):
    vertex_stub.answer_text(text, finish)

    story = writer.write(REQUEST)

    assert len(story.scenes) == 3
    first, second = vertex_stub.requests("generateContent")
    assert "previous answer" not in _prompt(first)
    assert "Your previous answer could not be used" in _prompt(second)


def test_a_story_that_breaks_the_domain_rules_is_asked_again(writer, vertex_stub):
    bad = sample_story()
    bad["scenes"][0]["characters"] = ["the lighthouse cat"]  # not in the style bible
    vertex_stub.answer_text(json.dumps(bad))
    bad_palette = sample_story()
    bad_palette["style"]["palette"] = ["blue", "green", "#ffffff"]
    vertex_stub.answer_text(json.dumps(bad_palette))

    story = writer.write(REQUEST)

    prompts = [_prompt(r) for r in vertex_stub.requests("generateContent")]
    assert len(prompts) == 3
    assert "the lighthouse cat" in prompts[1]
    assert "palette" in prompts[2]
    assert story.scenes[0].characters == ["mara"]


def test_a_story_far_from_the_requested_length_is_asked_again(writer, vertex_stub):
    short = sample_story(1)
    short["scenes"][0]["narration"] = "Mara sings."
    vertex_stub.answer_text(json.dumps(short))

    story = writer.write(REQUEST)

    assert len(story.scenes) == 3
    second = _prompt(vertex_stub.requests("generateContent")[1])
    assert "runs about 2 s but the video must last about 12 s" in second


def test_after_the_last_attempt_the_error_says_why(writer, vertex_stub):
    for _ in range(3):
        vertex_stub.answer_text('{"title": "cut', "MAX_TOKENS")

    with pytest.raises(ProviderError) as caught:
        writer.write(REQUEST)

    assert not caught.value.retryable
    assert caught.value.code == "invalid_response"
    assert "3 attempts" in caught.value.message and "MAX_TOKENS" in caught.value.message
    assert len(vertex_stub.requests("generateContent")) == 3


def test_throttling_and_server_errors_are_retried_by_the_client(writer, vertex_stub):
    vertex_stub.fail("generateContent", 429, 500)

    story = writer.write(REQUEST)

    assert story.title
    assert len(vertex_stub.requests("generateContent")) == 3


def test_throttling_that_outlasts_the_retries_is_a_retryable_provider_error(writer, vertex_stub):
    vertex_stub.fail("generateContent", 429, 429, 429)

    with pytest.raises(ProviderError) as caught:
        writer.write(REQUEST)

    assert caught.value.retryable
    assert caught.value.code == "rate_limited"
    assert "429" in caught.value.message


def test_a_bad_request_is_permanent_and_never_retried(writer, vertex_stub):
    vertex_stub.fail("generateContent", 400)

    with pytest.raises(ProviderError) as caught:
        writer.write(REQUEST)

    assert not caught.value.retryable
    assert caught.value.code == "provider_rejected"
    assert len(vertex_stub.requests("generateContent")) == 1


def test_a_safety_refusal_is_a_content_filtered_error_at_once(writer, vertex_stub):
    vertex_stub.answer_text("", "SAFETY")

    with pytest.raises(ContentFilteredError):
        writer.write(REQUEST)

    assert len(vertex_stub.requests("generateContent")) == 1


def test_a_slow_answer_times_out_and_is_retryable(vertex_stub):
    from common.adapters.vertex.client import VertexOptions, build_client, static_credentials

    client = build_client(
        VertexOptions(project="p", base_url=vertex_stub.url, timeout_s=1, attempts=1,
                      retry_delay_s=0, credentials=static_credentials())
    )  # fmt: skip
    vertex_stub.delay("generateContent", 3)

    with pytest.raises(ProviderError) as caught:
        GeminiScriptWriter(client, MODEL).write(REQUEST)

    assert caught.value.retryable
    assert caught.value.code == "timeout"


def test_an_empty_prompt_is_refused_naming_the_field(writer, vertex_stub):
    with pytest.raises(InvalidInputError) as caught:
        writer.write(REQUEST.model_copy(update={"prompt": "   "}))

    assert "prompt" in caught.value.fields
    assert vertex_stub.requests("generateContent") == []


def _format():
    from tests.support.formats import a_format

    parts = (("claim", "hook", 0.3), ("proof", "development", 0.4), ("so", "resolution", 0.3))
    return a_format(*parts, id="did-you-know", name="Did you know")


def _with_parts(*parts: str) -> dict:
    draft = sample_story(len(parts))
    for scene, part in zip(draft["scenes"], parts, strict=True):
        scene["part"] = part
        scene["beat"] = "development"  # the part decides the beat, whatever the model says
    return draft


def test_a_format_is_sent_as_a_part_enum_in_the_schema_and_gives_each_scene_its_beat(
    writer, vertex_stub
):
    vertex_stub.story = _with_parts("claim", "proof", "so")

    story = writer.write(REQUEST.model_copy(update={"format": _format()}))

    (sent,) = vertex_stub.requests("generateContent")
    scene = sent.body["generationConfig"]["responseSchema"]["properties"]["scenes"]["items"]
    assert scene["properties"]["part"]["enum"] == ["claim", "proof", "so"]
    assert "part" in scene["required"]
    assert "Format: Did you know." in _prompt(sent)
    assert [s.beat for s in story.scenes] == ["hook", "development", "resolution"]


def test_parts_out_of_order_or_left_out_are_asked_again_with_what_was_wrong(writer, vertex_stub):
    vertex_stub.answer_text(json.dumps(_with_parts("proof", "claim", "so")))
    vertex_stub.answer_text(json.dumps(_with_parts("claim", "claim", "claim")))
    vertex_stub.story = _with_parts("claim", "proof", "so")

    story = writer.write(REQUEST.model_copy(update={"format": _format()}))

    _, second, third = vertex_stub.requests("generateContent")
    assert "scene 2 is part 'claim' after part 'proof'" in _prompt(second)
    assert "leaves out the parts ['proof', 'so']" in _prompt(third)
    assert [s.beat for s in story.scenes] == ["hook", "development", "resolution"]
