"""Fault injection for whole-pipeline tests: providers that fail transiently, a document store
whose process "dies" mid-step, a queue that delivers some tasks twice, loses some acks and some
tasks, and a clock the test can move forward.

Every wrapper counts what it did, so a test can print and assert the figures. Fault decisions
are a hash of (seed, fault, key, n): the n-th call with the same inputs meets the same fate.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from common.adapters.local.inprocess_queue import InProcessTaskQueue
from common.domain.assets import (
    ClipOperation,
    ClipRequest,
    GeneratedImage,
    ImageRequest,
    Narration,
    NarrationRequest,
    ScriptRequest,
    content_hash,
)
from common.domain.errors import ProviderError
from common.domain.story import Story
from common.ports import Delivery, Document, DocumentStore, Filter, Task, Transaction


@dataclass
class FaultPlan:
    """How often each fault happens, decided deterministically per (fault, key, n)."""

    seed: int = 8
    transient: float = 0.30  # a provider call fails with a retryable ProviderError
    crash: float = 0.10  # a step dies after its side effects, before the ledger records them
    lost_ack: float = 0.05  # a delivery finished but its acknowledgement never arrived
    duplicate: float = 0.10  # a task is delivered twice
    lost: float = 0.0  # a task is never delivered (its enqueue seemed to work)
    _seen: Counter[tuple[str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hits(self, fault: str, key: str) -> bool:
        """Whether the next (fault, key) event is a fault."""
        with self._lock:
            n = self._seen[fault, key]
            self._seen[fault, key] += 1
        digest = hashlib.sha256(f"{self.seed}:{fault}:{key}:{n}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < float(getattr(self, fault))


@dataclass
class Figures:
    """What the faults did, and what the providers were paid for (by content key)."""

    transient: int = 0
    crashes: int = 0
    lost_acks: int = 0
    duplicates: int = 0
    lost_tasks: int = 0
    retries: int = 0
    deliveries: int = 0
    paid: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def pay(self, key: str) -> None:
        with self.lock:
            self.paid[key] += 1

    @property
    def duplicate_paid_calls(self) -> int:
        return sum(n - 1 for n in self.paid.values() if n > 1)


class _Faulty:
    """A provider's calls, each failing transiently as the plan says; successes are paid."""

    def __init__(self, inner: Any, plan: FaultPlan, figures: Figures) -> None:
        self.inner = inner
        self.id: str = inner.id
        self.uses_context: bool = bool(getattr(inner, "uses_context", False))
        self._plan = plan
        self._figures = figures

    def _call(self, key: str, paid: bool, call: Callable[[], Any]) -> Any:
        if self._plan.hits("transient", key):
            self._figures.add("transient")
            raise ProviderError("injected: service unavailable", provider=self.id, retryable=True)
        result = call()
        if paid:
            self._figures.pay(key)
        return result


class FaultyScriptWriter(_Faulty):
    def write(self, request: ScriptRequest) -> Story:
        key = content_hash("script", self.id, request.model_dump(mode="json"))
        return self._call(key, True, lambda: self.inner.write(request))


class FaultyImages(_Faulty):
    def generate(self, request: ImageRequest) -> GeneratedImage:
        # The key the asset cache files the image under (without its extension).
        key = content_hash("image", self.id, request.fingerprint())
        return self._call(key, True, lambda: self.inner.generate(request))


class FaultyNarrator(_Faulty):
    def narrate(self, request: NarrationRequest) -> Narration:
        key = content_hash("narration", self.id, request.model_dump(mode="json"))
        return self._call(key, True, lambda: self.inner.narrate(request))


class FaultyVideo(_Faulty):
    def start(self, request: ClipRequest) -> ClipOperation:
        key = content_hash("clip", self.id, request.model_dump(exclude={"output_prefix"}))
        return self._call(key, True, lambda: self.inner.start(request))

    def poll(self, operation_name: str) -> ClipOperation:
        key = f"poll:{operation_name}"
        return self._call(key, False, lambda: self.inner.poll(operation_name))


def content_key_of(usage_key: str) -> str:
    """The fault wrappers' content key for a usage event's `key` (a cache path or a hash)."""
    return usage_key.rsplit("/", 1)[-1].split(".", 1)[0]


class Crash(BaseException):
    """The process died: nothing after it runs, no `except Exception` sees it."""


