"""The tracer on the OpenTelemetry SDK: spans continue the trace a carrier names, each local tree
is kept with its job once its root ends (children finding their job through their ancestors),
trees without a job are not kept, a failing store never fails the traced work, and log lines
written inside a span name it in the fields Cloud Logging correlates."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Sequence

import pytest

from common.adapters.otel.tracer import OtelTracer
from common.domain.traces import SpanRecord
from common.logs import JsonFormatter, correlate_traces
from common.ports.tracing import JOB_ID, NULL_TRACER, trace_headers


class Kept:
    def __init__(self) -> None:
        self.trees: list[tuple[str, list[SpanRecord]]] = []
        self._lock = threading.Lock()

    def __call__(self, job_id: str, spans: Sequence[SpanRecord]) -> None:
        with self._lock:
            self.trees.append((job_id, list(spans)))


@pytest.fixture
def kept() -> Kept:
    return Kept()


@pytest.fixture
def tracer(kept: Kept) -> OtelTracer:
    return OtelTracer(keep=kept)


def test_a_span_started_from_a_carrier_is_a_child_of_the_span_that_made_it(tracer, kept):
    with tracer.span("enqueue", attributes={JOB_ID: "j1"}) as _:
        carrier = tracer.carrier()
    assert set(carrier) == {"traceparent"}
    with tracer.span("deliver", parent=carrier, attributes={JOB_ID: "j1"}):
        pass
    [(_, [enqueue]), (_, [deliver])] = kept.trees
    assert deliver.trace_id == enqueue.trace_id
    assert deliver.parent_span_id == enqueue.span_id
    assert enqueue.parent_span_id is None


def test_an_empty_carrier_starts_a_new_trace_whatever_the_thread_ran_before(tracer, kept):
    job = {JOB_ID: "j1"}
    with tracer.span("outer", attributes=job), tracer.span("arrived", parent={}, attributes=job):
        pass
    arrived = next(s for _, tree in kept.trees for s in tree if s.name == "arrived")
    assert arrived.parent_span_id is None


def test_a_local_tree_is_kept_once_its_root_ends_with_children_under_their_ancestors_job(
    tracer, kept
):
    with tracer.span("step", attributes={JOB_ID: "j1"}, kind="consumer"):
        with tracer.span("provider call", kind="client"):
            tracer.record("ffmpeg", start_ns=1_000, end_ns=2_000, attributes={"frames": 3})
        assert kept.trees == []  # nothing is written while the root is open
    [(job_id, tree)] = kept.trees
    assert job_id == "j1"
    assert [s.name for s in tree] == ["ffmpeg", "provider call", "step"]  # the root last
    ffmpeg, call, step = tree
    assert (ffmpeg.parent_span_id, call.parent_span_id) == (call.span_id, step.span_id)
    assert (call.kind, step.kind) == ("client", "consumer")
    assert ffmpeg.attributes == {"frames": 3}


def test_trees_without_a_job_are_not_kept(tracer, kept):
    with tracer.span("GET /v1/projects"), tracer.span("inner"):
        pass
    assert kept.trees == []


def test_concurrent_deliveries_of_one_job_are_kept_as_their_own_trees(tracer, kept):
    with tracer.span("references", attributes={JOB_ID: "j1"}):
        carrier = tracer.carrier()
    ready = threading.Barrier(2)

    def deliver(name: str) -> None:
        with tracer.span(name, parent=carrier, attributes={JOB_ID: "j1"}):
            ready.wait(5)
            with tracer.span(f"{name} call"):
                ready.wait(5)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in ("keyframe", "narration")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    trees = {tree[-1].name: [s.name for s in tree] for _, tree in kept.trees}
    assert trees["keyframe"] == ["keyframe call", "keyframe"]
    assert trees["narration"] == ["narration call", "narration"]


def test_an_exception_fails_the_span_and_propagates(tracer, kept):
    with pytest.raises(ValueError), tracer.span("step", attributes={JOB_ID: "j1"}):
        raise ValueError("bad keyframe")
    [(_, [step])] = kept.trees
    assert step.status == "error"
    assert step.error == "ValueError: bad keyframe"


def test_a_store_that_fails_costs_the_spans_not_the_work(caplog):
    def broken(job_id: str, spans: Sequence[SpanRecord]) -> None:
        raise OSError("disk full")

    tracer = OtelTracer(keep=broken)
    with caplog.at_level(logging.WARNING), tracer.span("step", attributes={JOB_ID: "j1"}):
        pass
    assert "could not keep 1 span(s) of job j1" in caplog.text


def test_the_null_tracer_records_nothing_and_carries_nothing():
    with NULL_TRACER.span("step", parent={"traceparent": "x"}) as span:
        span.set("a", 1)
        assert NULL_TRACER.carrier() == {}
        assert NULL_TRACER.log_ids() is None


def test_trace_headers_are_found_in_any_case():
    headers = {"Traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01", "X-Other": "1"}
    assert trace_headers(headers) == {"traceparent": headers["Traceparent"]}


def test_a_log_line_inside_a_span_names_its_trace_and_span_for_cloud_logging(tracer):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.tracing")
    logger.addHandler(handler)
    logger.propagate = False
    correlate_traces("demo-project", tracer.log_ids)
    try:
        with tracer.span("step"):
            ids = tracer.log_ids()
            logger.warning("inside")
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
        correlate_traces("", lambda: None)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert ids is not None
    assert inside["logging.googleapis.com/trace"] == f"projects/demo-project/traces/{ids[0]}"
    assert inside["logging.googleapis.com/spanId"] == ids[1]
    assert "logging.googleapis.com/trace" not in outside
