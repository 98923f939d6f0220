"""The narration step: one scene's voice-over with word timings, and from it the scene's length
(common/domain/pacing.py: lead-in, narration and tail in whole frames, plus the transition into
the next scene unless it cuts or is the last), which assembly reads back."""

from __future__ import annotations

from common.domain import steps
from common.domain.commands import StepCommand
from common.domain.job import Job
from common.domain.pacing import scene_length
from common.ports import Delivery
from common.services.pipeline.assets import AssetCache
from common.services.pipeline.context import StepContext
from common.services.pipeline.ledger import ledger_key
from common.services.pipeline.providers import Asked, Providers
from common.services.pipeline.results import Narrated
from common.services.pipeline.scene_requests import narration_request, narrator_uses_context


class NarrationStep:
    def __init__(self, ctx: StepContext, providers: Providers, assets: AssetCache) -> None:
        self._ctx = ctx
        self._providers = providers
        self._assets = assets

    def run(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        ctx = self._ctx
        assert command.scene_id is not None
        scene_id = command.scene_id
        if job.scenes[scene_id].narration == "done":
            ctx.finish_scene(job.id, scene_id)
            return
        story = ctx.story(job)
        voice = self._providers.voice
        request = narration_request(
            story, scene_id, job.settings, uses_context=narrator_uses_context(voice)
        )

        def speak() -> Narrated:
            ctx.jobs.update_scene(job.id, scene_id, narration="running")
            asked = Asked(voice)
            key = self._assets.narration(asked, request, job.owner)
            if asked.asked:
                chars = len(request.text)
                ctx.charge(job.id, voice.id, chars, stage="narration", scene_id=scene_id, key=key)
            return Narrated(key=key, origin=asked.origin)

        key = ledger_key(steps.NARRATION, job.id, scene_id)
        done = ctx.ledger.run_once(key, Narrated, speak)
        manifest = self._assets.load_narration(done.key)
        last = job.scene_ids.index(scene_id) == len(job.scene_ids) - 1
        transition = story.scene(scene_id).transition or job.settings.transition
        duration = scene_length(manifest.duration_s, transition, last=last)
        ctx.finish_scene(
            job.id,
            scene_id,
            narration="done",
            narration_key=done.key,
            narration_origin=done.origin,
            duration_s=duration,
        )
