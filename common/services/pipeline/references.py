"""The references step: one image per character of the style bible, painted once per story and
handed to every keyframe that shows the character, so a face stays the same across scenes."""

from __future__ import annotations

from common.domain import steps
from common.domain.assets import ImageRequest
from common.domain.commands import StepCommand
from common.domain.job import Job
from common.ports import Delivery
from common.services.pipeline.assets import AssetCache
from common.services.pipeline.context import StepContext
from common.services.pipeline.ledger import ledger_key
from common.services.pipeline.prompts import reference_prompt
from common.services.pipeline.providers import Asked, Providers
from common.services.pipeline.results import ReferencesPainted

REFERENCE_SIZE = 1024


class ReferencesStep:
    def __init__(self, ctx: StepContext, providers: Providers, assets: AssetCache) -> None:
        self._ctx = ctx
        self._providers = providers
        self._assets = assets

    def run(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        ctx = self._ctx
        story = ctx.story(job)

        def paint() -> ReferencesPainted:
            keys = []
            for character in story.style.characters:
                asked = Asked(self._providers.images)
                request = ImageRequest(
                    kind="reference",
                    prompt=reference_prompt(story, character),
                    width=REFERENCE_SIZE,
                    height=REFERENCE_SIZE,
                    aspect="1:1",
                    seed=job.settings.seed,
                    palette=story.style.palette,
                    characters=[character],
                )
                keys.append(self._assets.image(asked, request, job.owner))
                if asked.asked:
                    ctx.charge(job.id, asked.id, 1, stage="references", key=keys[-1])
            return ReferencesPainted(keys=keys)

        key = ledger_key(steps.REFERENCES, job.id)
        keys = ctx.ledger.run_once(key, ReferencesPainted, paint).keys

        def to_scenes(j: Job) -> None:
            j.reference_keys = keys
            j.stage = "scenes"
            j.progress = max(j.progress, j.scene_progress())

        ctx.jobs.mutate(job.id, to_scenes)
        narrate = "narration" in job.scene_steps  # a storyboard may leave the voice for later
        for scene_id in job.scene_ids:
            if narrate:
                ctx.enqueue(steps.NARRATION, job.id, scene_id)
            ctx.enqueue(steps.KEYFRAME, job.id, scene_id)
