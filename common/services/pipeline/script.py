"""The script step: the project's story, written once, then snapshotted into the job.

A project that already has a story (written earlier, or edited) keeps it: a generate renders what
the creator sees. The snapshot makes edits during the job go to the next one. Once the job has
its story it is counted as that story (rendered seconds, held credit: Quotas.recount), so a
story that no longer fits today's limits or the account fails the job here, before any picture
is paid for; a budget (settings.budget_usd) is met in the snapshot, the least important scenes
shown with Ken Burns (common/services/accounts/estimates.py). A script job ends here, for the
creator to read and edit the story before paying for pictures.
"""

from __future__ import annotations

from common.domain import steps
from common.domain.assets import ScriptRequest, content_hash
from common.domain.commands import StepCommand
from common.domain.errors import StoryGeniusError
from common.domain.job import STAGE_SPAN, Job, SceneState
from common.ports import Delivery
from common.services.accounts.estimates import estimate_start, within_budget
from common.services.accounts.quotas import Quotas
from common.services.pipeline.context import StepContext
from common.services.pipeline.ledger import ledger_key
from common.services.pipeline.providers import Providers
from common.services.pipeline.results import Written
from common.services.projects.projects import ProjectService


class ScriptStep:
    def __init__(
        self, ctx: StepContext, projects: ProjectService, providers: Providers, quotas: Quotas
    ) -> None:
        self._ctx = ctx
        self._projects = projects
        self._providers = providers
        self._quotas = quotas

    def run(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        ctx = self._ctx

        def write() -> Written:
            ctx.jobs.mark_running(job.id, "script")
            project = self._projects.load(job.project_id)
            if project.story is None:
                settings = project.settings
                language = settings.language
                gate = self._projects.languages
                # Before the writer: nothing is paid for a story that can't be voiced or drawn.
                if gate is not None:
                    language = gate.resolve(language, project.prompt, settings.voice)
                writer = self._providers.script
                request = ScriptRequest(
                    prompt=project.prompt,
                    duration_s=settings.duration_s,
                    language=language,
                    visual_style=settings.visual_style,
                    aspect=settings.aspect,
                    seed=settings.seed,
                    avoid_topics=project.avoid_topics,
                    format=settings.format,
                )
                story = writer.write(request)
                self._projects.save_story(project.id, story)
                key = content_hash("script", writer.id, request.model_dump(mode="json"))
                ctx.charge(job.id, writer.id, 1, stage="script", key=key)
            return Written()

        ctx.ledger.run_once(ledger_key(steps.SCRIPT, job.id), Written, write)
        project = self._projects.load(job.project_id)
        if job.story is None and project.story is None:
            raise StoryGeniusError(f"project {project.id} has no story yet")

        def to_references(j: Job) -> None:
            if j.story is None:  # a repeated delivery keeps the first snapshot
                assert project.story is not None
                # As it will be rendered: a budget turns the least important AI clips into Ken
                # Burns in the job's copy (the project's story keeps the creator's choices).
                budget = j.settings.budget_usd if j.kind != "script" else None
                j.story = within_budget(project.story, budget, ctx.choice)
                j.story_revision = project.revision
            story = ctx.story(j)
            j.language = story.language
            j.language_detected = j.settings.language == "auto"
            if not j.scenes:
                j.scene_ids = [s.id for s in story.scenes]
                j.scenes = {s.id: j.scenes.get(s.id) or SceneState() for s in story.scenes}
            if j.kind == "script":
                j.finish(ctx.clock.now())
                return
            if j.makes_video and j.estimate is None:
                # What rendering the story will cost, per scene and in total, before any of it
                # is paid for (the storyboard's estimate, by the same function).
                j.estimate = ctx.estimate_render(j)
                for scene_id, usd in j.estimate.scenes.items():
                    j.scenes[scene_id].estimated_usd = usd
            j.stage = "references"
            j.progress = max(j.progress, STAGE_SPAN["references"][0])

        snapshot, _ = ctx.jobs.mutate(job.id, to_references)
        if snapshot.kind == "script":
            return  # done: the story is all a script job makes
        story = ctx.story(snapshot)
        estimate = estimate_start(
            snapshot.kind, snapshot.settings, story, ctx.choice, narrate=snapshot.with_narration
        )
        self._quotas.recount(job.id, estimate)
        ctx.enqueue(steps.REFERENCES, job.id)
