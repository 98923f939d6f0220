"""The providers a pipeline calls, and a witness that tells whether one call reached them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

from common.domain.assets import GeneratedImage, ImageRequest, Narration, NarrationRequest
from common.domain.job import AssetOrigin
from common.domain.providers import ProviderChoice
from common.ports import ImageGenerator, Narrator, ScriptWriter, VideoGenerator


class Providers:
    """The four providers, each built on first use: an API instance that never runs a step
    never imports numpy, espeak-ng or an SDK (cold start). `choice` is what the pipeline
    knows about them without building them: price models, quota classes, speaking rates.
    `wrap(kind, provider)` is applied to each provider as it is built or replaced (a span
    around every call: common/services/observability/provider_spans.py)."""

    def __init__(
        self,
        factories: dict[str, Callable[[], Any]],
        choice: ProviderChoice | None = None,
        wrap: Callable[[str, Any], Any] | None = None,
    ) -> None:
        self._factories = factories
        self.choice = choice or ProviderChoice()
        self._wrap = wrap or (lambda kind, provider: provider)
        self._built: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _get(self, name: str) -> Any:
        with self._lock:
            if name not in self._built:
                self._built[name] = self._wrap(name, self._factories[name]())
            return self._built[name]

    def replace(self, name: str, provider: Any) -> None:
        with self._lock:
            self._built[name] = self._wrap(name, provider)

    @property
    def script(self) -> ScriptWriter:
        return cast(ScriptWriter, self._get("script"))

    @property
    def images(self) -> ImageGenerator:
        return cast(ImageGenerator, self._get("images"))

    @property
    def video(self) -> VideoGenerator:
        return cast(VideoGenerator, self._get("video"))

    @property
    def voice(self) -> Narrator:
        return cast(Narrator, self._get("voice"))


class Asked:
    """Stands in for a provider during one cache lookup and remembers whether the provider was
    asked: the answer for this call only, where the shared call counters may be moved by other
    scenes' steps running at the same time."""

    def __init__(self, provider: Narrator | ImageGenerator) -> None:
        self._provider = provider
        self.id: str = provider.id
        self.uses_context: bool = bool(getattr(provider, "uses_context", False))
        self.asked = False

    def narrate(self, request: NarrationRequest) -> Narration:
        self.asked = True
        return cast(Narrator, self._provider).narrate(request)

    def generate(self, request: ImageRequest) -> GeneratedImage:
        self.asked = True
        return cast(ImageGenerator, self._provider).generate(request)

    @property
    def origin(self) -> AssetOrigin:
        return "generated" if self.asked else "cached"
