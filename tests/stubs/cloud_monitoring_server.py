"""A stand-in for Cloud Monitoring over its gRPC wire: the methods the OpenTelemetry exporter
calls, answered as the service answers them, every request recorded as the service parses it:
`google.monitoring.v3.MetricService/CreateMetricDescriptor` (-> the MetricDescriptor) and
`/CreateTimeSeries` (CreateTimeSeriesRequest -> Empty), what CloudMonitoringMetricsExporter
sends. Clients reach it through the SDK's gRPC transport on an insecure channel
(`monitoring_client()`), as the Cloud Tasks emulator is reached.

(Spans go to Cloud Trace over OTLP/HTTP: tests/contract/test_cloud_observability.py receives
them with a plain HTTP receiver.)
"""

from __future__ import annotations

import threading
from concurrent import futures
from typing import Any

import grpc
from google.cloud import monitoring_v3
from google.cloud.monitoring_v3.services.metric_service.transports import (
    MetricServiceGrpcTransport,
)
from google.protobuf import empty_pb2


class CloudMonitoringStub:
    def __init__(self) -> None:
        self.descriptors: list[Any] = []  # monitoring_v3 MetricDescriptor
        self.time_series: list[Any] = []  # monitoring_v3 TimeSeries
        self._lock = threading.Lock()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self._server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    "google.monitoring.v3.MetricService",
                    {
                        "CreateMetricDescriptor": self._unary(
                            monitoring_v3.CreateMetricDescriptorRequest, self._descriptor
                        ),
                        "CreateTimeSeries": self._unary(
                            monitoring_v3.CreateTimeSeriesRequest, self._series
                        ),
                    },
                ),
            )
        )
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def monitoring_client(self) -> monitoring_v3.MetricServiceClient:
        channel = grpc.insecure_channel(self.address)
        transport = MetricServiceGrpcTransport(channel=channel)
        return monitoring_v3.MetricServiceClient(transport=transport)

    def close(self) -> None:
        self._server.stop(0)

    def __enter__(self) -> CloudMonitoringStub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _unary(message: Any, answer: Any) -> grpc.RpcMethodHandler:
        return grpc.unary_unary_rpc_method_handler(
            lambda request, context: answer(request),
            request_deserializer=message.deserialize,
            response_serializer=lambda response: (
                response.SerializeToString()
                if hasattr(response, "SerializeToString")
                else type(response).serialize(response)
            ),
        )

    def _descriptor(self, request: Any) -> Any:
        with self._lock:
            self.descriptors.append(request.metric_descriptor)
        return request.metric_descriptor

    def _series(self, request: Any) -> empty_pb2.Empty:
        with self._lock:
            self.time_series.extend(request.time_series)
        return empty_pb2.Empty()
