"""Job media: links a browser can load a job's video, thumbnail, captions and pictures from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.errors import NotFoundError
from common.domain.job import Job
from common.services.projects.media_links import download_name, link_expiry
from functions.http import Response, json_response
from functions.routing import Call, dump, route


class JobMedia(StrictModel):
    """Links to a job's media as far as it exists, each valid until `expires_at`."""

    expires_at: datetime
    video: str | None = None
    thumbnail: str | None = None
    captions_srt: str | None = None
    captions_vtt: str | None = None
    keyframes: dict[str, str] = Field(
        default_factory=dict, description="scene id -> its keyframe picture, once painted"
    )
    clips: dict[str, str] = Field(
        default_factory=dict,
        description="scene id -> its generated clip file (Ken Burns scenes have none: their "
        "motion is rendered from the keyframe at assembly)",
    )
    references: list[str] = Field(default_factory=list, description="character/style images")
    downloads: dict[str, str] = Field(
        default_factory=dict,
        description="video, thumbnail, captions_srt, captions_vtt -> a link that saves the file "
        "under the project's title (Content-Disposition: attachment), e.g. the-keeper.mp4",
    )


def job_media_keys(job: Job) -> dict[str, Any]:
    """The blob keys a job references, shaped as JobMedia (before they become links)."""
    outputs = {
        name: getattr(job.outputs, name)
        for name in ("video", "thumbnail", "captions_srt", "captions_vtt")
        if getattr(job.outputs, name)
    }
    keyframes = {sid: s.keyframe_key for sid, s in job.scenes.items() if s.keyframe_key}
    # A preview records each scene's picture as soon as it exists.
    keyframes = {**job.outputs.preview, **keyframes}
    clips = {sid: s.clip_key for sid, s in job.scenes.items() if s.clip_key}
    return {**outputs, "keyframes": keyframes, "clips": clips, "references": job.reference_keys}


def _title(call: Call[None, None], job: Job) -> str:
    """What the job's downloads are named after: the project's title (it may have been given
    or changed since), else the story's."""
    try:
        title = call.svc.projects.get(call.owner, job.project_id).title
    except NotFoundError:  # the project is gone; its videos are kept
        title = ""
    return title or (job.story.title if job.story else "")


@route("GET", "/v1/jobs/{job_id}/media", response=JobMedia)
def job_media(call: Call[None, None]) -> Response:
    """Links to one of the caller's jobs' media: video, thumbnail, captions (SRT, WebVTT),
    each scene's keyframe and clip, the reference pictures; what does not exist yet is left
    out.

    In the cloud the links are signed Cloud Storage URLs; the local server signs links to its
    own `/media/...` route. Links made within the same hour are the same (browsers cache
    them), and each is valid for one to two hours: ask again for fresh ones. `downloads` has
    the same outputs as links that save them named after the project's title.
    """
    svc = call.svc
    job = svc.jobs.find(call.params["job_id"])
    if job is None or job.owner != call.owner:
        raise NotFoundError(f"job {call.params['job_id']} not found")
    expires = link_expiry(svc.clock.now())

    def link(key: str) -> str:
        return svc.media_links.link(key, expires)

    keys = job_media_keys(job)
    outputs = {name: key for name, key in keys.items() if isinstance(key, str)}
    title = _title(call, job)
    media = JobMedia(
        expires_at=datetime.fromtimestamp(expires, UTC),
        **{name: link(key) for name, key in outputs.items()},
        keyframes={sid: link(key) for sid, key in keys["keyframes"].items()},
        clips={sid: link(key) for sid, key in keys["clips"].items()},
        references=[link(key) for key in keys["references"]],
        downloads={
            name: svc.media_links.link(key, expires, download_name(title, key))
            for name, key in outputs.items()
        },
    )
    return json_response(dump(media))
