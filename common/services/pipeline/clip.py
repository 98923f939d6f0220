"""The clip step: start a long-running image-to-video generation, poll it from delayed tasks,
and fall back to Ken Burns motion over the keyframe when it is refused, fails or runs too long.

A clip never fails the job: the worst case is a still with motion, and the job records which
scenes fell back and why.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from common.config import Settings
from common.domain import steps
from common.domain.assets import ClipOperation, ClipRequest, ClipResult
from common.domain.commands import StepCommand
from common.domain.errors import ProviderError
from common.domain.job import AssetOrigin, Job
from common.media.spec.motion import plan_motion
from common.ports import BlobStore, Clock, Delivery
from common.services.pipeline.assets import AssetCache
from common.services.pipeline.context import StepContext
from common.services.pipeline.ledger import ledger_key
from common.services.pipeline.providers import Providers
from common.services.pipeline.results import ClipStarted
from common.services.pipeline.scene_requests import clip_request, scene_seed
from common.services.pipeline.scene_sources import finish_own_clip

log = logging.getLogger(__name__)

# What a clip step asked the video provider: its id, the seconds asked for, the call's key.
Asked = tuple[str, int, str]


class ClipStep:
    def __init__(
        self,
        ctx: StepContext,
        providers: Providers,
        assets: AssetCache,
        blobs: BlobStore,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self._ctx = ctx
        self._providers = providers
        self._assets = assets
        self._blobs = blobs
        self._clock = clock
        self._settings = settings

    def run(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        assert command.scene_id is not None
        scene_id = command.scene_id
        state = job.scenes[scene_id]
        if state.clip in ("done", "fallback"):
            self._ctx.finish_scene(job.id, scene_id)
            return
        scene = self._ctx.story(job).scene(scene_id)
        if scene.clip_source != "ai":  # Ken Burns or the creator's upload: no provider call
            finish_own_clip(self._ctx, self._blobs, job, scene)
            return
        if command.poll == 0:
            self._start(job, scene_id, delivery)
        else:
            self._poll(job, scene_id, command.poll, delivery)

    # -- start and poll ---------------------------------------------------------------------

    def _request(self, job: Job, scene_id: str) -> ClipRequest:
        state = job.scenes[scene_id]
        assert state.keyframe_key is not None
        return clip_request(
            self._ctx.story(job),
            scene_id,
            job.settings,
            keyframe_key=state.keyframe_key,
            image_uri=self._blobs.uri(state.keyframe_key),
            output_prefix=f"jobs/{job.id}/clips/{scene_id}/",
        )

    def _start(self, job: Job, scene_id: str, delivery: Delivery) -> None:
        ctx = self._ctx
        request = self._request(job, scene_id)
        video = self._providers.video
        cache_key = self._assets.clip_key(
            job.owner, video.id, request.model_dump(exclude={"output_prefix"})
        )

        def start() -> ClipStarted:
            cached = self._assets.find_clip(cache_key)
            if cached is not None:
                return ClipStarted(result=cached)
            begun = ctx.jobs.get(job.id).scenes[scene_id].clip_operation
            if begun is not None:
                # A delivery that died after starting the generation: poll it, never pay twice.
                return ClipStarted(operation=ClipOperation(name=begun))
            try:
                op = video.start(request)
            except ProviderError as exc:
                if exc.retryable and not delivery.last_attempt:
                    raise
                return ClipStarted(failed=f"{exc.code}: {exc.message}")
            # Recorded at once, before anything else can fail: see `begun` above.
            deadline = self._clock.now() + timedelta(seconds=self._settings.clip_deadline_s)
            ctx.jobs.update_scene(job.id, scene_id, clip_operation=op.name, clip_deadline=deadline)
            # Charged when the clip is delivered (_done), not now: a refused, failed or timed
            # out generation delivers nothing and is recorded apart, uncharged (_fallback).
            return ClipStarted(operation=op)

        key = ledger_key(steps.CLIP, job.id, scene_id)
        started = ctx.ledger.run_once(key, ClipStarted, start)
        asked = (video.id, request.duration_s, cache_key)
        if started.result is not None:
            self._done(job, scene_id, started.result, cache_key, origin="cached")
        elif started.failed is not None:
            self._fallback(job, scene_id, f"clip generation failed: {started.failed}", asked)
        else:
            assert started.operation is not None
            self._settle(job, scene_id, started.operation, asked, poll=0)

    def _poll(self, job: Job, scene_id: str, poll: int, delivery: Delivery) -> None:
        state = job.scenes[scene_id]
        if state.clip_operation is None:
            # A poll delivered before its start was recorded cannot know what to poll: start.
            self._start(job, scene_id, delivery)
            return
        request = self._request(job, scene_id)
        video = self._providers.video
        cache_key = self._assets.clip_key(
            job.owner, video.id, request.model_dump(exclude={"output_prefix"})
        )
        asked = (video.id, request.duration_s, cache_key)
        if state.clip_deadline is not None and self._clock.now() > state.clip_deadline:
            limit = int(self._settings.clip_deadline_s)
            self._fallback(job, scene_id, f"clip generation timed out after {limit} s", asked)
            return
        try:
            op = video.poll(state.clip_operation)
        except ProviderError as exc:
            if exc.retryable and not delivery.last_attempt:
                raise
            reason = f"clip polling failed: {exc.code}: {exc.message}"
            self._fallback(job, scene_id, reason, asked)
            return
        self._settle(job, scene_id, op, asked, poll=poll)

    def _settle(self, job: Job, scene_id: str, op: ClipOperation, asked: Asked, poll: int) -> None:
        """Poll again later, fall back (nothing delivered) or keep the delivered clip, charged."""
        provider, seconds, cache_key = asked
        if not op.done:
            settings = self._settings
            # First when the clip is likely ready, then at a shorter interval.
            delay = settings.clip_first_poll_s if poll == 0 else settings.clip_poll_interval_s
            self._ctx.enqueue(steps.CLIP, job.id, scene_id, poll=poll + 1, delay_s=delay)
        elif op.filtered:
            reason = f"refused by the safety filter: {op.error or 'no reason'}"
            self._fallback(job, scene_id, reason, asked)
        elif op.error or op.result is None:
            self._fallback(
                job, scene_id, f"clip generation failed: {op.error or 'no video'}", asked
            )
        else:
            # Delivered: charged now, once (the call's content key makes the usage event).
            self._ctx.charge(
                job.id, provider, seconds, stage="clip", scene_id=scene_id, key=cache_key
            )
            self._done(job, scene_id, op.result, cache_key, origin="generated")

    # -- outcomes ---------------------------------------------------------------------------

    def _done(
        self, job: Job, scene_id: str, result: ClipResult, cache_key: str, origin: AssetOrigin
    ) -> None:
        self._assets.save_clip(cache_key, result)
        self._ctx.finish_scene(
            job.id,
            scene_id,
            clip="done",
            clip_origin=origin,
            clip_source=result.source,
            clip_key=result.key if result.kind == "file" else None,
            motion=result.motion,
        )

    def _fallback(self, job: Job, scene_id: str, reason: str, asked: Asked) -> None:
        """Ken Burns motion over the keyframe instead of a generated clip; what the provider
        was asked for is recorded, uncharged, with the reason."""
        log.warning("job %s scene %s falls back to Ken Burns: %s", job.id, scene_id, reason)
        provider, seconds, cache_key = asked
        self._ctx.record_unbilled(
            job.id, provider, seconds, stage="clip", key=cache_key, scene_id=scene_id,
            reason=reason,
        )  # fmt: skip
        story = self._ctx.story(job)
        state = job.scenes[scene_id]
        earlier = state.fallback_reason  # a toned-down keyframe's note stays beside this one
        if earlier and reason not in earlier:
            reason = f"{earlier}; {reason}"
        motion = plan_motion(
            scene_seed(job.settings.seed, scene_id),
            story.scene(scene_id).mood,
            state.duration_s or 6.0,
        )
        self._ctx.finish_scene(
            job.id,
            scene_id,
            clip="fallback",
            clip_source="kenburns",
            clip_origin="generated",  # the provider was asked; its answer is not cached
            clip_key=None,
            motion=motion,
            fallback_reason=reason,
        )
