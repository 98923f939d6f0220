"""The tracer and the metrics settings choose: spans kept with their job (`store`), sent to Cloud
Trace (`cloudtrace`), both, or none; job metrics to Cloud Monitoring or nowhere. The SDK is
imported only in common/adapters/otel, and only when services are built (cold start: importing
main loads none of it)."""

from __future__ import annotations

from common.config import Settings
from common.ports.metrics import NULL_METRICS, Metrics
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

        project = settings.google_cloud_project
        credentials = settings.telemetry_auth == "adc"
        exporters.append(
            cloud_trace_exporter(project, settings.telemetry_endpoint, credentials=credentials)
        )
        resource = cloud_resource(project)
    return OtelTracer(
        keep=traces.keep if "store" in kinds else None, exporters=exporters, resource=resource
    )


def build_metrics(settings: Settings) -> Metrics:
    if settings.metrics_export == "none":
        return NULL_METRICS
    from common.adapters.otel.cloud import cloud_monitoring_reader, cloud_resource
    from common.adapters.otel.metrics import OtelMetrics

    reader = cloud_monitoring_reader(settings.google_cloud_project)
    return OtelMetrics([reader], resource=cloud_resource(settings.google_cloud_project))
