"""OtelMetrics: the Metrics port on the OpenTelemetry SDK's MeterProvider, one instrument per
name, read by the readers given (Cloud Monitoring's exporter behind a periodic reader in the
cloud; an in-memory reader in tests).

A MeterProvider of its own per Services build (never the global one), like the tracer.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

from opentelemetry.metrics import Counter, Histogram
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource

FLUSH_TIMEOUT_MS = 10_000


class OtelMetrics:
    def __init__(
        self, readers: Sequence[MetricReader], *, resource: Resource | None = None
    ) -> None:
        resource = (resource or Resource.get_empty()).merge(
            Resource.create({"service.name": "storygenius"})
        )
        self._provider = MeterProvider(
            metric_readers=list(readers), resource=resource, shutdown_on_exit=False
        )
        self._meter = self._provider.get_meter("storygenius")
        self._histograms: dict[str, Histogram] = {}
        self._counters: dict[str, Counter] = {}
        self._lock = threading.Lock()

    def record(self, name: str, value: float, *, unit: str, attributes: Mapping[str, str]) -> None:
        with self._lock:
            if name not in self._histograms:
                self._histograms[name] = self._meter.create_histogram(name, unit=unit)
            histogram = self._histograms[name]
        histogram.record(value, attributes=dict(attributes))

    def count(self, name: str, *, attributes: Mapping[str, str], value: int = 1) -> None:
        with self._lock:
            if name not in self._counters:
                self._counters[name] = self._meter.create_counter(name, unit="1")
            counter = self._counters[name]
        counter.add(value, attributes=dict(attributes))

    def flush(self) -> None:
        self._provider.force_flush(FLUSH_TIMEOUT_MS)

    def close(self) -> None:
        self._provider.shutdown()
