"""The span of one step delivery, and of every ffmpeg run inside it.

A delivery's span continues the trace its task was enqueued in (`Delivery.trace`: Cloud Tasks
headers, or the in-process queue's copy of them), so the step is a child of the step, request
or tick that enqueued it, across processes. It says which attempt this is, which queue class
and task carried it, which job, stage, scene and clip poll it serves, and whether it found its
work already done (`DUPLICATE`: the step ledger replayed a recorded result). Inside it, each
ffmpeg run becomes a child span with its frames, speed and CPU seconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from common.domain.base import StrictModel
from common.domain.commands import StepCommand
from common.domain.schedule import PublishCommand
from common.domain.steps import StepSpec
from common.media.render.ffmpeg import FfmpegRun, run_observer
from common.ports import Delivery
from common.ports.tracing import (
    ATTEMPT,
    CPU_S,
    DUPLICATE,
    FRAMES,
    JOB_ID,
    POLL,
    QUEUE,
    SCENE,
    SPEED,
    STAGE,
    STEP,
    TASK,
    Attributes,
    Carrier,
    Span,
    Tracer,
)
from common.services.observability.provider_spans import current_poll


class DeliverySpan:
    """The open span of one delivery; `label` it once the payload is parsed."""

    def __init__(self, span: Span) -> None:
        self.span = span

    def label(self, spec: StepSpec, command: StrictModel) -> None:
        self.span.set(QUEUE, spec.queue)
        if spec.stage is not None:
            self.span.set(STAGE, spec.stage)
        if isinstance(command, StepCommand):
            self.span.set(JOB_ID, command.job_id)
            if command.scene_id is not None:
                self.span.set(SCENE, command.scene_id)
            if command.poll:
                self.span.set(POLL, command.poll)
                current_poll.set(command.poll)
        elif isinstance(command, PublishCommand):
            self.span.set("storygenius.schedule_id", command.schedule_id)


@contextlib.contextmanager
def delivery_span(tracer: Tracer, step: str, delivery: Delivery) -> Iterator[DeliverySpan]:
    """The span of delivering `step`, current while the handler runs; flushed after it ends (a
    function instance may be frozen once it has answered)."""
    attributes: Attributes = {STEP: step, ATTEMPT: delivery.attempt, TASK: delivery.task_name}
    try:
        with (
            tracer.span(
                step, attributes=attributes, parent=delivery.trace, kind="consumer"
            ) as span,
            ffmpeg_spans(tracer),
        ):
            span.set(DUPLICATE, False)
            poll = current_poll.set(0)
            try:
                yield DeliverySpan(span)
            finally:
                current_poll.reset(poll)
    finally:
        tracer.flush()


@contextlib.contextmanager
def execution_span(tracer: Tracer, name: str, job_id: str, parent: Carrier) -> Iterator[Span]:
    """The span of a process that works for one job (the assembly job), continuing the trace
    `parent` carries in; its ffmpeg runs are spans under it."""
    try:
        with (
            tracer.span(name, attributes={JOB_ID: job_id}, parent=parent, kind="consumer") as span,
            ffmpeg_spans(tracer),
        ):
            yield span
    finally:
        tracer.flush()


def mark_duplicate(tracer: Tracer) -> None:
    """The delivery being served found its step's result recorded (a repeated delivery)."""
    tracer.current().set(DUPLICATE, True)


@contextlib.contextmanager
def ffmpeg_spans(tracer: Tracer) -> Iterator[None]:
    """Every ffmpeg run in this block (and in the threads it hands its context to) becomes a
    span under the current one."""

    def observe(run: FfmpegRun) -> None:
        tracer.record(
            "ffmpeg", start_ns=run.started_ns, end_ns=run.ended_ns, attributes=_ffmpeg(run)
        )

    token = run_observer.set(observe)
    try:
        yield
    finally:
        run_observer.reset(token)


def _ffmpeg(run: FfmpegRun) -> Attributes:
    attributes: dict[str, str | int | float] = {"storygenius.ffmpeg.exit": run.returncode}
    output = run.args[-1] if run.args else ""
    attributes["storygenius.ffmpeg.output"] = output.rsplit("/", 1)[-1]
    if run.frames is not None:
        attributes[FRAMES] = run.frames
    if run.speed is not None:
        attributes[SPEED] = run.speed
    if run.cpu_s is not None:
        attributes[CPU_S] = round(run.cpu_s, 3)
    return attributes
