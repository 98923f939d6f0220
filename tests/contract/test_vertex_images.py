"""GeminiImageGenerator through the real google-genai SDK against the Vertex stub: the request
(IMAGE modality, aspect ratio, references as image parts), the exact output size, and faults."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from common.adapters.vertex.images import GeminiImageGenerator
from common.domain.assets import ImageRequest
from common.domain.errors import ContentFilteredError, ProviderError
from tests.stubs.vertex_server import decode_b64

MODEL = "gemini-3.1-flash-image"


@pytest.fixture
def generator(vertex_client):
    return GeminiImageGenerator(vertex_client, MODEL)


def _png(color: tuple[int, int, int], size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def test_a_reference_is_asked_as_a_square_image_of_the_image_model(generator, vertex_stub):
    request = ImageRequest(kind="reference", prompt="Mara, reference sheet", width=1024,
                           height=1024, aspect="1:1", seed=7)  # fmt: skip

    image = generator.generate(request)

    assert image.mime == "image/png"
    assert _size(image.data) == (1024, 1024)
    (sent,) = vertex_stub.requests("generateContent")
    assert sent.model == MODEL
    config = sent.body["generationConfig"]
    assert config["responseModalities"] == ["IMAGE"]
    assert config["imageConfig"]["aspectRatio"] == "1:1"
    assert config["seed"] == 7
    parts = sent.body["contents"][0]["parts"]
    assert parts == [{"text": "Mara, reference sheet"}]


def test_a_keyframe_sends_its_references_as_image_parts_after_the_prompt(generator, vertex_stub):
    refs = [_png((255, 0, 0)), _png((0, 0, 255))]
    request = ImageRequest(kind="keyframe", prompt="Mara on the stairs", width=720,
                           height=1280, aspect="9:16", references=refs)  # fmt: skip

    image = generator.generate(request)

    assert _size(image.data) == (720, 1280)  # the stub drew 288x512
    (sent,) = vertex_stub.requests("generateContent")
    assert sent.body["generationConfig"]["imageConfig"]["aspectRatio"] == "9:16"
    parts = sent.body["contents"][0]["parts"]
    assert parts[0]["text"].startswith("Mara on the stairs")
    assert "reference" in parts[0]["text"]
    inline = [p["inlineData"] for p in parts[1:]]
    assert [decode_b64(p["data"]) for p in inline] == refs
    # Protobuf JSON takes field names in camelCase or as declared; the SDK sends mime_type.
    assert {p.get("mimeType", p.get("mime_type")) for p in inline} == {"image/png"}


def test_an_answer_of_another_shape_is_cover_cropped_to_the_exact_frame(generator, vertex_stub):
    vertex_stub.answer_image(size=(400, 400))  # square for a landscape frame
    request = ImageRequest(kind="keyframe", prompt="the sea", width=1280, height=720,
                           aspect="16:9")  # fmt: skip

    image = generator.generate(request)

    with Image.open(io.BytesIO(image.data)) as out:
        assert out.size == (1280, 720)
        # The stub's yellow frame is cut off at top and bottom, kept at the sides.
        assert out.getpixel((640, 0))[:2] != (255, 255)
        left = out.getpixel((1, 360))
        assert left[0] > 200 and left[1] > 200 and left[2] < 80


def test_a_safety_refusal_is_content_filtered(generator, vertex_stub):
    vertex_stub.answer_image(refuse="IMAGE_SAFETY")

    with pytest.raises(ContentFilteredError) as caught:
        generator.generate(ImageRequest(kind="keyframe", prompt="x", width=64, height=64))

    assert "IMAGE_SAFETY" in caught.value.message


def test_an_answer_without_an_image_is_a_retryable_error(generator, vertex_stub):
    vertex_stub.answer_image(text_only=True)

    with pytest.raises(ProviderError) as caught:
        generator.generate(ImageRequest(kind="keyframe", prompt="x", width=64, height=64))

    assert caught.value.retryable
    assert caught.value.code == "no_image"


def test_server_errors_are_retried_and_permission_errors_are_not(generator, vertex_stub):
    vertex_stub.fail("generateContent", 503)
    request = ImageRequest(kind="keyframe", prompt="x", width=90, height=160)
    assert _size(generator.generate(request).data) == (90, 160)
    assert len(vertex_stub.requests("generateContent")) == 2

    vertex_stub.fail("generateContent", 403)
    with pytest.raises(ProviderError) as caught:
        generator.generate(request)
    assert not caught.value.retryable
    assert caught.value.code == "provider_denied"
    assert len(vertex_stub.requests("generateContent")) == 3
