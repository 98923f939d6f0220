"""A span around every provider call: which provider and model, how many units it was asked for,
what that is estimated to cost and what the pipeline charges for it, and for a video the
operation it started or polled (and the poll's number).

Each provider is wrapped once, where it is built (common/services/pipeline/providers.py calls
`traced_provider`), so every step and every provider, offline ones included, is traced the
same way without a step knowing. The wrapper is the provider for everything else: attributes
it does not define are the wrapped provider's (`inner` is the provider itself).

Units follow the price model of the provider's kind (common/domain/providers.py): a call for a
script, an image, the characters of a narration, the seconds of a clip. The estimate is the
list price of the units asked for; the actual cost is what the pipeline charges once the call
succeeded (0 for a call that failed: nothing is charged for it).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from common.domain.assets import (
    ClipOperation,
    ClipRequest,
    GeneratedImage,
    ImageRequest,
    Narration,
    NarrationRequest,
    ScriptRequest,
)
from common.domain.providers import ProviderInfo, ProviderKind
from common.domain.story import Story
from common.ports.tracing import (
    ACTUAL_USD,
    ESTIMATED_USD,
    MODEL,
    OPERATION,
    POLL,
    PROVIDER,
    UNIT,
    UNITS,
    AttributeValue,
    Span,
    Tracer,
)

# The poll number of the clip step being delivered (set by the delivery span), for the span of
# the provider call that polls.
current_poll: contextvars.ContextVar[int] = contextvars.ContextVar("current_poll", default=0)


class _Traced:
    """What every traced provider shares: its identity and the span of one call."""

    def __init__(self, inner: Any, tracer: Tracer, info: ProviderInfo) -> None:
        self.inner = inner
        self.id: str = inner.id
        self._tracer = tracer
        self._info = info

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @contextlib.contextmanager
    def _call(self, verb: str, units: float) -> Iterator[Span]:
        estimated = round(self._info.price.cost(units), 6)
        attributes: dict[str, AttributeValue] = {
            PROVIDER: self.id,
            MODEL: self._info.model or self.id,
            UNIT: self._info.price.unit,
            UNITS: units,
            ESTIMATED_USD: estimated,
            ACTUAL_USD: 0.0,
        }
        with self._tracer.span(
            f"{self._info.kind}.{verb}", attributes=attributes, kind="client"
        ) as span:
            yield span
            span.set(ACTUAL_USD, estimated)


class TracedScriptWriter(_Traced):
    def write(self, request: ScriptRequest) -> Story:
        with self._call("write", 1):
            story: Story = self.inner.write(request)
            return story


class TracedImageGenerator(_Traced):
    def generate(self, request: ImageRequest) -> GeneratedImage:
        with self._call("generate", 1):
            image: GeneratedImage = self.inner.generate(request)
            return image


class TracedNarrator(_Traced):
    def narrate(self, request: NarrationRequest) -> Narration:
        with self._call("narrate", len(request.text)):
            narration: Narration = self.inner.narrate(request)
            return narration


class TracedVideoGenerator(_Traced):
    def start(self, request: ClipRequest) -> ClipOperation:
        with self._call("start", request.duration_s) as span:
            operation: ClipOperation = self.inner.start(request)
            _describe(span, operation)
            return operation

    def poll(self, operation_name: str) -> ClipOperation:
        # A poll costs nothing: the clip's seconds were charged when it started.
        with self._call("poll", 0) as span:
            span.set(OPERATION, operation_name)
            span.set(POLL, current_poll.get())
            operation: ClipOperation = self.inner.poll(operation_name)
            _describe(span, operation)
            return operation


def _describe(span: Span, operation: ClipOperation) -> None:
    span.set(OPERATION, operation.name)
    span.set("storygenius.operation.done", operation.done)
    if operation.filtered:
        span.set("storygenius.operation.filtered", True)
    if operation.error:
        span.set("storygenius.operation.error", operation.error)


_WRAPPERS: dict[ProviderKind, type[_Traced]] = {
    "script": TracedScriptWriter,
    "images": TracedImageGenerator,
    "voice": TracedNarrator,
    "video": TracedVideoGenerator,
}


def traced_provider(tracer: Tracer, info: ProviderInfo, provider: Any) -> Any:
    """`provider` (of `info.kind`) with a span around each of its calls."""
    if isinstance(provider, _Traced):
        return provider
    return _WRAPPERS[info.kind](provider, tracer, info)


def untraced(provider: Any) -> Any:
    """The provider a traced one wraps (itself when it is not wrapped)."""
    return provider.inner if isinstance(provider, _Traced) else provider
