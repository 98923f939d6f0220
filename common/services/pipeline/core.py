"""The pipeline: one job's steps, each a handler that a task queue delivers at least once.

    start -> step_script -> step_references -+-> step_narration[scene] -------------------+
                                             +-> step_keyframe[scene] -> step_clip[scene] |
                                                                                          v
                      fan-in (transaction: the last scene to finish enqueues once) -> step_assemble

Each handler finds its result recorded (ledger, content-hash cache, job state) when delivered
again, and only advances the chain; next steps are enqueued under deterministic names so a
repeated enqueue is a no-op.
"""

from __future__ import annotations

import logging
from typing import Any

from common.config import Settings
from common.domain.assets import ImageRequest, ScriptRequest, content_hash
from common.domain.commands import StartJob, StepCommand
from common.domain.errors import (
    ConflictError,
    ContentFilteredError,
    NotFoundError,
    StoryGeniusError,
)
from common.domain.job import STAGE_SPAN, Job, JobError, SceneState, render_for
from common.domain.story import Story
from common.domain.usage import Charge, UsageStage, UsageUnit
from common.ports import (
    BlobStore,
    Clock,
    Delivery,
    ImageGenerator,
    JobRunner,
    Task,
    TaskQueue,
)
from common.services.accounts.quotas import Quotas, estimate_job
from common.services.accounts.usage import UsageRecorder
from common.services.pipeline.assets import AssetCache
from common.services.pipeline.clips import ClipSteps
from common.services.pipeline.jobs import JobRepository
from common.services.pipeline.ledger import StepInProgressError, StepLedger
from common.services.pipeline.prompts import characters_in, reference_prompt
from common.services.pipeline.providers import Asked
from common.services.pipeline.providers import Providers as Providers  # built by bootstrap
from common.services.pipeline.scene_requests import (
    keyframe_request,
    narration_request,
    narrator_uses_context,
    plain_keyframe_request,
)
from common.services.pipeline.scene_sources import own_motion, scene_upload
from common.services.projects.projects import NoStoryError, ProjectService, new_id

log = logging.getLogger(__name__)

REFERENCE_SIZE = 1024

# Which stage a failure in each step belongs to, for the job's error.
STEP_STAGE = {
    "step_script": "script",
    "step_references": "references",
    "step_narration": "scenes",
    "step_keyframe": "scenes",
    "step_clip": "scenes",
    "step_assemble": "assembly",
}


def _stand_in_painter() -> ImageGenerator:
    """The offline painter, for a keyframe the image provider refused twice: it never refuses.
    Imported here, on the one path that needs it, so a step that never falls back never loads
    numpy (cold start)."""
    from common.adapters.offline.painter import OfflineImageGenerator

    return OfflineImageGenerator()


class JobFinishedError(ConflictError):
    """The job has already ended (done, failed or cancelled); `fields` carries its status."""

    code = "job_finished"

    def __init__(self, job_id: str, status: str) -> None:
        super().__init__(f"job {job_id} has already ended: {status}")
        self.fields = {"status": status}


