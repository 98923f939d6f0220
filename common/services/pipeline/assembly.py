"""Assembly: fetch a job's scene assets, build the Timeline, render, publish the outputs.

The video is encoded in per-scene segments kept in the blob store by a hash of what their
pixels depend on (common/media/render/segmented.py, cache/segments/): a job after an edit
encodes only the segments the edit touched and joins the rest by stream copy. Scene lengths
are whole frames, so a scene that only moved in time (an earlier line grew) keeps its segment.
The job's `outputs.encoded_segments` names the scenes whose segment it encoded.

The same code runs in-process (embedded default) and as the Cloud Run job's main(). It is
idempotent: a job that already has its video is left alone, and outputs are written under the
job's own prefix before the job document points at them, so nothing half-written is ever
published as a result.

Cancellation is checked before the render, before each segment, before the upload and when
publishing: a job cancelled meanwhile never gets outputs, and what was uploaded for it is
deleted again. (A segment being encoded runs to its end: ffmpeg is not interrupted.)

A worker killed mid-render takes its ffmpeg with it (media.render.ffmpeg.die_with_parent), and
the next assembly on the machine removes its render folders (media.render.scratch). In-process,
the render runs inside the assemble step's claim, which the step ledger renews while it works:
the claim of a killed worker expires within a lease (`step_lease_s`) and the sweeper starts the
assembly again. (A Cloud Run job execution that dies is retried by Cloud Run itself.)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.config import Settings
from common.domain.errors import CancelledError, InvalidInputError, StoryGeniusError
from common.domain.job import Job, JobError, JobOutputs
from common.domain.pacing import FPS, LEAD_IN_S, scene_length, transition_overlap
from common.domain.story import Story
from common.media.render.scratch import scratch_dir, sweep_scratch
from common.media.spec.timeline import ImageVisual, Timeline, TimelineScene, VideoVisual
from common.ports import BlobStore, Clock
from common.services.pipeline.assets import AssetCache, BlobSegmentCache
from common.services.pipeline.jobs import JobRepository
from common.services.pipeline.scene_requests import drafted
from common.services.projects.branding import brand_fields
from common.services.projects.projects import ProjectService
from common.services.projects.uploads import load_upload

if TYPE_CHECKING:  # the renderer loads only where a video is made
    from common.media.render.segmented import SegmentReport

log = logging.getLogger(__name__)


OUTPUTS = {
    "video": ("video.mp4", "video/mp4"),
    "thumbnail": ("thumbnail.jpg", "image/jpeg"),
    "captions_srt": ("captions.srt", "application/x-subrip"),
    "captions_vtt": ("captions.vtt", "text/vtt"),
}


class Assembler:
    def __init__(
        self,
        *,
        settings: Settings,
        projects: ProjectService,
        jobs: JobRepository,
        assets: AssetCache,
        blobs: BlobStore,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.projects = projects
        self.jobs = jobs
        self.assets = assets
        self.blobs = blobs
        self.clock = clock

    def run(self, job_id: str, encoded_before: Sequence[str] = ()) -> Job:
        """Assemble the job's video and mark the job done (or failed, naming the stage).
        `encoded_before`: segments encoded for this render by other processes (the tasks of
        a spread assembly), reported with those this run encodes."""
        job = self.jobs.get(job_id)
        if job.terminal:
            return job
        # What renders killed on this machine left behind (their processes are gone).
        sweep_scratch()
        try:
            with scratch_dir(f"job-{job_id}") as tmp:
                outputs = self._render(job, tmp, encoded_before)
        except CancelledError:
            return self.jobs.get(job_id)
        except StoryGeniusError as exc:
            self.jobs.fail(
                job_id,
                JobError(stage="assembly", code=exc.code, message=exc.message, retryable=False),
            )
            return self.jobs.get(job_id)

        def finish(j: Job) -> bool:
            if j.terminal:
                return False
            # Outputs the job already has (a preview's scene pictures) stay.
            j.outputs = outputs.model_copy(update={"preview": j.outputs.preview})
            j.status = "done"
            j.stage = "done"
            j.progress = 100
            j.finished_at = self.clock.now()
            return True

        job, published = self.jobs.mutate(job_id, finish)
        if not published:
            self._discard(job, outputs)
        return job

    def job_timeline(self, job: Job, workdir: Path) -> Timeline:
        """The timeline of the job's story (its snapshot, else the project's), with every
        asset fetched into `workdir`."""
        story = job.story or self.projects.load(job.project_id).story
        if story is None:
            raise StoryGeniusError(f"project {job.project_id} has no story")
        return self.timeline(job, story, workdir)

    def timeline(self, job: Job, story: Story, workdir: Path) -> Timeline:
        """The job's Timeline, with every asset fetched into `workdir`."""
        scenes = []
        for index, scene_id in enumerate(job.scene_ids):
            state = job.scenes[scene_id]
            scene = story.scene(scene_id)
            if state.narration_key is None or state.keyframe_key is None:
                raise StoryGeniusError(f"scene {scene_id} is not ready for assembly")
            manifest = self.assets.load_narration(state.narration_key)
            audio = self._fetch(manifest.audio_key, workdir)
            visual: ImageVisual | VideoVisual
            if state.clip_key:
                visual = VideoVisual(path=self._fetch(state.clip_key, workdir))
            else:
                keyframe = self._fetch(state.keyframe_key, workdir)
                visual = (
                    ImageVisual(path=keyframe, motion=state.motion)
                    if state.motion
                    else ImageVisual(path=keyframe)
                )
            transition = scene.transition or job.settings.transition
            last = index == len(job.scene_ids) - 1
            # The length the narration step stored (common/domain/pacing.py: whole frames, so
            # a scene that moves in time keeps its encoded segment, media/render/segment_keys.py).
            overlap = transition_overlap(transition, last=last)
            duration = state.duration_s
            if duration is None:  # a job narrated before scene lengths were stored
                duration = scene_length(manifest.duration_s, transition, last=last)
            scenes.append(
                TimelineScene(
                    id=scene_id,
                    visual=visual,
                    duration_s=duration,
                    narration_path=audio,
                    narration_offset_s=LEAD_IN_S,
                    words=manifest.words,
                    text=scene.narration,
                    transition=transition,
                    transition_s=overlap,
                )
            )
        render = job.render
        encoder: dict[str, Any] = {}
        if render.video_preset is not None:
            encoder["video_preset"] = render.video_preset
        if render.crf is not None:
            encoder["crf"] = render.crf
        if drafted(job):
            encoder["draft_sound"] = True
        music = None
        if job.settings.music_upload:  # the creator's own track
            track = load_upload(self.blobs, job.owner, job.project_id, job.settings.music_upload)
            music = self._fetch(track.key, workdir)
        elif job.settings.music:  # music wanted, no track given: the offline ambient bed
            from common.media.sources.music import ambient_bed

            music = ambient_bed(workdir / "ambient_bed.wav")
        brand = brand_fields(job.settings.brand, story, self._logo(job, workdir))
        return Timeline(
            width=render.width,
            height=render.height,
            fps=FPS,
            title=story.title,
            language=story.language,
            caption_style=job.settings.caption_style,
            scenes=scenes,
            music_path=music,
            **encoder,
            **brand,
        )

    def _logo(self, job: Job, workdir: Path) -> Path | None:
        """The brand kit's logo image fetched into `workdir`, if the kit has one."""
        logo = job.settings.brand.logo
        if logo is None:
            return None
        image = load_upload(self.blobs, job.owner, job.project_id, logo.upload)
        if image.kind != "image":
            raise InvalidInputError(
                "the brand logo must be an image upload",
                {"settings.brand.logo.upload": f"{logo.upload} is a {image.kind} upload"},
            )
        return self._fetch(image.key, workdir)

    def _discard(self, job: Job, outputs: JobOutputs) -> None:
        """Delete outputs uploaded for a job that ended (was cancelled) before they were
        published: they were never the job's result, and nothing must point at them later."""
        log.info("job %s ended during assembly; discarding its outputs", job.id)
        # A second assembly of a job another one finished wrote the same keys: those are the
        # job's published outputs now, not leftovers.
        kept = {getattr(job.outputs, field) for field in OUTPUTS}
        for field in OUTPUTS:
            key = getattr(outputs, field)
            if key is not None and key not in kept:
                self.blobs.delete(key)

    def _fetch(self, key: str, workdir: Path) -> Path:
        dest = workdir / "assets" / key.replace("/", "__")
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            self.blobs.download(key, dest)
        return dest

    def _render(self, job: Job, workdir: Path, encoded_before: Sequence[str]) -> JobOutputs:
        # heavy: only where a video is made
        from common.media.render.assemble import assemble

        if self.jobs.mark_running(job.id, "assembly").terminal:
            raise CancelledError(f"job {job.id} ended before assembly")
        timeline = self.job_timeline(job, workdir)
        out = workdir / "out"
        out.mkdir()
        # Per-scene segments, cached by content in the blob store: after an edit only the
        # segments it touched are encoded again (common/media/render/segmented.py).
        cache = BlobSegmentCache(self.blobs)
        result = assemble(
            timeline,
            out,
            fetch_segment=cache.fetch,
            store_segment=cache.store,
            progress=lambda f: self.jobs.report_progress(job.id, "assembly", f),
            workers=self.settings.segment_workers,
            stop=lambda: self.jobs.get(job.id).terminal,  # cancelled: no more segments
        )
        if self.jobs.get(job.id).terminal:
            raise CancelledError(f"job {job.id} ended during assembly")
        prefix = f"jobs/{job.id}/"
        paths = {
            "video": result.video,
            "thumbnail": result.thumbnail,
            "captions_srt": result.captions_srt,
            "captions_vtt": result.captions_vtt,
        }
        keys = {}
        for field, (name, content_type) in OUTPUTS.items():
            keys[field] = self.blobs.put_file(prefix + name, paths[field], content_type)
        return JobOutputs(
            **keys,
            duration_s=round(result.duration_s, 3),
            width=result.width,
            height=result.height,
            encoded_segments=_encoded(result.segments, encoded_before),
        )


def _encoded(report: SegmentReport, before: Sequence[str]) -> list[str]:
    """The segments this run encoded and those `before` names, in the video's order (a run
    in one pass names scenes, and has no keys)."""
    names = list(report.keys) or report.encoded
    return [name for name in names if name in report.encoded or name in before]
