"""OtelTracer: the Tracer port on the OpenTelemetry SDK, with W3C trace context propagation.

Each Services build gets a TracerProvider of its own (never the process-global one): tests
build many services in one process, and each must see only its own spans. The current span
still lives in the one contextvar OpenTelemetry's API keeps, so a span started by one provider
may parent a span of another, and a log line finds the span it was written in (`current_ids`).

Finished spans go to every exporter given (Cloud Trace in the cloud, batched: `flush` before a
function instance may freeze) and, when `keep` is given, to the job span buffer
(common/adapters/otel/job_spans.py) that keeps them with their job for `GET /v1/jobs/{id}/trace`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import SpanKind as OtelKind
from opentelemetry.trace import Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from common.adapters.otel.job_spans import JobSpanBuffer
from common.domain.traces import SpanRecord
from common.ports.tracing import Attributes, AttributeValue, Carrier, Span, SpanKind

if TYPE_CHECKING:
    from opentelemetry.util.types import Attributes as OtelAttributes

KINDS = {
    "internal": OtelKind.INTERNAL,
    "server": OtelKind.SERVER,
    "client": OtelKind.CLIENT,
    "producer": OtelKind.PRODUCER,
    "consumer": OtelKind.CONSUMER,
}
FLUSH_TIMEOUT_MS = 5000
_PROPAGATOR = TraceContextTextMapPropagator()


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the span current in this thread, whichever provider made it."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


class _Span:
    def __init__(self, span: trace.Span) -> None:
        self._span = span

    def set(self, key: str, value: AttributeValue) -> None:
        self._span.set_attribute(key, value)

    def fail(self, error: BaseException) -> None:
        self._span.record_exception(error)
        self._span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))


class OtelTracer:
    """Tracer on one TracerProvider; `keep(job_id, spans)` receives each job's finished spans."""

    def __init__(
        self,
        *,
        service: str = "storygenius",
        keep: Callable[[str, Sequence[SpanRecord]], None] | None = None,
        exporters: Sequence[SpanExporter] = (),
        resource: Resource | None = None,
    ) -> None:
        resource = (resource or Resource.get_empty()).merge(
            Resource.create({"service.name": service})
        )
        # shutdown_on_exit=False: no atexit hook per build (tests build hundreds); close() ends it.
        self._provider = TracerProvider(resource=resource, shutdown_on_exit=False)
        if keep is not None:
            self._provider.add_span_processor(JobSpanBuffer(keep))
        for exporter in exporters:
            self._provider.add_span_processor(BatchSpanProcessor(exporter))
        self._tracer = self._provider.get_tracer("storygenius")

    @contextlib.contextmanager
    def span(
        self,
        name: str,
        *,
        attributes: Attributes | None = None,
        parent: Carrier | None = None,
        kind: SpanKind = "internal",
    ) -> Iterator[Span]:
        # A carrier (even an empty one) means "this work arrived from another hop": its parent
        # is what the carrier names, never whatever this thread last ran.
        context = None if parent is None else _PROPAGATOR.extract(dict(parent))
        with self._tracer.start_as_current_span(
            name,
            context=context,
            kind=KINDS[kind],
            attributes=_attributes(attributes),
            record_exception=False,
            set_status_on_exception=False,
        ) as otel_span:
            span = _Span(otel_span)
            try:
                yield span
            except BaseException as exc:
                span.fail(exc)
                raise

    def record(
        self, name: str, *, start_ns: int, end_ns: int, attributes: Attributes | None = None
    ) -> None:
        span = self._tracer.start_span(
            name, start_time=start_ns, attributes=_attributes(attributes)
        )
        span.end(end_time=max(end_ns, start_ns))

    def current(self) -> Span:
        return _Span(trace.get_current_span())

    def carrier(self) -> dict[str, str]:
        carrier: dict[str, str] = {}
        _PROPAGATOR.inject(carrier)
        return carrier

    def log_ids(self) -> tuple[str, str] | None:
        return current_ids()

    def flush(self) -> None:
        self._provider.force_flush(FLUSH_TIMEOUT_MS)

    def close(self) -> None:
        self._provider.shutdown()


def _attributes(attributes: Attributes | None) -> OtelAttributes:
    if not attributes:
        return None
    return {
        key: value if isinstance(value, str | bool | int | float) else list(value)
        for key, value in attributes.items()
    }
