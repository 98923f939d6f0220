"""The references step: one image per character of the style bible, painted once per story and
handed to every keyframe that shows the character, so a face stays the same across scenes.

The characters are painted at once: each is one call that mostly waits on the image model
(about 6 s for Gemini), and painted one after another every character after the first added
that much to every keyframe's start, and so to the job (bench/latency.py).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from common.domain import steps
from common.domain.assets import ImageRequest
from common.domain.commands import StepCommand
from common.domain.job import Job
from common.domain.story import Character
from common.media.render.ffmpeg import carry_context
from common.ports import Delivery
from common.services.pipeline.assets import AssetCache
from common.services.pipeline.context import StepContext
from common.services.pipeline.ledger import ledger_key
from common.services.pipeline.prompts import reference_prompt
from common.services.pipeline.providers import Asked, Providers
from common.services.pipeline.results import ReferencesPainted
from common.services.pipeline.scene_requests import reference_size

AT_ONCE = 4  # references painted at the same time (a story has a few characters)


class ReferencesStep:
    def __init__(self, ctx: StepContext, providers: Providers, assets: AssetCache) -> None:
        self._ctx = ctx
        self._providers = providers
        self._assets = assets

    def run(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        ctx = self._ctx
        story = ctx.story(job)
        side = reference_size(job)

        def paint_one(character: Character) -> str:
            asked = Asked(self._providers.images)
            request = ImageRequest(
                kind="reference",
                prompt=reference_prompt(story, character),
                width=side,
                height=side,
                aspect="1:1",
                seed=job.settings.seed,
                palette=story.style.palette,
                characters=[character],
            )
            key = self._assets.image(asked, request, job.owner)
            if asked.asked:
                ctx.charge(job.id, asked.id, 1, stage="references", key=key)
            return key

        def paint() -> ReferencesPainted:
            characters = story.style.characters
            if len(characters) < 2:
                return ReferencesPainted(keys=[paint_one(c) for c in characters])
            with ThreadPoolExecutor(max_workers=min(len(characters), AT_ONCE)) as pool:
                # In the order of the style bible, whichever finishes first; each call traced
                # under this delivery (the threads get its context).
                return ReferencesPainted(keys=list(pool.map(carry_context(paint_one), characters)))

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
