"""Providers: who writes the script, paints the images, animates the clips and speaks.

Each provider has an `id` naming the provider and model (``offline-painter/1``,
``veo/veo-3.1-fast-generate-001``); results are cached by content hash including that id.
Providers raise ProviderError (retryable or not) or ContentFilteredError.
"""

from __future__ import annotations

from typing import Protocol

from common.domain.assets import (
    ClipOperation,
    ClipRequest,
    GeneratedImage,
    ImageRequest,
    Narration,
    NarrationRequest,
    ScriptRequest,
)
from common.domain.story import Story


class ScriptWriter(Protocol):
    id: str

    def write(self, request: ScriptRequest) -> Story:
        """A complete story for the prompt, sized to the requested duration."""


class ImageGenerator(Protocol):
    id: str

    def generate(self, request: ImageRequest) -> GeneratedImage:
        """One image of exactly request.width x request.height."""


class VideoGenerator(Protocol):
    """Image-to-video, long-running: `start` returns an operation, `poll` checks on it."""

    id: str

    def start(self, request: ClipRequest) -> ClipOperation:
        """Begin generating; may return an operation that is already done."""

    def poll(self, operation_name: str) -> ClipOperation:
        """The operation's current state."""


class Narrator(Protocol):
    id: str
    # Whether previous_text/next_text change the speech (ElevenLabs request stitching does;
    # espeak-ng does not). When False they are left out of requests, so editing one scene's
    # narration does not invalidate its neighbours' cached audio.
    uses_context: bool

    def narrate(self, request: NarrationRequest) -> Narration:
        """Speech for request.text with a timing for every word."""
