"""Metrics: numbers about jobs, aggregated over many (Cloud Monitoring in the cloud).

What is measured is decided in common/services/observability/job_metrics.py; the adapter
(common/adapters/otel/metrics.py) keeps one instrument per name. `NULL_METRICS` measures nothing:
the default where no exporter is configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Metrics(Protocol):
    def record(self, name: str, value: float, *, unit: str, attributes: Mapping[str, str]) -> None:
        """One value of a distribution (a histogram: latencies, costs)."""

    def count(self, name: str, *, attributes: Mapping[str, str], value: int = 1) -> None:
        """Add to a counter (failures)."""

    def flush(self) -> None:
        """Export what was measured now (a function instance may freeze after answering)."""


class NullMetrics:
    def record(self, name: str, value: float, *, unit: str, attributes: Mapping[str, str]) -> None:
        return None

    def count(self, name: str, *, attributes: Mapping[str, str], value: int = 1) -> None:
        return None

    def flush(self) -> None:
        return None


NULL_METRICS: Metrics = NullMetrics()
