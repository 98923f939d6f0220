"""InProcessTaskQueue: the TaskQueue port on a pool of threads (the embedded default).

It behaves like a Cloud Tasks queue in the ways the pipeline relies on: named tasks are
de-duplicated, `delay_s` schedules a task for later, and a handler that raises a retryable error
gets the task again after an exponential backoff (at least the error's `retry_after_s`), up to
`max_attempts` deliveries. Nothing is persisted: pending tasks die with the process.

Like the cloud's queue per step class, each class has its own limit of tasks running at once
(`limits`, by the step registry's queue classes): narration steps waiting on the voice
provider's few slots never hold the threads keyframes need. One shared pool for every step made
the last keyframe of a 30-scene job reach the image model 47.7 s after the references (bench/
latency.py); with a limit per class it is asked as soon as its class has room. Without
`limits` every task shares one class of `workers`.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from common.domain.errors import ConflictError, InvalidInputError
from common.domain.steps import DEFAULT_QUEUE_CLASS, QUEUE_CLASSES
from common.ports.tasks import Delivery, Task, TraceContext

logger = logging.getLogger(__name__)

Dispatch = Callable[[Task, Delivery], None]


@dataclass(frozen=True)
class TaskFailure:
    """A task that failed for good: its last error and how many deliveries it got."""

    task: Task
    attempts: int
    error: str
    error_type: str


@dataclass(frozen=True)
class _Pending:
    task: Task
    name: str
    attempt: int = 1
    trace: Mapping[str, str] = field(default_factory=dict)  # where it was enqueued


class InProcessTaskQueue:
    """TaskQueue run by daemon worker threads; `bind` a dispatch function to start delivering."""

    def __init__(
        self,
        workers: int = 4,
        max_attempts: int = 5,
        base_backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        *,
        remembered_names: int = 100_000,
        trace_context: TraceContext | None = None,
        limits: Mapping[str, int] | None = None,
    ) -> None:
        if workers < 1 or max_attempts < 1 or min((limits or {"": 1}).values()) < 1:
            raise InvalidInputError(
                "a task queue needs at least one worker per class and one attempt",
                fields={"workers": str(limits or workers), "max_attempts": str(max_attempts)},
            )
        # Tasks running at once per queue class; "" is the one class when there are no limits.
        # A target of no class named runs in the default class, as Cloud Tasks' default queue.
        self._limits = {DEFAULT_QUEUE_CLASS: 1, **limits} if limits else {"": workers}
        self._workers = sum(self._limits.values())
        self._max_attempts = max_attempts
        self._base_backoff_s = base_backoff_s
        self._max_backoff_s = max_backoff_s
        self._remembered_names = remembered_names
        self._trace_context = trace_context
        self._lock = threading.Lock()
        # Idle workers wait on `_work` until woken one at a time for a task; at most one of
        # them, the timer, waits on `_timer` for the next delayed task to fall due. Waking every
        # idle worker for each task cost 15 times the CPU with one worker per allowed step
        # (~85 threads): they all woke, and all but one went back to sleep.
        self._work = threading.Condition(self._lock)
        self._timer = threading.Condition(self._lock)
        self._sleepers = 0  # workers waiting on `_work` and not yet woken
        self._timer_set = False
        self._idle = threading.Condition(self._lock)  # wait_idle waits here
        self._ready: deque[_Pending] = deque()
        self._delayed: list[tuple[float, int, _Pending]] = []  # heap by due time
        self._sequence = itertools.count()  # orders equal due times, first come first
        self._running = 0
        self._running_in: dict[str, int] = dict.fromkeys(self._limits, 0)
        self._names: OrderedDict[str, None] = OrderedDict()
        self._dispatch: Dispatch | None = None
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._failures: list[TaskFailure] = []
        self._rng = random.Random()

    @property
    def failures(self) -> list[TaskFailure]:
        """Tasks that failed for good, oldest first (a copy)."""
        with self._lock:
            return list(self._failures)

    def bind(self, dispatch: Dispatch) -> None:
        """Deliver tasks to `dispatch` from now on; starts the workers on the first call."""
        with self._lock:
            if self._closed:
                raise ConflictError("the task queue is closed")
            self._dispatch = dispatch
            if not self._threads:
                for index in range(self._workers):
                    thread = threading.Thread(
                        target=self._work_loop, name=f"task-worker-{index}", daemon=True
                    )
                    thread.start()
                    self._threads.append(thread)
            self._wake_all()

    def enqueue(self, task: Task) -> bool:
        """Queue the task; False when a task of the same name was enqueued before (a no-op)."""
        with self._lock:
            if self._closed:
                raise ConflictError(f"the task queue is closed; {task.target} not queued")
            if task.name is not None:
                if task.name in self._names:
                    return False
                self._names[task.name] = None
                if len(self._names) > self._remembered_names:
                    self._names.popitem(last=False)  # forget the oldest: memory stays bounded
            # Unnamed tasks get a unique name, as Cloud Tasks gives them one.
            name = task.name or f"auto-{uuid.uuid4().hex}"
            # As Cloud Tasks carries it in the task's headers: the delivery continues the trace.
            trace = dict(self._trace_context()) if self._trace_context is not None else {}
            self._schedule(_Pending(task, name, trace=trace), task.delay_s)
        return True

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued, delayed or running; False if `timeout` passes first."""
        with self._lock:
            return self._idle.wait_for(self._is_idle, timeout)

    def close(self, timeout: float | None = None) -> None:
        """Drop pending tasks and stop the workers once their current task ends. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            dropped = len(self._ready) + len(self._delayed)
            self._ready.clear()
            self._delayed.clear()
            self._wake_all()
            self._idle.notify_all()
            threads = list(self._threads)
        if dropped:
            logger.info("task queue closed, %d pending task(s) dropped", dropped)
        for thread in threads:
            if thread is not threading.current_thread():  # a handler may close its own queue
                thread.join(timeout)

    def __enter__(self) -> InProcessTaskQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _is_idle(self) -> bool:
        return not self._ready and not self._delayed and self._running == 0

    def _schedule(self, item: _Pending, delay_s: float) -> None:
        """Queue `item` now or after `delay_s`; the caller holds the lock."""
        if delay_s > 0:
            due = time.monotonic() + delay_s
            heapq.heappush(self._delayed, (due, next(self._sequence), item))
            if self._timer_set:
                self._timer.notify()  # the timer may need to shorten its wait
            else:
                self._wake_one()  # to become the timer
        else:
            self._ready.append(item)
            self._wake_one()

    def _wake_one(self) -> None:
        """Wake one idle worker, else the timer (it takes ready tasks too). Holds the lock."""
        if self._sleepers:
            self._sleepers -= 1
            self._work.notify()
        else:
            self._timer.notify()

    def _wake_all(self) -> None:
        self._sleepers = 0
        self._work.notify_all()
        self._timer.notify_all()

    def _class(self, task: Task) -> str:
        """The queue class a task runs in (its step's, as Cloud Tasks routes it)."""
        if "" in self._limits:
            return ""
        name = QUEUE_CLASSES.get(task.target, DEFAULT_QUEUE_CLASS)
        return name if name in self._limits else DEFAULT_QUEUE_CLASS

    def _take_ready(self) -> _Pending | None:
        """The first ready task whose class has room (first come first served within a class
        and across classes with room). Holds the lock."""
        for index, item in enumerate(self._ready):
            kind = self._class(item.task)
            if self._running_in[kind] < self._limits[kind]:
                del self._ready[index]
                self._running_in[kind] += 1
                return item
        return None

    def _next(self) -> tuple[_Pending, Dispatch] | None:
        """The next task that is due and may run, waiting for one; None once closed. Holds the
        lock."""
        while not self._closed:
            now = time.monotonic()
            while self._delayed and self._delayed[0][0] <= now:
                self._ready.append(heapq.heappop(self._delayed)[2])
            item = self._take_ready() if self._dispatch is not None else None
            if item is not None and self._dispatch is not None:
                self._running += 1
                if self._ready or (self._delayed and not self._timer_set):
                    self._wake_one()  # for the next ready task, or to take over as the timer
                return item, self._dispatch
            if self._delayed and not self._timer_set:
                self._timer_set = True
                self._timer.wait(self._delayed[0][0] - now)
                self._timer_set = False
            else:
                self._sleepers += 1
                self._work.wait()
        return None

    def _work_loop(self) -> None:
        while True:
            with self._lock:
                next_task = self._next()
            if next_task is None:
                return
            item, dispatch = next_task
            delivery = Delivery(
                task_name=item.name,
                attempt=item.attempt,
                max_attempts=self._max_attempts,
                trace=item.trace,
            )
            error: Exception | None = None
            try:
                dispatch(item.task, delivery)
            except Exception as exc:
                error = exc
            finally:
                with self._lock:
                    self._running -= 1
                    # Its class has room again: this worker looks for a task that waited
                    # for it as soon as it is back in `_next`.
                    self._running_in[self._class(item.task)] -= 1
                    if error is not None:
                        self._after_failure(item, error)
                    if self._is_idle():
                        self._idle.notify_all()

    def _after_failure(self, item: _Pending, error: Exception) -> None:
        """Retry `item` later or record it as failed for good; the caller holds the lock."""
        target, attempt = item.task.target, item.attempt
        if getattr(error, "retryable", False) and attempt < self._max_attempts:
            if self._closed:
                logger.warning("task %s (%s) not retried: queue closed", item.name, target)
                return
            delay = self._backoff(attempt, error)
            logger.warning(
                "task %s (%s) attempt %d/%d failed, retrying in %.2fs: %s",
                *(item.name, target, attempt, self._max_attempts, delay, error),
            )
            self._schedule(replace(item, attempt=attempt + 1), delay)
            return
        self._failures.append(TaskFailure(item.task, attempt, str(error), type(error).__name__))
        logger.error(
            "task %s (%s) failed for good after %d attempt(s): %s",
            *(item.name, target, attempt, error),
            exc_info=error,
        )

    def _backoff(self, attempt: int, error: Exception) -> float:
        """Exponential backoff with up to 10% jitter (so failed siblings do not retry in step)."""
        delay = self._base_backoff_s * 2.0 ** (attempt - 1) * (1 + 0.1 * self._rng.random())
        delay = min(delay, self._max_backoff_s)
        retry_after = getattr(error, "retry_after_s", None)
        if isinstance(retry_after, int | float) and retry_after > delay:
            delay = float(retry_after)
        return delay
