"""The keyframe step: one scene's picture, painted with the references of the characters in it.

A keyframe never fails the job on a safety refusal: the image provider is asked once more, toned
down (no characters or action); refused again, a stand-in painter that never refuses (the
offline painter, injected by bootstrap) paints it, uncharged, and the scene gets Ken Burns motion
over it instead of a clip. The scene keeps both reasons. A scene showing the creator's upload
paints nothing. A storyboard stops at the picture: no clip is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from common.domain import steps
from common.domain.assets import ImageRequest
from common.domain.commands import StepCommand
from common.domain.errors import ContentFilteredError
from common.domain.job import Job
from common.domain.story import Story
from common.ports import BlobStore, Delivery, ImageGenerator
from common.services.pipeline.assets import AssetCache
from common.services.pipeline.context import StepContext
from common.services.pipeline.ledger import ledger_key
from common.services.pipeline.prompts import characters_in
from common.services.pipeline.providers import Asked, Providers
from common.services.pipeline.results import KeyframePainted
from common.services.pipeline.scene_requests import (
    keyframe_request,
    picture_size,
    plain_keyframe_request,
)
from common.services.pipeline.scene_sources import own_motion, scene_upload

log = logging.getLogger(__name__)


class KeyframeStep:
    def __init__(
        self,
        ctx: StepContext,
        providers: Providers,
        assets: AssetCache,
        blobs: BlobStore,
        stand_in: Callable[[], ImageGenerator],
    ) -> None:
        self._ctx = ctx
        self._providers = providers
        self._assets = assets
        self._blobs = blobs
        # A factory: the stand-in is built only on the path that needs it (cold start).
        self._stand_in = stand_in

    def run(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        ctx = self._ctx
        assert command.scene_id is not None
        scene_id = command.scene_id
        state = job.scenes[scene_id].keyframe
        if state == "fallback":  # a stand-in picture: its Ken Burns clip was recorded with it
            ctx.finish_scene(job.id, scene_id)
            return
        # The clip comes next in a video job; a storyboard ends the scene at its picture.
        clip_next = {"clip": "running"} if job.makes_video else {}
        if state != "done":
            story = ctx.story(job)
            scene = story.scene(scene_id)
            if scene.clip_source == "upload":  # the creator's picture: nothing to paint
                upload = scene_upload(self._blobs, job, scene)
                ctx.finish_scene(
                    job.id, scene_id, keyframe="done", keyframe_key=upload.poster_key,
                    keyframe_origin="cached", **clip_next,
                )  # fmt: skip
                if job.makes_video:
                    ctx.enqueue(steps.CLIP, job.id, scene_id)
                return
            in_shot = {c.id for c in characters_in(story, scene)}
            refs = [
                self._blobs.get(key)
                for key, character in zip(job.reference_keys, story.style.characters, strict=False)
                if character.id in in_shot
            ]
            request = keyframe_request(story, scene_id, job.settings, refs, picture_size(job))

            def paint() -> KeyframePainted:
                ctx.jobs.update_scene(job.id, scene_id, keyframe="running")
                return self._paint(job, story, scene_id, request)

            key = ledger_key(steps.KEYFRAME, job.id, scene_id)
            done = ctx.ledger.run_once(key, KeyframePainted, paint)
            if done.stand_in:
                # Never a video provider call on a stand-in picture: Ken Burns motion over it
                # (clip origin cached, as for any scene whose clip nothing generates).
                ctx.finish_scene(
                    job.id, scene_id, keyframe="fallback", keyframe_key=done.key,
                    keyframe_origin=done.origin, clip="fallback", clip_source="kenburns",
                    clip_origin="cached", clip_key=None, motion=own_motion(job, scene),
                    fallback_reason=done.reason,
                )  # fmt: skip
                return
            toned_down = {"fallback_reason": done.reason} if done.reason is not None else {}
            ctx.finish_scene(
                job.id,
                scene_id,
                keyframe="done",
                keyframe_key=done.key,
                keyframe_origin=done.origin,
                **clip_next,
                **toned_down,
            )
        elif not job.makes_video:  # delivered again: report the scene (the fan-in may end it)
            ctx.finish_scene(job.id, scene_id)
        if job.makes_video:
            ctx.enqueue(steps.CLIP, job.id, scene_id)

    def _paint(
        self, job: Job, story: Story, scene_id: str, request: ImageRequest
    ) -> KeyframePainted:
        """The scene's keyframe (run once under the ledger), with the refusal policy of the
        module doc. Other provider errors propagate, for the queue to retry the step."""
        try:
            return self._keyframe(job, scene_id, request)
        except ContentFilteredError as refused:
            first = refused.message
        plain = plain_keyframe_request(story, scene_id, job.settings, picture_size(job))
        try:
            done = self._keyframe(job, scene_id, plain)
        except ContentFilteredError as again:
            log.warning("job %s scene %s: keyframe refused twice: %s", job.id, scene_id, first)
            return KeyframePainted(
                key=self._assets.image(self._stand_in(), plain, job.owner),
                origin="generated",  # the provider was asked; it refused
                stand_in=True,
                reason=f"keyframe refused by the safety filter: {first}; refused again "
                f"without characters or action: {again.message}; painted offline instead",
            )
        log.warning("job %s scene %s: keyframe toned down: %s", job.id, scene_id, first)
        reason = (
            f"keyframe refused by the safety filter: {first}; "
            "drawn again without characters or action"
        )
        return done.model_copy(update={"reason": reason})

    def _keyframe(self, job: Job, scene_id: str, request: ImageRequest) -> KeyframePainted:
        """One keyframe from the image provider (or the cache), charged when the provider made
        it: under its own content key, so each request asked is charged once."""
        ctx = self._ctx
        asked = Asked(self._providers.images)
        key = self._assets.image(asked, request, job.owner)
        if asked.asked:
            ctx.charge(job.id, asked.id, 1, stage="keyframe", scene_id=scene_id, key=key)
        return KeyframePainted(key=key, origin=asked.origin)
