"""Job events: `GET /v1/jobs/{id}/events`, the job document as server-sent events.

A client watches a job without polling: the route subscribes to the document store's watch of
`jobs/{id}` (SQLite's watcher thread locally, a Firestore listener in the cloud) and sends the job
on every change, as `event: job` with the job document as `data:`. The first event is the job as
it is now, so a client that reconnects starts from the current state. When the job has ended
(done, failed, cancelled) a last `event: end` follows and the stream closes. Comment lines keep
an idle connection open through proxies.

Browsers' EventSource cannot send an Authorization header, and tokens do not belong in URLs:
clients read the stream with fetch() and headers (the Studio does).
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from common.domain.job import Job
from common.domain.ownership import owned
from common.ports import Document, DocumentStore
from common.services.pipeline.jobs import COLLECTION
from functions.http import Response, StreamedResponse
from functions.openapi import EVENTS
from functions.routing import Call, dump, route

HEARTBEAT_S = 15.0
# Ends a stream that has run this long (the client reconnects and gets the current job): no
# request outlives a Cloud Functions timeout, and a forgotten tab does not hold a listener forever.
MAX_STREAM_S = 20 * 60.0
RETRY_MS = 2000

EVENT_STREAM = EVENTS


def frame(event: str, data: Any, event_id: str | None = None) -> str:
    """One server-sent event: `data` as one line of JSON."""
    lines = [f"event: {event}"]
    if event_id:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


class JobEventStream:
    """The events of one job, read from a watch of its document.

    The watch starts when the stream is made (so a store that cannot watch fails the request
    with its error status, before any event is sent) and stops when the stream ends or is
    closed: the WSGI server closes it when the client goes away. Iterate it once.
    """

    def __init__(
        self,
        store: DocumentStore,
        job_id: str,
        owner: str,
        *,
        heartbeat_s: float = HEARTBEAT_S,
        max_s: float = MAX_STREAM_S,
        release: Callable[[], None] = lambda: None,
    ) -> None:
        self._owner = owner
        self._release = release
        self._heartbeat_s = heartbeat_s
        self._max_s = max_s
        self._changes: queue.SimpleQueue[Document | None] = queue.SimpleQueue()
        self._closed = threading.Lock()
        self._unsubscribe = store.watch(COLLECTION, job_id, self._changes.put)

    def __iter__(self) -> Iterator[str]:
        return self._frames()

    def close(self) -> None:
        """Stop watching; safe to call more than once, from any thread."""
        if self._closed.acquire(blocking=False):
            try:
                self._unsubscribe()
            finally:
                self._release()

    def _frames(self) -> Iterator[str]:
        deadline = time.monotonic() + self._max_s
        try:
            yield f"retry: {RETRY_MS}\n\n"
            while (left := deadline - time.monotonic()) > 0:
                try:
                    doc = self._changes.get(timeout=min(self._heartbeat_s, left))
                except queue.Empty:
                    yield ": keep-alive\n\n"
                    continue
                doc = self._newest(doc)
                if doc is None or doc.data.get("owner") != self._owner:
                    yield frame("end", {"status": "deleted"})
                    return
                job = Job.model_validate(doc.data)
                yield frame("job", dump(job), doc.version)
                if job.terminal:
                    yield frame("end", {"status": job.status})
                    return
        finally:
            self.close()

    def _newest(self, doc: Document | None) -> Document | None:
        """The last change queued: a client wants the job as it is, not every step between."""
        while True:
            try:
                doc = self._changes.get_nowait()
            except queue.Empty:
                return doc


@route("GET", "/v1/jobs/{job_id}/events", response=Job, media_type=EVENT_STREAM)
def job_events(call: Call[None, None]) -> Response:
    """Watch one of the caller's jobs live, as server-sent events.

    Each `event: job` carries the whole job document (as `GET /v1/jobs/{job_id}` answers it) in
    its `data:` line, first as it is now, then after every change (changes that come faster
    than they are sent are merged into the latest). When the job ends (done, failed,
    cancelled), an `event: end` with `{"status": ...}` follows and the stream closes. Lines
    starting with `:` are keep-alive comments, sent every 15 seconds of silence. A stream also
    closes after 20 minutes: reconnect, and the first event is the job as it is then.

    Send the same `Authorization` header as for every other route (read the stream with
    fetch(); EventSource cannot send headers). Another user's job is a 404. A user has at
    most 5 streams open at once and opens at most 30 a minute (settings): one more is a 429
    with Retry-After.
    """
    svc, owner, job_id = call.svc, call.owner, call.params["job_id"]
    job = svc.jobs.find(job_id)
    owned(job, owner, "job", job_id)
    release = svc.streams.acquire(owner)  # 429 when this user or this process has no slot
    try:
        stream = JobEventStream(svc.store, job_id, owner, release=release)
    except BaseException:
        release()
        raise
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamedResponse(stream, status=200, mimetype=EVENT_STREAM, headers=headers)