class Pipeline:
    def __init__(
        self,
        *,
        settings: Settings,
        projects: ProjectService,
        jobs: JobRepository,
        ledger: StepLedger,
        assets: AssetCache,
        blobs: BlobStore,
        queue: TaskQueue,
        runner: JobRunner,
        providers: Providers,
        clock: Clock,
        usage: UsageRecorder,
        quotas: Quotas,
    ) -> None:
        self.settings = settings
        self.projects = projects
        self.jobs = jobs
        self.ledger = ledger
        self.assets = assets
        self.blobs = blobs
        self.queue = queue
        self.runner = runner
        self.providers = providers
        self.clock = clock
        self.usage = usage
        self.quotas = quotas
        self.clips = ClipSteps(self)

    # -- starting -------------------------------------------------------------------------

    def start(self, owner: str, command: StartJob, *, job_id: str | None = None) -> Job:
        """Create a job for the owner's project and enqueue its first step.

        `job_id` makes the id deterministic (a scheduled run starting its job again after a
        crash gets AlreadyExistsError instead of a second job); by default a new one.

        Every kind runs the same steps on the project's settings, so a preview or an export
        finds every asset the project's last generate made in the cache (and makes any that
        are missing); only the assembly differs (`Job.render`). An export is of a written
        story: NoStoryError until there is one.
        """
        project = self.projects.get(owner, command.project_id)
        if command.kind == "export" and project.story is None:
            raise NoStoryError(f"project {project.id} has no story to export: generate first")
        now = self.clock.now()
        job = Job(
            id=job_id or new_id(),
            owner=owner,
            project_id=project.id,
            kind=command.kind,
            settings=project.settings,
            render=render_for(
                command.kind,
                project.settings,
                aspect=command.aspect,
                resolution=command.resolution,
            ),
            created_at=now,
            updated_at=now,
        )
        # Created only if the owner's credit and today's limits allow it (402 otherwise).
        veo = self.settings.video == "veo"
        estimate = estimate_job(project.settings, project.story, self.price, veo=veo)
        self.quotas.admit(job, estimate)
        self.enqueue("step_script", job.id)
        return job

    def cancel(self, owner: str, job_id: str) -> Job:
        """Mark the owner's job cancelled. Its queued steps stop at their next delivery (handle
        ignores terminal jobs) and assembly will not overwrite it. Another owner's job is
        NotFoundError; a job that already ended is JobFinishedError."""

        def stop(job: Job) -> None:
            if job.owner != owner:
                raise NotFoundError(f"job {job_id} not found")
            if job.terminal:
                raise JobFinishedError(job_id, job.status)
            job.status = "cancelled"
            job.finished_at = self.clock.now()

        job, _ = self.jobs.mutate(job_id, stop)
        return job

    # -- dispatch -------------------------------------------------------------------------

    def handle(self, step: str, command: StepCommand, delivery: Delivery) -> None:
        """Run one delivery of `step`. Returns normally when the task is finished with (done, or
        failed for good and recorded on the job); raises a retryable error to be delivered again."""
        handler = {
            "step_script": self.step_script,
            "step_references": self.step_references,
            "step_narration": self.step_narration,
            "step_keyframe": self.step_keyframe,
            "step_clip": self.clips.step_clip,
            "step_assemble": self.step_assemble,
        }.get(step)
        if handler is None:
            raise ValueError(f"unknown step {step!r}")
        job = self.jobs.find(command.job_id)
        if job is None:
            log.warning("%s: job %s does not exist; dropping the task", step, command.job_id)
            return
        if job.terminal:
            log.info("%s: job %s is %s; nothing to do", step, job.id, job.status)
            return
        if command.scene_id is not None and command.scene_id not in job.scenes:
            log.warning("%s: job %s has no scene %s", step, job.id, command.scene_id)
            return
        try:
            handler(job, command, delivery)
        except StepInProgressError as exc:
            if not delivery.last_attempt:
                raise
            # Its holder may still finish; if it died, its claim expires and the sweeper
            # enqueues the step again. Failing the job here would fail a job that is fine.
            log.warning("%s: %s; leaving it to its holder or the sweeper", step, exc.message)
        except StoryGeniusError as exc:
            if exc.retryable and not delivery.last_attempt:
                raise
            self._record_failure(step, command, exc.code, exc.message, exc.retryable)
        except Exception as exc:
            # A defect, not an input problem: the job must still say where it died.
            log.exception("%s failed for job %s", step, command.job_id)
            self._record_failure(step, command, "internal", f"{type(exc).__name__}: {exc}", False)

    def _record_failure(
        self, step: str, command: StepCommand, code: str, message: str, retryable: bool
    ) -> None:
        error = JobError(
            stage=STEP_STAGE[step],
            scene=command.scene_id,
            code=code,
            message=message,
            retryable=retryable,
        )
        log.error("job %s failed: %s", command.job_id, error.model_dump())
        self.jobs.fail(command.job_id, error)

    def enqueue(
        self,
        step: str,
        job_id: str,
        scene_id: str | None = None,
        *,
        poll: int = 0,
        delay_s: float = 0,
        tag: str = "",
    ) -> None:
        """Enqueue `step` under a deterministic name (a repeat is a no-op); `tag` names a
        deliberate second delivery (the sweeper's)."""
        payload: dict[str, Any] = {"job_id": job_id}
        if scene_id is not None:
            payload["scene_id"] = scene_id
        if poll:
            payload["poll"] = poll
        parts = (job_id, step, scene_id, str(poll) if poll else None, tag)
        name = "-".join(p for p in parts if p)
        self.queue.enqueue(Task(target=step, payload=payload, name=name, delay_s=delay_s))

    def story(self, job: Job) -> Story:
        """The story the job renders: its snapshot, taken once the script step is done, so
        edits made while the job runs go to the next job, not half into this one."""
        if job.story is not None:
            return job.story
        project = self.projects.load(job.project_id)
        if project.story is None:
            raise StoryGeniusError(f"project {project.id} has no story yet")
        return project.story

    def charge(
        self,
        job_id: str,
        provider: str,
        units: float,
        unit: UsageUnit,
        usd: float,
        *,
        stage: UsageStage,
        key: str,
        scene_id: str | None = None,
    ) -> None:
        """Record one provider call: its usage event, the job's cost line and the owner's
        debit, together and once (`key`, the content key of the call's inputs, makes the
        event's id: a retried step reporting the same call changes nothing)."""
        charge = Charge(
            stage=stage, scene_id=scene_id, provider=provider, units=units, unit=unit, usd=usd,
            key=key,
        )  # fmt: skip
        self.usage.record(job_id, charge)

    # -- steps ----------------------------------------------------------------------------

    def step_script(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        def write() -> dict[str, Any]:
            self.jobs.mark_running(job.id, "script")
            project = self.projects.load(job.project_id)
            if project.story is None:
                settings = project.settings
                writer = self.providers.script
                request = ScriptRequest(
                    prompt=project.prompt,
                    duration_s=settings.duration_s,
                    language=settings.language,
                    visual_style=settings.visual_style,
                    aspect=settings.aspect,
                    seed=settings.seed,
                    avoid_topics=project.avoid_topics,
                )
                story = writer.write(request)
                self.projects.save_story(project.id, story)
                key = content_hash("script", writer.id, request.model_dump(mode="json"))
                self.charge(
                    job.id, writer.id, 1, "call", self.price("script"), stage="script", key=key
                )
            return {}

        self.ledger.run_once(f"{job.id}:script", write)
        project = self.projects.load(job.project_id)
        if job.story is None and project.story is None:
            raise StoryGeniusError(f"project {project.id} has no story yet")

        def to_references(j: Job) -> None:
            if j.story is None:  # a repeated delivery keeps the first snapshot
                j.story = project.story
                j.story_revision = project.revision
            story = self.story(j)
            if not j.scenes:
                j.scene_ids = [s.id for s in story.scenes]
                j.scenes = {s.id: j.scenes.get(s.id) or SceneState() for s in story.scenes}
            j.stage = "references"
            j.progress = max(j.progress, STAGE_SPAN["references"][0])

        self.jobs.mutate(job.id, to_references)
        self.enqueue("step_references", job.id)

    def step_references(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        story = self.story(job)

        def paint() -> dict[str, Any]:
            keys = []
            for character in story.style.characters:
                asked = Asked(self.providers.images)
                keys.append(
                    self.assets.image(
                        asked,
                        ImageRequest(
                            kind="reference",
                            prompt=reference_prompt(story, character),
                            width=REFERENCE_SIZE,
                            height=REFERENCE_SIZE,
                            aspect="1:1",
                            seed=job.settings.seed,
                            palette=story.style.palette,
                            characters=[character],
                        ),
                    )
                )
                if asked.asked:
                    usd = self.price("image")
                    self.charge(job.id, asked.id, 1, "image", usd, stage="references", key=keys[-1])
            return {"keys": keys}

        keys = self.ledger.run_once(f"{job.id}:references", paint)["keys"]

        def to_scenes(j: Job) -> None:
            j.reference_keys = keys
            j.stage = "scenes"
            j.progress = max(j.progress, j.scene_progress())

        self.jobs.mutate(job.id, to_scenes)
        for scene_id in job.scene_ids:
            self.enqueue("step_narration", job.id, scene_id)
            self.enqueue("step_keyframe", job.id, scene_id)

    def step_narration(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        assert command.scene_id is not None
        scene_id = command.scene_id
        if job.scenes[scene_id].narration == "done":
            self.finish_scene(job.id, scene_id)
            return
        story = self.story(job)
        voice = self.providers.voice
        request = narration_request(
            story, scene_id, job.settings, uses_context=narrator_uses_context(voice)
        )

        def speak() -> dict[str, Any]:
            self.jobs.update_scene(job.id, scene_id, narration="running")
            asked = Asked(voice)
            key = self.assets.narration(asked, request)
            if asked.asked:
                chars = len(request.text)
                usd = chars / 1000 * self.price("voice_1k_chars")
                self.charge(
                    job.id, voice.id, chars, "char", usd,
                    stage="narration", scene_id=scene_id, key=key,
                )  # fmt: skip
            return {"key": key, "origin": asked.origin}

        done = self.ledger.run_once(f"{job.id}:narration:{scene_id}", speak)
        manifest = self.assets.load_narration(done["key"])
        last = job.scene_ids.index(scene_id) == len(job.scene_ids) - 1
        s = self.settings
        duration = s.scene_lead_in_s + manifest.duration_s + s.scene_tail_s
        if not last:
            duration += s.transition_s
        self.finish_scene(
            job.id,
            scene_id,
            narration="done",
            narration_key=done["key"],
            narration_origin=done.get("origin"),
            duration_s=duration,
        )

    def step_keyframe(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        assert command.scene_id is not None
        scene_id = command.scene_id
        state = job.scenes[scene_id].keyframe
        if state == "fallback":  # a stand-in picture: its Ken Burns clip was recorded with it
            self.finish_scene(job.id, scene_id)
            return
        if state != "done":
            story = self.story(job)
            scene = story.scene(scene_id)
            if scene.clip_source == "upload":  # the creator's picture: nothing to paint
                upload = scene_upload(self.blobs, job, scene)
                self.finish_scene(
                    job.id, scene_id, keyframe="done", keyframe_key=upload.poster_key,
                    keyframe_origin="cached", clip="running",
                )  # fmt: skip
                self.enqueue("step_clip", job.id, scene_id)
                return
            in_shot = {c.id for c in characters_in(story, scene)}
            refs = [
                self.blobs.get(key)
                for key, character in zip(job.reference_keys, story.style.characters, strict=False)
                if character.id in in_shot
            ]
            request = keyframe_request(story, scene_id, job.settings, refs)

            def paint() -> dict[str, Any]:
                self.jobs.update_scene(job.id, scene_id, keyframe="running")
                return self._paint_keyframe(job, story, scene_id, request)

            done = self.ledger.run_once(f"{job.id}:keyframe:{scene_id}", paint)
            if done.get("stand_in"):
                # Never a video provider call on a stand-in picture: Ken Burns motion over it
                # (clip origin cached, as for any scene whose clip nothing generates).
                self.finish_scene(
                    job.id, scene_id, keyframe="fallback", keyframe_key=done["key"],
                    keyframe_origin=done["origin"], clip="fallback", clip_source="kenburns",
                    clip_origin="cached", clip_key=None, motion=own_motion(job, scene),
                    fallback_reason=done["reason"],
                )  # fmt: skip
                return
            toned_down = {"fallback_reason": done["reason"]} if "reason" in done else {}
            self.finish_scene(
                job.id,
                scene_id,
                keyframe="done",
                keyframe_key=done["key"],
                keyframe_origin=done.get("origin"),
                clip="running",
                **toned_down,
            )
        self.enqueue("step_clip", job.id, scene_id)

    def _paint_keyframe(
        self, job: Job, story: Story, scene_id: str, request: ImageRequest
    ) -> dict[str, Any]:
        """The scene's keyframe (run once under the ledger): `key` and `origin`, and `reason`
        when the safety filter refused it. A refusal does not fail the job: the image provider
        is asked once more, toned down (`plain_keyframe_request`); refused again, the offline
        painter, which never refuses, paints a stand-in (`stand_in`), uncharged. Other provider
        errors propagate, for the queue to retry the step."""
        try:
            return self._keyframe(job.id, scene_id, request)
        except ContentFilteredError as refused:
            first = refused.message
        plain = plain_keyframe_request(story, scene_id, job.settings)
        try:
            done = self._keyframe(job.id, scene_id, plain)
        except ContentFilteredError as again:
            log.warning("job %s scene %s: keyframe refused twice: %s", job.id, scene_id, first)
            return {
                "key": self.assets.image(_stand_in_painter(), plain),
                "origin": "generated",  # the provider was asked; it refused
                "stand_in": True,
                "reason": f"keyframe refused by the safety filter: {first}; refused again "
                f"without characters or action: {again.message}; painted offline instead",
            }
        log.warning("job %s scene %s: keyframe toned down: %s", job.id, scene_id, first)
        reason = (
            f"keyframe refused by the safety filter: {first}; "
            "drawn again without characters or action"
        )
        return {**done, "reason": reason}

    def _keyframe(self, job_id: str, scene_id: str, request: ImageRequest) -> dict[str, Any]:
        """One keyframe from the image provider (or the cache), charged when the provider made
        it: under its own content key, so each request asked is charged once."""
        asked = Asked(self.providers.images)
        key = self.assets.image(asked, request)
        if asked.asked:
            usd = self.price("image")
            self.charge(
                job_id, asked.id, 1, "image", usd,
                stage="keyframe", scene_id=scene_id, key=key,
            )  # fmt: skip
        return {"key": key, "origin": asked.origin}

    def step_assemble(self, job: Job, command: StepCommand, delivery: Delivery) -> None:
        def launch() -> dict[str, Any]:
            self.runner.run_assembly(job.id)
            return {}

        self.ledger.run_once(f"{job.id}:assemble", launch)

    # -- fan-in ---------------------------------------------------------------------------

    def finish_scene(self, job_id: str, scene_id: str, **fields: Any) -> None:
        """Record a scene's progress; when every scene is ready, enqueue assembly exactly once.

        The check runs in a transaction, so of two scenes finishing together only one sees
        "all ready and not yet enqueued". The enqueue itself carries a deterministic name, so
        re-running this after a crash between commit and enqueue is safe.
        """

        def apply(job: Job) -> bool:
            if job.terminal:
                return False
            scene = job.scenes[scene_id]
            for name, value in fields.items():
                setattr(scene, name, value)
            if job.kind == "preview" and scene.keyframe_key is not None:
                # A preview shows each scene's picture as soon as it exists.
                job.outputs.preview[scene_id] = scene.keyframe_key
            job.sort_scene_origins()
            job.progress = max(job.progress, job.scene_progress())
            ready = all(s.ready for s in job.scenes.values())
            if ready and not job.assemble_enqueued:
                job.assemble_enqueued = True
                job.stage = "assembly"
                job.progress = max(job.progress, STAGE_SPAN["assembly"][0])
            return ready and job.assemble_enqueued

        _, enqueue = self.jobs.mutate(job_id, apply)
        if enqueue:
            self.enqueue("step_assemble", job_id)

    def price(self, what: str) -> float:
        prices = self.settings.prices
        if what == "script":
            return prices.gemini_script_per_call if self.settings.script == "gemini" else 0.0
        if what == "image":
            return prices.gemini_image_per_image if self.settings.images == "gemini" else 0.0
        if what == "voice_1k_chars":
            if self.settings.voice != "elevenlabs":
                return 0.0
            # Flash and turbo models cost half a credit per character.
            cheap = any(k in self.settings.elevenlabs_model for k in ("flash", "turbo"))
            return prices.elevenlabs_flash_per_1k_chars if cheap else prices.elevenlabs_per_1k_chars
        if what == "video_second":
            if self.settings.video != "veo":
                return 0.0
            fast = "fast" in self.settings.veo_model
            return prices.veo_fast_per_second if fast else prices.veo_per_second
        raise ValueError(what)