class CrashingStore:
    """A DocumentStore whose delivery thread dies when the step ledger is about to record a
    completed step (after the step's provider calls, asset writes and usage are done): that
    write and every later one of the same delivery fail, so the claim stays in progress."""

    def __init__(self, inner: DocumentStore, plan: FaultPlan, figures: Figures) -> None:
        self.inner = inner
        self._plan = plan
        self._figures = figures
        self._dead = threading.local()

    def revive(self) -> None:
        """A new delivery on this thread: a new process."""
        self._dead.value = False

    def _alive(self) -> None:
        if getattr(self._dead, "value", False):
            raise Crash("this delivery's process is dead")

    def get(self, collection: str, doc_id: str) -> Document | None:
        self._alive()
        return self.inner.get(collection, doc_id)

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> Document:
        self._alive()
        return self.inner.create(collection, doc_id, data)

    def set(self, collection: str, doc_id: str, data: dict[str, Any]) -> Document:
        self._alive()
        completing = collection == "idempotency" and data.get("status") == "completed"
        if completing and self._plan.hits("crash", doc_id):
            self._dead.value = True
            self._figures.add("crashes")
            raise Crash(f"died before recording {doc_id}")
        return self.inner.set(collection, doc_id, data)

    def update(
        self,
        collection: str,
        doc_id: str,
        changes: dict[str, Any],
        *,
        version: str | None = None,
    ) -> Document:
        self._alive()
        return self.inner.update(collection, doc_id, changes, version=version)

    def delete(self, collection: str, doc_id: str) -> None:
        self._alive()
        self.inner.delete(collection, doc_id)

    def query(
        self,
        collection: str,
        where: Sequence[Filter] = (),
        *,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Document]:
        self._alive()
        return self.inner.query(
            collection, where, order_by=order_by, descending=descending, limit=limit
        )

    def transaction(self, fn: Callable[[Transaction], Any]) -> Any:
        self._alive()
        return self.inner.transaction(fn)

    def watch(
        self, collection: str, doc_id: str, callback: Callable[[Document | None], None]
    ) -> Callable[[], None]:
        return self.inner.watch(collection, doc_id, callback)


class LostDeliveryError(Exception):
    """The queue saw no acknowledgement (a dead process or a lost answer): it delivers again."""

    retryable = True
    retry_after_s = 0.2


class FaultyQueue(InProcessTaskQueue):
    """Delivers some tasks twice (at once, so possibly concurrently), and turns crashes and
    lost acknowledgements into redeliveries, as Cloud Tasks does."""

    def __init__(
        self, plan: FaultPlan, figures: Figures, store: CrashingStore, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._plan = plan
        self._figures = figures
        self._store = store

    def _backoff(self, attempt: int, error: Exception) -> float:
        # Time runs fast here: no wait between redeliveries is longer than `max_backoff_s`,
        # whatever Retry-After a handler asked for (a claim held elsewhere asks for 3 s).
        return min(super()._backoff(attempt, error), self._max_backoff_s)

    def enqueue(self, task: Task) -> bool:
        if task.name and self._plan.hits("lost", task.name):
            self._figures.add("lost_tasks")
            return True
        first = super().enqueue(task)
        if first and task.name and self._plan.hits("duplicate", task.name):
            self._figures.add("duplicates")
            super().enqueue(Task(task.target, task.payload, f"{task.name}--again", task.delay_s))
        return first

    def bind(self, dispatch: Callable[[Task, Delivery], None]) -> None:
        def deliver(task: Task, delivery: Delivery) -> None:
            self._figures.add("deliveries")
            if delivery.attempt > 1:
                self._figures.add("retries")
            self._store.revive()
            try:
                dispatch(task, delivery)
            except Crash as exc:
                raise LostDeliveryError(str(exc)) from None
            finally:
                self._store.revive()
            if self._plan.hits("lost_ack", task.name or ""):
                self._figures.add("lost_acks")
                raise LostDeliveryError(f"the acknowledgement of {task.name} was lost")

        super().bind(deliver)


class SkippingClock:
    """Real time, plus whatever the test skipped ahead (to expire claims without waiting)."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def skip(self, seconds: float) -> None:
        with self._lock:
            self._offset += timedelta(seconds=seconds)
