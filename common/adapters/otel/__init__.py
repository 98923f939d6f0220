"""OpenTelemetry: the Tracer port on the SDK, the job span buffer, and the Google Cloud
exporters (Cloud Trace, Cloud Monitoring). Only this package imports opentelemetry.sdk."""
