"""The quotas' settlement as bootstrap wires it: a job cancelled through the pipeline gives its
daily video back; the script step counts the written story."""

from __future__ import annotations

from common.domain.commands import CreateProject, StartJob, StepCommand
from common.domain.pacing import planned_length
from common.domain.steps import SCRIPT
from common.ports import Delivery
from tests.support.fakes import RecordingQueue
from tests.support.jobs import OWNER


def test_a_job_cancelled_before_it_ran_gives_back_its_daily_video(make_services):
    svc = make_services(queue=RecordingQueue())
    project = svc.projects.create(OWNER, CreateProject(prompt="A fox guards a forest"))
    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id))
    assert svc.pipeline.quotas.view(OWNER).today.videos == 1

    svc.pipeline.cancel(OWNER, job.id)

    today = svc.pipeline.quotas.view(OWNER).today
    assert (today.videos, today.rendered_s) == (0, 0)


def test_the_script_step_counts_the_written_story_at_the_narrators_rate(make_services):
    svc = make_services(queue=RecordingQueue())
    project = svc.projects.create(
        OWNER, CreateProject(prompt="A fox guards a forest", settings={"duration_s": 30})
    )
    job = svc.pipeline.start(OWNER, StartJob(project_id=project.id))

    svc.pipeline.handle(SCRIPT, StepCommand(job_id=job.id), Delivery())

    story = svc.projects.load(project.id).story
    rates = svc.pipeline.providers.choice.rates
    planned = planned_length([s.narration for s in story.scenes], story.language, rates)
    assert svc.pipeline.quotas.view(OWNER).today.rendered_s == round(planned, 3)
    assert svc.jobs.get(job.id).counted.rendered_s == round(planned, 3)
