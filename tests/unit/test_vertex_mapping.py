"""The pure parts of the Vertex providers: a Gemini draft mapped onto a Story, images fitted to the
exact frame, and Veo operation names that carry their output prefix."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from common.adapters.vertex.images import fit_image, image_mime, nearest_aspect
from common.adapters.vertex.script_schema import StoryDraft, StoryProblem
from common.adapters.vertex.script_schema import to_story as map_story
from common.adapters.vertex.veo import decode_name, encode_name
from common.domain.assets import ScriptRequest
from common.domain.pacing import ELEVENLABS_RATES
from tests.stubs.vertex_server import sample_story

REQUEST = ScriptRequest(prompt="A keeper and a whale", duration_s=15)


def to_story(draft: StoryDraft, request: ScriptRequest):
    """The draft mapped for an ElevenLabs narrator (2.5 words a second)."""
    return map_story(draft, request, ELEVENLABS_RATES)


def _draft(**changes) -> StoryDraft:
    return StoryDraft.model_validate({**sample_story(3), **changes})


def test_scenes_are_numbered_and_casts_match_character_ids_or_names():
    data = sample_story(3)
    data["style"]["characters"][1]["id"] = "The Whale!"
    data["scenes"][1]["characters"] = ["MARA", "the whale"]

    story = to_story(StoryDraft.model_validate(data), REQUEST)

    assert [s.id for s in story.scenes] == ["s01", "s02", "s03"]
    assert [c.id for c in story.style.characters] == ["mara", "the-whale"]
    assert story.scenes[1].characters == ["mara", "the-whale"]


def test_a_scene_naming_an_unknown_character_is_a_problem_naming_the_scene():
    data = sample_story(3)
    data["scenes"][2]["characters"] = ["a seagull"]

    with pytest.raises(StoryProblem, match=r"scene 3 .*'a seagull'"):
        to_story(StoryDraft.model_validate(data), REQUEST)


def test_a_clip_is_the_one_its_line_fills_whatever_length_the_model_asked_for():
    data = sample_story(3)
    data["scenes"][0]["clip_seconds"] = 8  # an integer answer is read as "8"
    data["scenes"][1]["narration"] = "Mara sings."
    data["scenes"][2]["narration"] = (
        "Mara lowers her lantern and hums the same slow tune to the whale."
    )
    data["scenes"][2]["clip_seconds"] = "4"

    story = to_story(StoryDraft.model_validate(data), REQUEST)

    # 11 words: 4.4 s + 0.8 s of padding is a 5.2 s scene: a 4 s clip, its last frame held
    # (an 8 s clip would be 2.8 s bought and cut)
    assert story.scenes[0].clip_seconds == 4
    assert story.scenes[1].clip_seconds == 4  # a short scene: the shortest clip, trimmed
    assert story.scenes[2].clip_seconds == 6  # 13 words: 5.2 s + padding fills a 6 s clip


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"language": "English"}, "language must be a code"),
        ({"title": "   "}, "title"),
    ],
)
def test_what_cannot_be_repaired_is_a_problem_saying_what(change, says):
    with pytest.raises(StoryProblem, match=says):
        to_story(_draft(**change), REQUEST)


def test_a_bad_palette_is_a_problem_naming_the_palette():
    data = sample_story(3)
    data["style"]["palette"] = ["navy", "#fff", "#000000"]

    with pytest.raises(StoryProblem, match="palette"):
        to_story(StoryDraft.model_validate(data), REQUEST)


def test_fit_image_covers_and_centre_crops_to_the_exact_size():
    source = Image.new("RGB", (300, 100), (0, 0, 255))
    for x in range(100, 200):
        for y in range(100):
            source.putpixel((x, y), (255, 0, 0))  # a red middle third
    out = io.BytesIO()
    source.save(out, format="JPEG")

    fitted = Image.open(io.BytesIO(fit_image(out.getvalue(), 90, 160)))

    assert fitted.size == (90, 160) and fitted.format == "PNG"
    red = fitted.getpixel((45, 80))
    assert red[0] > 200 and red[2] < 60  # only the middle survives a portrait crop


def test_image_types_and_aspects_are_recognised():
    assert image_mime(b"\xff\xd8\xff\xe0....") == "image/jpeg"
    assert image_mime(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert nearest_aspect(1080, 1920) == "9:16"
    assert nearest_aspect(1000, 1000) == "1:1"


def test_operation_names_carry_the_output_prefix_and_refuse_foreign_names():
    vertex = "projects/p/locations/l/publishers/google/models/veo/operations/42"

    assert decode_name(encode_name(vertex, "jobs/j/clips/s01/")) == (vertex, "jobs/j/clips/s01/")
    assert decode_name(encode_name(vertex, "")) == (vertex, "")
    with pytest.raises(ValueError):
        decode_name("offline-kb:e,0.5")


def test_seeds_beyond_what_the_apis_take_are_folded_into_range():
    from common.adapters.vertex.client import wire_seed

    assert wire_seed(3001) == 3001
    big = (2**31 - 1) * 1000 + 7  # the largest project seed's scene seed
    assert 0 <= wire_seed(big) < 2**31
    assert wire_seed(big) != wire_seed(big + 1)
