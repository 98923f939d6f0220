"""TaskQueue contract: delivery, dedupe, delays, retries; then the in-process queue's own."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from common.adapters.local.inprocess_queue import InProcessTaskQueue
from common.domain.errors import (
    ConflictError,
    InvalidInputError,
    ProviderError,
    RetryableError,
)
from common.ports.tasks import Delivery, Task

if TYPE_CHECKING:
    from tests.contract.conftest import QueueFactory

WAIT_S = 10.0
FAST = {"base_backoff_s": 0.01, "max_backoff_s": 0.05}


@dataclass
class Handler:
    """Records every delivery; `fail` decides, per delivery, what to raise (None: succeed)."""

    fail: Any = None
    deliveries: list[tuple[Task, Delivery, float]] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, task: Task, delivery: Delivery) -> None:
        with self.lock:
            self.deliveries.append((task, delivery, time.monotonic()))
            self.threads.append(threading.current_thread())
        error = self.fail(task, delivery) if self.fail else None
        if error is not None:
            raise error

    def targets(self) -> list[str]:
        with self.lock:
            return [task.target for task, _, _ in self.deliveries]

    def attempts(self) -> list[int]:
        with self.lock:
            return [delivery.attempt for _, delivery, _ in self.deliveries]


class Flaky(Exception):
    """A transient failure the queue should retry (like a 503)."""

    retryable = True


def test_enqueued_task_is_delivered_with_its_payload(make_queue: QueueFactory) -> None:
    queue, handler = make_queue(), Handler()
    queue.bind(handler)
    assert queue.enqueue(Task("step_script", {"job_id": "j1"}, name="j1-script"))
    assert queue.wait_idle(WAIT_S)
    [(task, delivery, _)] = handler.deliveries
    assert task == Task("step_script", {"job_id": "j1"}, name="j1-script")
    assert delivery == Delivery(task_name="j1-script", attempt=1, max_attempts=5)
    assert queue.failures == []


def test_unnamed_tasks_are_all_delivered_with_distinct_names(make_queue: QueueFactory) -> None:
    queue, handler = make_queue(), Handler()
    queue.bind(handler)
    for i in range(20):
        assert queue.enqueue(Task("step", {"i": i}))
    assert queue.wait_idle(WAIT_S)
    assert sorted(task.payload["i"] for task, _, _ in handler.deliveries) == list(range(20))
    assert len({delivery.task_name for _, delivery, _ in handler.deliveries}) == 20


def test_tasks_enqueued_before_bind_wait_for_it(make_queue: QueueFactory) -> None:
    queue, handler = make_queue(), Handler()
    assert queue.enqueue(Task("early"))
    assert not queue.wait_idle(0.05)  # queued, nobody to run it yet
    queue.bind(handler)
    assert queue.wait_idle(WAIT_S)
    assert handler.targets() == ["early"]


def test_workers_run_tasks_concurrently(make_queue: QueueFactory) -> None:
    queue = make_queue(workers=2)
    both_running = threading.Barrier(2, timeout=WAIT_S)

    def meet(task: Task, delivery: Delivery) -> None:
        both_running.wait()  # breaks (BrokenBarrierError) unless two tasks run at once

    queue.bind(meet)
    queue.enqueue(Task("a"))
    queue.enqueue(Task("b"))
    assert queue.wait_idle(WAIT_S)
    assert queue.failures == []


def test_a_handler_can_enqueue_the_next_step(make_queue: QueueFactory) -> None:
    queue = make_queue()
    handler = Handler()

    def chain(task: Task, delivery: Delivery) -> None:
        handler(task, delivery)
        if task.target == "step_1":
            queue.enqueue(Task("step_2", name="j1-step2"))

    queue.bind(chain)
    queue.enqueue(Task("step_1", name="j1-step1"))
    assert queue.wait_idle(WAIT_S)  # idle only once the chained task has run too
    assert handler.targets() == ["step_1", "step_2"]


# --- de-duplication ---------------------------------------------------------------------------


def test_named_task_is_enqueued_once(make_queue: QueueFactory) -> None:
    queue, handler = make_queue(), Handler()
    assert queue.enqueue(Task("step_clip", {"scene": 1}, name="j1-clip-s1"))
    assert not queue.enqueue(Task("step_clip", {"scene": 1}, name="j1-clip-s1"))
    assert queue.enqueue(Task("step_clip", {"scene": 2}, name="j1-clip-s2"))
    queue.bind(handler)
    assert queue.wait_idle(WAIT_S)
    assert sorted(task.name or "" for task, _, _ in handler.deliveries) == [
        "j1-clip-s1",
        "j1-clip-s2",
    ]


def test_name_is_remembered_after_the_task_ran(make_queue: QueueFactory) -> None:
    queue, handler = make_queue(), Handler()
    queue.bind(handler)
    assert queue.enqueue(Task("step_assemble", name="j1-assemble"))
    assert queue.wait_idle(WAIT_S)
    assert not queue.enqueue(Task("step_assemble", name="j1-assemble"))
    assert queue.wait_idle(WAIT_S)
    assert handler.targets() == ["step_assemble"]


# --- delays -----------------------------------------------------------------------------------


def test_delayed_task_does_not_run_before_its_delay(make_queue: QueueFactory) -> None:
    queue, handler = make_queue(), Handler()
    queue.bind(handler)
    enqueued_at = time.monotonic()
    queue.enqueue(Task("poll_veo", name="poll", delay_s=0.3))
    queue.enqueue(Task("now", name="now"))
    assert queue.wait_idle(WAIT_S)
    assert handler.targets() == ["now", "poll_veo"]
    ran_at = handler.deliveries[1][2]
    assert ran_at - enqueued_at >= 0.3


def test_delayed_tasks_run_in_due_order(make_queue: QueueFactory) -> None:
    queue, handler = make_queue(workers=1), Handler()
    queue.bind(handler)
    queue.enqueue(Task("third", delay_s=0.3))
    queue.enqueue(Task("first", delay_s=0.1))
    queue.enqueue(Task("second", delay_s=0.2))
    assert queue.wait_idle(WAIT_S)
    assert handler.targets() == ["first", "second", "third"]


# --- retries ----------------------------------------------------------------------------------


def test_retryable_failure_is_retried_with_backoff_then_succeeds(make_queue: QueueFactory) -> None:
    queue = make_queue(max_attempts=5, base_backoff_s=0.05, max_backoff_s=1.0)
    handler = Handler(fail=lambda task, delivery: Flaky("503") if delivery.attempt < 3 else None)
    queue.bind(handler)
    queue.enqueue(Task("step_image", name="j1-image"))
    assert queue.wait_idle(WAIT_S)
    assert handler.attempts() == [1, 2, 3]
    assert {delivery.task_name for _, delivery, _ in handler.deliveries} == {"j1-image"}
    times = [at for _, _, at in handler.deliveries]
    assert times[1] - times[0] >= 0.05  # base
    assert times[2] - times[1] >= 0.10  # base * 2
    assert queue.failures == []


def test_retry_waits_at_least_retry_after(make_queue: QueueFactory) -> None:
    queue = make_queue(**FAST)
    handler = Handler(
        fail=lambda task, delivery: (
            RetryableError("429", retry_after_s=0.3) if delivery.attempt == 1 else None
        )
    )
    queue.bind(handler)
    queue.enqueue(Task("step_voice"))
    assert queue.wait_idle(WAIT_S)
    times = [at for _, _, at in handler.deliveries]
    assert handler.attempts() == [1, 2]
    assert times[1] - times[0] >= 0.3


def test_attempts_are_bounded_and_the_failure_recorded(make_queue: QueueFactory) -> None:
    queue = make_queue(max_attempts=3, **FAST)
    handler = Handler(fail=lambda task, delivery: Flaky(f"still down ({delivery.attempt})"))
    queue.bind(handler)
    queue.enqueue(Task("step_clip", {"scene": 1}, name="j1-clip-s1"))
    assert queue.wait_idle(WAIT_S)
    assert handler.attempts() == [1, 2, 3]
    assert [d.last_attempt for _, d, _ in handler.deliveries] == [False, False, True]
    [failure] = queue.failures
    assert failure.task == Task("step_clip", {"scene": 1}, name="j1-clip-s1")
    assert failure.attempts == 3
    assert failure.error == "still down (3)"
    assert failure.error_type == "Flaky"


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bad payload"),
        InvalidInputError("bad input", fields={"job_id": "missing"}),
        ProviderError("quota", retryable=False),
    ],
    ids=["plain", "invalid_input", "provider_permanent"],
)
def test_non_retryable_failure_is_not_retried(make_queue: QueueFactory, error: Exception) -> None:
    queue = make_queue(**FAST)
    handler = Handler(fail=lambda task, delivery: error)
    queue.bind(handler)
    queue.enqueue(Task("step_script"))
    assert queue.wait_idle(WAIT_S)
    assert handler.attempts() == [1]
    [failure] = queue.failures
    assert (failure.attempts, failure.error_type) == (1, type(error).__name__)
    assert failure.error == str(error)


def test_retryable_provider_error_is_retried(make_queue: QueueFactory) -> None:
    queue = make_queue(**FAST)
    handler = Handler(
        fail=lambda task, delivery: (
            ProviderError("500", retryable=True) if delivery.attempt == 1 else None
        )
    )
    queue.bind(handler)
    queue.enqueue(Task("step_image"))
    assert queue.wait_idle(WAIT_S)
    assert handler.attempts() == [1, 2]
    assert queue.failures == []


# --- the in-process queue's own promises ------------------------------------------------------


def test_inprocess_wait_idle_counts_delayed_tasks() -> None:
    with InProcessTaskQueue() as queue:
        queue.bind(Handler())
        assert queue.wait_idle(0)
        queue.enqueue(Task("later", delay_s=60))
        assert not queue.wait_idle(0.05)


def test_inprocess_close_drops_pending_tasks_and_stops_workers() -> None:
    handler = Handler()
    queue = InProcessTaskQueue(workers=1)
    queue.bind(handler)
    queue.enqueue(Task("now"))
    assert queue.wait_idle(WAIT_S)
    [worker] = handler.threads
    queue.enqueue(Task("later", delay_s=60))
    queue.close()
    queue.close()  # idempotent
    assert queue.wait_idle(0)
    assert handler.targets() == ["now"]
    assert not worker.is_alive()
    with pytest.raises(ConflictError):
        queue.enqueue(Task("after_close"))


def test_inprocess_close_lets_the_running_task_finish() -> None:
    started, release = threading.Event(), threading.Event()
    finished: list[str] = []

    def slow(task: Task, delivery: Delivery) -> None:
        started.set()
        release.wait(WAIT_S)
        finished.append(task.target)

    queue = InProcessTaskQueue(workers=1)
    queue.bind(slow)
    queue.enqueue(Task("running"))
    queue.enqueue(Task("pending"))
    assert started.wait(WAIT_S)
    closer = threading.Thread(target=queue.close)
    closer.start()
    wait_until_closed(queue)
    release.set()
    closer.join(WAIT_S)
    assert not closer.is_alive()
    assert finished == ["running"]


def test_inprocess_context_manager_closes_the_queue() -> None:
    with InProcessTaskQueue() as queue:
        queue.bind(Handler())
    with pytest.raises(ConflictError):
        queue.enqueue(Task("after_close"))


def wait_until_closed(queue: InProcessTaskQueue) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            queue.enqueue(Task("probe"))  # dropped by close if it gets in first
        except ConflictError:
            return
        time.sleep(0.005)
    pytest.fail("the queue never closed")


def test_inprocess_remembers_a_bounded_number_of_names() -> None:
    with InProcessTaskQueue(remembered_names=2) as queue:
        assert queue.enqueue(Task("t", name="a"))
        assert queue.enqueue(Task("t", name="b"))
        assert not queue.enqueue(Task("t", name="a"))
        assert queue.enqueue(Task("t", name="c"))  # "a" is now the oldest and is forgotten
        assert queue.enqueue(Task("t", name="a"))
        assert not queue.enqueue(Task("t", name="c"))


def test_inprocess_backoff_is_capped() -> None:
    queue = InProcessTaskQueue(base_backoff_s=10.0, max_backoff_s=0.05, max_attempts=2)
    handler = Handler(fail=lambda task, delivery: Flaky("down") if delivery.attempt == 1 else None)
    with queue:
        queue.bind(handler)
        queue.enqueue(Task("step"))
        assert queue.wait_idle(WAIT_S)  # a 10 s backoff would outlast this wait
    assert handler.attempts() == [1, 2]


def test_inprocess_refuses_a_queue_without_workers() -> None:
    with pytest.raises(InvalidInputError):
        InProcessTaskQueue(workers=0)


def test_inprocess_a_class_at_its_limit_holds_back_its_own_tasks_only() -> None:
    """Like Cloud Tasks' queue per step class: narration waiting on its provider's slots never
    holds the threads keyframes need."""
    release = threading.Event()
    three = threading.Barrier(3)  # keyframes meet three at a time (they can: their limit is 3)
    running: dict[str, int] = {"voice": 0, "images": 0}
    most: dict[str, int] = {"voice": 0, "images": 0}
    lock = threading.Lock()

    def handler(task: Task, delivery: Delivery) -> None:
        kind = "voice" if task.target == "step_narration" else "images"
        with lock:
            running[kind] += 1
            most[kind] = max(most[kind], running[kind])
        if kind == "voice":
            release.wait(WAIT_S)
        else:
            three.wait(WAIT_S)
        with lock:
            running[kind] -= 1

    with InProcessTaskQueue(limits={"voice": 2, "images": 3, "default": 1}) as queue:
        queue.bind(handler)
        for i in range(6):
            queue.enqueue(Task("step_narration", {"i": i}))
        for i in range(9):
            queue.enqueue(Task("step_keyframe", {"i": i}))
        # Every keyframe runs while the narrations wait, three at a time at most.
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            with lock:
                if running["voice"] == 2 and most["images"] and running["images"] == 0:
                    break
            time.sleep(0.01)
        with lock:
            assert (running["voice"], running["images"]) == (2, 0)
        release.set()
        assert queue.wait_idle(WAIT_S)
    assert most == {"voice": 2, "images": 3}


def test_inprocess_a_target_without_a_class_of_its_own_runs_in_the_default_class() -> None:
    handler = Handler()
    with InProcessTaskQueue(limits={"default": 1}) as queue:
        queue.bind(handler)
        for i in range(3):
            queue.enqueue(Task("not_a_step", {"i": i}))
        assert queue.wait_idle(WAIT_S)
    assert len(handler.deliveries) == 3


def test_inprocess_a_task_carries_the_trace_context_it_was_enqueued_in() -> None:
    handler = Handler()
    context = {"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}
    with InProcessTaskQueue(trace_context=lambda: context, **FAST) as queue:
        queue.bind(handler)
        queue.enqueue(Task("step_script", {"job_id": "j1"}))
        assert queue.wait_idle(WAIT_S)
    [(_, delivery, _)] = handler.deliveries
    assert delivery.trace == context


def test_inprocess_a_task_due_while_the_timer_is_busy_is_run_by_another_worker() -> None:
    """One idle worker at a time waits for the next due time; when it leaves to run a task that
    fell due, another takes over, so a later task never waits for an unrelated one to end."""
    second_ran = threading.Event()
    seen: list[str] = []

    def handler(task: Task, delivery: Delivery) -> None:
        seen.append(task.target)
        if task.target == "first":
            assert second_ran.wait(WAIT_S), "the second task waited for the first to end"
        else:
            second_ran.set()

    with InProcessTaskQueue(workers=3) as queue:
        queue.bind(handler)
        queue.enqueue(Task("first", delay_s=0.05))
        queue.enqueue(Task("second", delay_s=0.2))
        assert queue.wait_idle(WAIT_S)
        assert queue.failures == []
    assert seen == ["first", "second"]
