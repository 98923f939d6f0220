"""Where a scene's moving picture comes from when it is not the video provider (`clip_source`).

- `kenburns`: the painted keyframe with Ken Burns motion; the video provider is never asked.
- `upload`: the creator's own file (common/services/projects/uploads.py). An image is the scene's
  keyframe (nothing is painted) and gets Ken Burns motion; a clip is the scene's clip, fitted by
  the assembly graph like a generated one (trimmed, slowed within limits, held, cover-cropped
  to any frame), and its first frame is the keyframe.

The motion depends on the scene's seed, mood and clip length only, as the offline provider's
does: a new narration re-times the scene without moving its picture differently. An upload's
blob key carries its content hash, so changing the file re-renders that scene alone.
"""

from __future__ import annotations

from common.domain.assets import ClipSource, Motion
from common.domain.errors import InvalidInputError, NotFoundError
from common.domain.job import Job
from common.domain.story import Scene
from common.domain.uploads import Upload
from common.media.spec.motion import plan_motion
from common.ports import BlobStore
from common.services.pipeline.context import StepContext
from common.services.pipeline.scene_requests import scene_seed
from common.services.projects.uploads import load_upload


class MissingUploadError(InvalidInputError):
    """A scene names an upload the project no longer has (or one that is not a picture)."""

    code = "upload_missing"


def scene_upload(blobs: BlobStore, job: Job, scene: Scene) -> Upload:
    """The upload scene `scene` shows; MissingUploadError (permanent) when there is none."""
    try:
        upload = load_upload(blobs, job.owner, job.project_id, scene.upload_id)
    except NotFoundError:
        message = f"scene {scene.id} shows upload {scene.upload_id!r}, which the project lacks"
        raise MissingUploadError(message, {"upload_id": message}) from None
    if upload.kind not in ("image", "clip") or upload.poster_key is None:
        message = f"scene {scene.id} shows upload {upload.id}, a {upload.kind}: not a picture"
        raise MissingUploadError(message, {"upload_id": message})
    return upload


def own_motion(job: Job, scene: Scene) -> Motion:
    """Ken Burns motion for a scene that does not ask the video provider."""
    return plan_motion(
        scene_seed(job.settings.seed, scene.id), scene.mood, float(scene.clip_seconds)
    )


def finish_own_clip(ctx: StepContext, blobs: BlobStore, job: Job, scene: Scene) -> None:
    """Record the clip of a scene whose `clip_source` is not `ai`: nothing is generated."""
    if scene.clip_source == "upload":
        upload = scene_upload(blobs, job, scene)
        if upload.kind == "clip":
            ctx.finish_scene(
                job.id, scene.id, clip="done", clip_source="uploaded", clip_origin="cached",
                clip_key=upload.key, motion=None,
            )  # fmt: skip
            return
        source: ClipSource = "uploaded"
    else:
        source = "kenburns"
    ctx.finish_scene(
        job.id, scene.id, clip="done", clip_source=source, clip_origin="cached",
        clip_key=None, motion=own_motion(job, scene),
    )  # fmt: skip
