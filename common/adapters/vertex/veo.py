"""VeoVideoGenerator: the VideoGenerator port on Veo (image-to-video, long-running).

`start` sends the scene's keyframe and prompt (`:predictLongRunning`) and returns at once with the
operation's name; `poll` asks for it (`:fetchPredictOperation`) until it is done. A finished clip
is a file in our blob store:

- with Cloud Storage blobs (`output_bucket` set), Veo reads the keyframe from its gs:// URI and
  writes the video under the request's output prefix in the same bucket; its object name is the
  clip's key;
- otherwise the keyframe goes inline and the video comes back as bytes, which are stored under
  the output prefix.

The output prefix rides along in the operation name we hand out (``<vertex name>|<prefix>``), so
any instance can finish a poll from the name alone. Veo makes 16:9 and 9:16 clips; a 1:1 project
gets 16:9, which the assembly cover-crops to its square frame. Audio is never generated (the
narration is ours). A clip the safety filter withheld comes back as a finished, `filtered`
operation with the filter's reasons; a failed operation as a finished one with its error: the
clip step turns both into Ken Burns motion and records why.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from common.adapters.vertex.client import vertex_errors, wire_seed
from common.domain.assets import ClipOperation, ClipRequest, ClipResult
from common.domain.errors import ProviderError
from common.ports import BlobStore

if TYPE_CHECKING:
    from google import genai

log = logging.getLogger(__name__)

_SEPARATOR = "|"
_VEO_ASPECTS = {"9:16": "9:16", "16:9": "16:9", "1:1": "16:9"}
_IMAGE_MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def encode_name(operation: str, output_prefix: str) -> str:
    """Our operation name: Vertex's, and where to store the clip when it comes back as bytes."""
    return f"{operation}{_SEPARATOR}{output_prefix}" if output_prefix else operation


def decode_name(name: str) -> tuple[str, str]:
    """(Vertex operation name, output prefix) from a name `encode_name` made."""
    operation, _, prefix = name.partition(_SEPARATOR)
    if "/operations/" not in operation:
        raise ValueError(f"not a Vertex AI operation name: {operation!r}")
    return operation, prefix


class VeoVideoGenerator:
    """VideoGenerator on a Veo model.

    `blobs` is where keyframes are read from and byte answers are written to; `output_bucket` is
    the Cloud Storage bucket behind `blobs` when there is one (Veo then reads and writes it
    directly), or None for a local store.
    """

    def __init__(
        self,
        client: genai.Client,
        model: str,
        blobs: BlobStore,
        *,
        output_bucket: str | None = None,
        person_generation: str = "allow_adult",
    ) -> None:
        self._client = client
        self._model = model
        self._blobs = blobs
        self._bucket = output_bucket or None
        self._person_generation = person_generation
        self.id = f"veo/{model}"

    def start(self, request: ClipRequest) -> ClipOperation:
        """Begin generating the clip; the returned operation is usually not done yet."""
        from google.genai import types

        config = types.GenerateVideosConfig(
            aspect_ratio=_VEO_ASPECTS.get(request.aspect, "16:9"),
            duration_seconds=request.duration_s,
            resolution=request.resolution,
            number_of_videos=1,
            negative_prompt=request.negative_prompt or None,
            generate_audio=False,
            seed=wire_seed(request.seed),
            person_generation=self._person_generation or None,
            output_gcs_uri=self._output_uri(request.output_prefix),
        )
        source = types.GenerateVideosSource(prompt=request.prompt, image=self._image(request))
        with vertex_errors(self.id, "clip start"):
            operation = self._client.models.generate_videos(
                model=self._model, source=source, config=config
            )
        if not operation.name:
            raise ProviderError(
                f"{self.id} started a clip but returned no operation name",
                provider=self.id,
                retryable=True,
                code="invalid_response",
            )
        name = encode_name(operation.name, request.output_prefix)
        if operation.done:
            return self._settled(name, operation)
        return ClipOperation(name=name)

    def poll(self, operation_name: str) -> ClipOperation:
        """The operation's current state; a finished clip is stored and its key returned."""
        from google.genai import types

        try:
            vertex_name, _prefix = decode_name(operation_name)
        except ValueError as exc:
            raise ProviderError(str(exc), provider=self.id, code="invalid_argument") from exc
        with vertex_errors(self.id, "clip poll"):
            operation = self._client.operations.get(
                types.GenerateVideosOperation.model_validate({"name": vertex_name})
            )
        if not operation.done:
            return ClipOperation(name=operation_name)
        return self._settled(operation_name, operation)

    # -- helpers ----------------------------------------------------------------------------

    def _output_uri(self, prefix: str) -> str | None:
        if self._bucket is None:
            return None
        return f"gs://{self._bucket}/{prefix}"

    def _image(self, request: ClipRequest) -> Any:
        from google.genai import types

        ext = request.image_key.rsplit(".", 1)[-1].lower()
        mime = _IMAGE_MIME.get(ext, "image/png")
        if self._bucket is not None and request.image_uri.startswith(f"gs://{self._bucket}/"):
            return types.Image(gcs_uri=request.image_uri, mime_type=mime)
        return types.Image(image_bytes=self._blobs.get(request.image_key), mime_type=mime)

    def _settled(self, name: str, operation: Any) -> ClipOperation:
        """A finished operation as a ClipOperation: a stored clip, a refusal or a failure."""
        if operation.error:
            error = operation.error
            code = error.get("code", "?") if isinstance(error, dict) else "?"
            message = error.get("message", error) if isinstance(error, dict) else error
            return ClipOperation(name=name, done=True, error=f"Veo error {code}: {message}")
        response = operation.response
        videos = list(getattr(response, "generated_videos", None) or [])
        filtered = int(getattr(response, "rai_media_filtered_count", None) or 0)
        if not videos:
            if filtered or getattr(response, "rai_media_filtered_reasons", None):
                reasons = getattr(response, "rai_media_filtered_reasons", None) or []
                return ClipOperation(
                    name=name, done=True, filtered=True, error="; ".join(reasons) or "no reason"
                )
            return ClipOperation(name=name, done=True, error="Veo finished without a video")
        key = self._store(name, videos[0].video)
        return ClipOperation(
            name=name, done=True, result=ClipResult(source="veo", kind="file", key=key)
        )

    def _store(self, name: str, video: Any) -> str:
        """The blob key of the finished video, written to the store if it came as bytes."""
        vertex_name, prefix = decode_name(name)
        uri = getattr(video, "uri", None) or ""
        if uri:
            if self._bucket is None or not uri.startswith(f"gs://{self._bucket}/"):
                raise ProviderError(
                    f"{self.id} wrote the clip to {uri}, outside the media bucket",
                    provider=self.id,
                    code="invalid_response",
                )
            key = uri[len(f"gs://{self._bucket}/") :]
            if not self._blobs.exists(key):
                raise ProviderError(
                    f"{self.id} reported {uri} but there is no such object",
                    provider=self.id,
                    retryable=True,
                    code="invalid_response",
                )
            return key
        data = getattr(video, "video_bytes", None)
        if not data:
            raise ProviderError(
                f"{self.id} returned a video with neither a URI nor bytes",
                provider=self.id,
                code="invalid_response",
            )
        operation_id = vertex_name.rsplit("/", 1)[-1]
        key = f"{prefix or 'clips/veo/'}{operation_id}.mp4"
        if not self._blobs.exists(key):
            self._blobs.put(key, data, getattr(video, "mime_type", None) or "video/mp4")
        return key
