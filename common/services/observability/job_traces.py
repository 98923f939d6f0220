"""JobTraces: each job's spans kept in the document store, beside the job.

The span buffer (common/adapters/otel/job_spans.py) hands over one local tree at a time (one
step delivery, one API request); it is stored as one document (or a few, for a very large tree)
keyed by the job and the tree's root, so a delivery that is traced twice (a retried write)
overwrites itself instead of doubling its spans. Reading a job's trace is one query by job id.
"""

from __future__ import annotations

from collections.abc import Sequence

from common.domain.traces import JobTrace, SpanRecord
from common.ports import DocumentStore

COLLECTION = "traces"
# A document holds at most this many spans: Firestore documents stop at 1 MiB and a span is
# about 0.5 KB; a 30-scene assembly's tree is well under it.
SPANS_PER_DOCUMENT = 400


class JobTraces:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def keep(self, job_id: str, spans: Sequence[SpanRecord]) -> None:
        """Store one tree of the job's spans (its root last, as spans end)."""
        if not spans:
            return
        root = spans[-1].span_id
        for index in range(0, len(spans), SPANS_PER_DOCUMENT):
            chunk = spans[index : index + SPANS_PER_DOCUMENT]
            self._store.set(
                COLLECTION,
                f"{job_id}-{root}-{index // SPANS_PER_DOCUMENT}",
                {"job_id": job_id, "spans": [s.model_dump(mode="json") for s in chunk]},
            )

    def of_job(self, job_id: str) -> JobTrace:
        """Every span kept for the job, in start order (empty before its first step ends)."""
        spans: dict[str, SpanRecord] = {}
        for doc in self._store.query(COLLECTION, [("job_id", "==", job_id)]):
            for data in doc.data.get("spans", []):
                record = SpanRecord.model_validate(data)
                spans[record.span_id] = record
        ordered = sorted(spans.values(), key=lambda s: (s.start_time, s.end_time))
        trace_ids = list(dict.fromkeys(s.trace_id for s in ordered))
        return JobTrace(job_id=job_id, trace_ids=trace_ids, spans=ordered)

    def forget(self, job_id: str) -> None:
        """Delete the job's spans (with the job)."""
        for doc in self._store.query(COLLECTION, [("job_id", "==", job_id)]):
            self._store.delete(COLLECTION, doc.id)
