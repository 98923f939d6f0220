"""A budget on the Vertex stand-in: the job costs at most its budget (settings.budget_usd), the
hook keeps its Veo clip and the rest are shown with Ken Burns; a budget no video can meet is a
400 naming the field when the project is written, and fails the job at the script stage when
the story written is dearer than the budget allows."""

from __future__ import annotations

import pytest

from common.domain.commands import CreateProject, StartJob
from common.domain.errors import InvalidInputError
from tests.stubs.vertex_server import sample_story
from tests.support.jobs import DRAFT, OWNER, run_job, vertex_settings

pytestmark = pytest.mark.slow

PROMPT = "A lighthouse keeper befriends a lonely whale"
SMALL = {"duration_s": 12, "resolution": "720p"}


def test_a_job_costs_no_more_than_its_budget_and_the_hook_keeps_its_ai_clip(
    make_services, vertex_stub
):
    vertex_stub.story = sample_story(4)  # hook, development, development, resolution
    svc = make_services(vertex_settings(vertex_stub, **DRAFT))

    job = run_job(svc, PROMPT, budget_usd=1.0, **SMALL)

    assert job.status == "done", job.error
    charged = sum(line.actual_usd for line in job.cost.values())
    assert 0 < charged <= 1.0 * 1.02
    assert job.scenes["s01"].clip_source == "veo"
    assert [job.scenes[s].clip_source for s in ("s02", "s03", "s04")] == ["kenburns"] * 3
    assert len(vertex_stub.requests("predictLongRunning")) == 1  # one Veo clip asked for
    # The estimate shown for the render is the budgeted story's, and the creator's story keeps
    # the AI clips they chose (the next render with a larger budget gets them).
    assert job.estimate is not None and job.estimate.total_usd <= 1.0
    story = svc.projects.load(job.project_id).story
    assert story is not None and {s.clip_source for s in story.scenes} == {"ai"}


def test_a_budget_below_any_video_of_the_length_is_refused_naming_the_field(
    make_services, vertex_stub
):
    svc = make_services(vertex_settings(vertex_stub))
    settings = {**SMALL, "budget_usd": 0.05}

    with pytest.raises(InvalidInputError) as info:
        svc.projects.create(OWNER, CreateProject(prompt=PROMPT, settings=settings))

    assert "cheapest" in info.value.fields["settings.budget_usd"]


def test_a_story_dearer_than_its_budget_fails_the_job_at_the_script_stage(
    make_services, vertex_stub
):
    vertex_stub.story = sample_story(4)  # four pictures and two references: above $0.15
    svc = make_services(vertex_settings(vertex_stub))
    project = svc.projects.create(
        OWNER, CreateProject(prompt=PROMPT, settings={**SMALL, "budget_usd": 0.15})
    )

    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id))
    assert svc.queue.wait_idle(60)
    job = svc.jobs.get(job.id)

    assert job.status == "failed"
    assert job.error is not None and job.error.stage == "script"
    assert "settings.budget_usd" in job.error.message and "cheapest" in job.error.message
    assert vertex_stub.requests("predictLongRunning") == []
