"""An ended job leaves no scene step `running` in its document (issue 16 item 11: after the
narrator's endpoint went away, the failed job showed its scenes narrating forever)."""

from __future__ import annotations

import pytest

from tests.support.jobs import DRAFT, quick_retries, run_job
from tests.support.processes import free_port

pytestmark = pytest.mark.slow


def test_a_job_failed_by_a_narrator_that_went_away_shows_no_scene_still_running(
    make_services,
) -> None:
    gone = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    svc = make_services(
        settings={
            **DRAFT,
            "voice": "elevenlabs",
            "elevenlabs_api_key": "sk-test",
            "elevenlabs_base_url": gone,
            "elevenlabs_backoff_s": 0.01,
        },
        queue=quick_retries(),  # the failing step's five attempts (7.5 s apart in all)
    )

    job = run_job(svc, "A ferry across a cold lake", duration_s=10)

    assert job.status == "failed" and job.error is not None
    assert job.error.stage == "scenes" and job.error.scene in job.scenes, job.error
    states = {(s, step): getattr(st, step) for s, st in job.scenes.items() for step in
              ("narration", "keyframe", "clip")}  # fmt: skip
    assert "running" not in states.values(), states
    assert job.scenes[job.error.scene].narration == "failed"
