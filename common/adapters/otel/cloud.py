"""The Google Cloud side of tracing and metrics: spans to Cloud Trace through the Telemetry
(OTLP) API, job metrics to Cloud Monitoring, and the resource (Cloud Run service or job, Cloud
Functions) both are attributed to.

Spans go over OTLP/HTTP to `telemetry.googleapis.com/v1/traces`: Google's migration path for
Cloud Trace (opentelemetry-exporter-gcp-trace 1.15's CloudTraceSpanExporter is deprecated in
its favour, and converting to the Trace v2 format could drop attributes). Metrics use the Cloud
Monitoring exporter (CreateTimeSeries), which the same release marks deprecated while the
Telemetry API's own migration guide covers traces only.

Built only when settings ask for them (`STORYGENIUS_TRACE_EXPORT=...,cloudtrace`,
`STORYGENIUS_METRICS_EXPORT=cloudmonitoring`): resource detection asks the metadata server, which
exists only in the cloud, and the session carries Application Default Credentials.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import requests
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace.export import SpanExporter

TELEMETRY_API = "https://telemetry.googleapis.com"
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
METRICS_INTERVAL_S = 60.0  # Cloud Monitoring takes a point per series every 5 s at most


def google_session(project: str) -> requests.Session:
    """An HTTP session authorised with Application Default Credentials, billed to `project`."""
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=SCOPES)
    session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    if project:
        session.headers["x-goog-user-project"] = project
    return session


def cloud_trace_exporter(
    project: str, endpoint: str = "", *, credentials: bool = True
) -> SpanExporter:
    """Spans to Cloud Trace as OTLP/HTTP protobuf at `endpoint`/v1/traces (default: the
    Telemetry API), with Google credentials unless `credentials` is False (a stand-in)."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    session = google_session(project) if credentials else requests.Session()
    url = f"{(endpoint or TELEMETRY_API).rstrip('/')}/v1/traces"
    return OTLPSpanExporter(endpoint=url, session=session)


def cloud_monitoring_reader(
    project: str, client: Any = None, interval_s: float = METRICS_INTERVAL_S
) -> MetricReader:
    """Metrics to Cloud Monitoring (CreateTimeSeries, custom metrics under
    workload.googleapis.com) every `interval_s` and on flush. Each exporter labels its series
    with an id of its own: instances writing the same series would otherwise collide. Values are
    cumulative, so an export refused for coming too soon is made good by the next one."""
    from opentelemetry.exporter.cloud_monitoring import CloudMonitoringMetricsExporter
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    with warnings.catch_warnings():
        # Deprecated in 1.15 (see the module's docstring): still the documented way to write
        # Cloud Monitoring time series from the SDK; the warning is not ours to act on per build.
        warnings.simplefilter("ignore", DeprecationWarning)
        exporter = CloudMonitoringMetricsExporter(
            project_id=project or None, client=client, add_unique_identifier=True
        )
    return PeriodicExportingMetricReader(exporter, export_interval_millis=interval_s * 1000)


@functools.cache
def cloud_resource(project: str) -> Resource:
    """Where this process runs (Cloud Run, Cloud Functions, GCE) from the metadata server (empty
    off Google Cloud), with the project the Telemetry API files spans under: `project`, else the
    one the metadata server names (the detector gives it as `cloud.account.id` only, and the
    Telemetry API reads `gcp.project_id`)."""
    from opentelemetry.resourcedetector.gcp_resource_detector import (
        GoogleCloudResourceDetector,
    )

    detected: Resource = GoogleCloudResourceDetector(raise_on_error=False).detect()
    project = project or str(detected.attributes.get("cloud.account.id", ""))
    return detected.merge(Resource.create({"gcp.project_id": project})) if project else detected
