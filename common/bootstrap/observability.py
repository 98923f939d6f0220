"""The tracer settings choose: spans kept with their job (`store`), sent to Cloud Trace
(`cloudtrace`), both, or none. The SDK is imported only here and in common/adapters/otel, and
only when services are built (cold start: importing main loads none of it)."""

from __future__ import annotations

from common.config import Settings
from common.ports.tracing import NULL_TRACER, Tracer
from common.services.observability.job_traces import JobTraces


def build_tracer(settings: Settings, traces: JobTraces) -> Tracer:
    kinds = set(settings.trace_export.split(","))
    if "none" in kinds:
        return NULL_TRACER
    from common.adapters.otel.tracer import OtelTracer

    exporters = []
    resource = None
    if "cloudtrace" in kinds:
        from common.adapters.otel.cloud import cloud_resource, cloud_trace_exporter

        exporters.append(cloud_trace_exporter(settings.google_cloud_project))
        resource = cloud_resource()
    return OtelTracer(
        keep=traces.keep if "store" in kinds else None, exporters=exporters, resource=resource
    )
