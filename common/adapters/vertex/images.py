"""GeminiImageGenerator: the ImageGenerator port on a Gemini image model (generate_content with
IMAGE output).

Reference images (a story's character sheets) go into the request as image parts after the
prompt, so keyframes keep the characters' looks. The model picks its own pixel size for an
aspect ratio; the port promises exactly request.width x request.height, so the answer is scaled
to cover that frame and centre-cropped (an image of the right aspect is only scaled).
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

from common.adapters.vertex.client import vertex_errors, wire_seed
from common.adapters.vertex.script import check_refusal, finish_reason
from common.domain.assets import GeneratedImage, ImageRequest
from common.domain.errors import ProviderError

if TYPE_CHECKING:
    from google import genai

log = logging.getLogger(__name__)

# Aspect ratios Gemini image models accept; anything else is asked as the nearest one.
_ASPECTS = {"1:1": 1.0, "2:3": 2 / 3, "3:2": 1.5, "3:4": 0.75, "4:3": 4 / 3, "9:16": 9 / 16,
            "16:9": 16 / 9}  # fmt: skip
_REFERENCE_NOTE = (
    "The attached images are reference sheets of the characters in this picture: keep each "
    "character's face, build, hair, clothing and colours exactly as in its reference."
)


def image_mime(data: bytes) -> str:
    """The MIME type of PNG, JPEG or WebP bytes (PNG when unknown)."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/png"


def nearest_aspect(width: int, height: int) -> str:
    ratio = width / height
    return min(_ASPECTS, key=lambda name: abs(_ASPECTS[name] - ratio))


def fit_image(data: bytes, width: int, height: int) -> bytes:
    """`data` scaled to cover width x height and centre-cropped to it, as PNG."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as source:
            image = source.convert("RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise ProviderError(
            f"the image model returned bytes that are not an image: {exc}", retryable=True
        ) from exc
    scale = max(width / image.width, height / image.height)
    scaled_w = max(width, round(image.width * scale))
    scaled_h = max(height, round(image.height * scale))
    if (scaled_w, scaled_h) != image.size:
        image = image.resize((scaled_w, scaled_h), Image.Resampling.LANCZOS)
    left = (scaled_w - width) // 2
    top = (scaled_h - height) // 2
    image = image.crop((left, top, left + width, top + height))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


class GeminiImageGenerator:
    """ImageGenerator on a Gemini image model (`client` is a google-genai client on Vertex AI)."""

    def __init__(self, client: genai.Client, model: str) -> None:
        self._client = client
        self._model = model
        self.id = f"gemini-image/{model}"

    def generate(self, request: ImageRequest) -> GeneratedImage:
        """One image of exactly request.width x request.height (PNG)."""
        from google.genai import types

        aspect = request.aspect if request.aspect in _ASPECTS else None
        aspect = aspect or nearest_aspect(request.width, request.height)
        prompt = request.prompt
        if request.references:
            prompt = f"{prompt}\n\n{_REFERENCE_NOTE}"
        contents: list[Any] = [prompt]
        contents += [
            types.Part.from_bytes(data=ref, mime_type=image_mime(ref)) for ref in request.references
        ]
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(aspect_ratio=aspect),
            seed=wire_seed(request.seed),
        )
        with vertex_errors(self.id, f"{request.kind} image generation"):
            response = self._client.models.generate_content(
                model=self._model, contents=contents, config=config
            )
        check_refusal(self.id, response)
        data = _first_image(response)
        if data is None:
            reasons = [finish_reason(c) for c in response.candidates or []]
            raise ProviderError(
                f"{self.id} returned no image for the {request.kind} (finish reasons "
                f"{reasons or 'none'})",
                provider=self.id,
                retryable=True,
                code="no_image",
            )
        return GeneratedImage(data=fit_image(data, request.width, request.height), mime="image/png")


def _first_image(response: Any) -> bytes | None:
    for candidate in response.candidates or []:
        parts = getattr(getattr(candidate, "content", None), "parts", None) or []
        for part in parts:
            inline = getattr(part, "inline_data", None)
            if inline is not None and inline.data:
                data: bytes = inline.data
                return data
    return None
