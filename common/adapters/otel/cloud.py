"""The Google Cloud side of tracing: the Cloud Trace exporter and the resource (Cloud Run service
or job, Cloud Functions) spans and metrics are attributed to.

Built only when settings ask for them (`STORYGENIUS_TRACE_EXPORT=...,cloudtrace`,
`STORYGENIUS_METRICS_EXPORT=cloudmonitoring`): resource detection asks the metadata server, which
exists only in the cloud.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace.export import SpanExporter


def cloud_trace_exporter(project: str, client: Any = None) -> SpanExporter:
    """Spans to Cloud Trace (BatchWriteSpans) in `project`; `client` for a stand-in server."""
    from opentelemetry.exporter.cloud_trace import CloudTraceSpanExporter

    exporter: SpanExporter = CloudTraceSpanExporter(  # type: ignore[no-untyped-call]
        project_id=project or None, client=client
    )
    return exporter


def cloud_resource() -> Resource:
    """Where this process runs (Cloud Run, Cloud Functions, GCE), from the metadata server; an
    empty resource off Google Cloud."""
    from opentelemetry.resourcedetector.gcp_resource_detector import (
        GoogleCloudResourceDetector,
    )

    resource: Resource = GoogleCloudResourceDetector(raise_on_error=False).detect()
    return resource
