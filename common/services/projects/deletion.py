"""Deleting a project deletes everything made from it, at once, in both backends.

What goes, in this order (each part tolerates being gone already, so a delete that fails midway
is finished by the next one, and the project document goes last: until then the project is
there to be deleted again):

1. Its schedules are cancelled (a scheduled publish does not go out) and deleted.
2. Its jobs are cancelled: a running job's queued steps stop at their next delivery (the
   dispatch ignores ended jobs and jobs that are gone), and its held credit is released.
3. Each job's outputs (`jobs/<id>/`: video, thumbnail, captions, segments) and then the job
   documents: `GET /v1/jobs/{id}` and its media answer 404, and every link handed out for them
   stops working at once (local links find no file; a bucket's signed URLs find no object).
4. The project's uploads (manifests before files), then the project document, then the uploads
   and the jobs' outputs once more: an upload or a step racing the delete finds the project or
   its job gone and leaves nothing behind, or its files are swept here.

The provider cache (`cache/`) is the owner's, not the project's: other projects of the same
owner may use the same pictures and voices, so it is kept.
"""

from __future__ import annotations

import contextlib
import logging

from common.domain.errors import ConflictError, NotFoundError
from common.ports import BlobStore
from common.services.calendar.scheduling import ScheduleService
from common.services.observability.job_traces import JobTraces
from common.services.pipeline.dispatch import Pipeline
from common.services.pipeline.jobs import JobRepository
from common.services.projects.projects import ProjectService

log = logging.getLogger(__name__)


def job_prefix(job_id: str) -> str:
    """Where a job's outputs live in the blob store."""
    return f"jobs/{job_id}/"


class ProjectDeletion:
    def __init__(
        self,
        *,
        blobs: BlobStore,
        projects: ProjectService,
        jobs: JobRepository,
        pipeline: Pipeline,
        schedules: ScheduleService,
        traces: JobTraces | None = None,
    ) -> None:
        self._blobs = blobs
        self._traces = traces
        self._projects = projects
        self._jobs = jobs
        self._pipeline = pipeline
        self._schedules = schedules

    def delete(self, owner: str, project_id: str) -> None:
        """Delete the owner's project and everything made from it; NotFoundError when the owner
        has no such project."""
        self._projects.get(owner, project_id)
        for schedule in self._schedules.of_project(owner, project_id):
            with contextlib.suppress(NotFoundError, ConflictError):  # published: just delete
                self._schedules.cancel(owner, schedule.id)
            self._schedules.delete(schedule.id)
        job_ids = [job.id for job in self._jobs.of_project(owner, project_id)]
        for job_id in job_ids:
            with contextlib.suppress(NotFoundError, ConflictError):  # already ended
                self._pipeline.cancel(owner, job_id)
        for job_id in job_ids:
            self._delete_blobs(job_prefix(job_id))
            if self._traces is not None:
                self._traces.forget(job_id)  # its spans name its scenes and prompts' models
            self._jobs.delete(job_id)
        self._projects.delete(owner, project_id)
        for job_id in job_ids:  # a step that was writing when its job went
            self._delete_blobs(job_prefix(job_id))
        log.info("project %s deleted with %d jobs", project_id, len(job_ids))

    def _delete_blobs(self, prefix: str) -> None:
        for key in self._blobs.list(prefix):
            self._blobs.delete(key)
