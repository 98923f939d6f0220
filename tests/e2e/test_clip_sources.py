"""Clip sources, uploads and segment reuse, end to end through the REST API on the embedded
default (offline providers, 15 s: three scenes), rendered as drafts (tests.support.jobs.DRAFT):
what is checked (which segments are encoded, frames equal to the bit, colours filling a scene,
the soundtrack) holds at any frame size.

One project is made once for the module: a first generate; an edit of s02's narration and a
re-render; then s01 shows an uploaded clip, s02 an uploaded image, s03 plain Ken Burns, the
project plays an uploaded track, and it is rendered again. The tests read what that left.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import functions_framework
import numpy as np
import pytest

from common.adapters.offline.kenburns import OfflineVideoGenerator
from common.bootstrap import Services, build_services, install
from common.config import Settings
from common.domain.assets import ClipOperation, ClipRequest
from common.domain.job import Job
from common.media.spec.frames import frame_grid
from common.services.pipeline.assets import BlobSegmentCache
from tests.support import media_files
from tests.support.jobs import DRAFT
from tests.support.media_checks import frames_at
from tests.support.probe import band_energy, decode_audio, ffprobe, stream

pytestmark = pytest.mark.slow

OWNER = "maker"
HEADERS = {"Authorization": f"Bearer dev:{OWNER}"}
PROMPT = "A lighthouse keeper befriends a lonely whale"
NEW_LINE = "The whale answers with a long, low song across the bay."
TONE_HZ = 440.0


@dataclass
class CountingVideo:
    """The offline Ken Burns provider, counting the clips it was asked to start."""

    inner: OfflineVideoGenerator = field(default_factory=OfflineVideoGenerator)
    id: str = OfflineVideoGenerator.id
    started: list[str] = field(default_factory=list)

    def start(self, request: ClipRequest) -> ClipOperation:
        self.started.append(request.image_key)
        return self.inner.start(request)

    def poll(self, operation_name: str) -> ClipOperation:
        return self.inner.poll(operation_name)


@dataclass
class Made:
    svc: Services
    video: CountingVideo
    first: Job
    edited: Job
    sourced: Job
    segments: list[int]  # segment blobs stored after each job
    starts: list[int]  # clips the video provider was asked for after each job
    uploads: dict[str, Any]


def _segments(svc: Services) -> int:
    return len(svc.blobs.list(BlobSegmentCache.PREFIX))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    tmp = tmp_path_factory.mktemp("sources")
    video = CountingVideo()
    settings = Settings.from_env({}, data_dir=tmp / "data", progress_interval_s=0.0, **DRAFT)
    svc = build_services(settings, video=video)
    install(svc)
    try:
        client = functions_framework.create_app("api", "main.py").test_client()

        def call(method: str, path: str, **kwargs: Any) -> Any:
            response = client.open(path, method=method, headers=HEADERS, **kwargs)
            assert response.status_code < 300, response.get_data(as_text=True)
            return response.get_json()

        def generate(project_id: str) -> Job:
            job_id = call("POST", f"/v1/projects/{project_id}/generate")["job_id"]
            assert svc.queue.wait_idle(600), "the queue did not drain"  # type: ignore[attr-defined]
            job = svc.jobs.get(job_id)
            assert job.status == "done", job.error
            segments.append(_segments(svc))
            starts.append(len(video.started))
            return job

        segments: list[int] = []
        starts: list[int] = []
        settings_json = {"duration_s": 15, "resolution": "720p"}
        project = call("POST", "/v1/projects", json={"prompt": PROMPT, "settings": settings_json})
        pid = project["id"]
        first = generate(pid)

        revision = call("GET", f"/v1/projects/{pid}")["revision"]
        body = {"revision": revision, "narration": NEW_LINE}
        call("PATCH", f"/v1/projects/{pid}/scenes/s02", json=body)
        edited = generate(pid)

        def upload(data: bytes, content_type: str) -> Any:
            headers = {**HEADERS, "Content-Type": content_type}
            response = client.post(f"/v1/projects/{pid}/uploads", data=data, headers=headers)
            assert response.status_code == 201, response.get_data(as_text=True)
            return response.get_json()

        uploads = {
            "clip": upload(media_files.clip(tmp, 2.0, "320x240", "red"), "video/mp4"),
            "image": upload(media_files.png(300, 200, (30, 60, 230)), "image/png"),
            "music": upload(media_files.wav(3.0, TONE_HZ), "audio/wav"),
        }
        revision = call("GET", f"/v1/projects/{pid}")["revision"]
        for scene_id, changes in (
            ("s01", {"clip_source": "upload", "upload_id": uploads["clip"]["id"]}),
            ("s02", {"clip_source": "upload", "upload_id": uploads["image"]["id"]}),
            ("s03", {"clip_source": "kenburns"}),
        ):
            body = {"revision": revision, **changes}
            revision = call("PATCH", f"/v1/projects/{pid}/scenes/{scene_id}", json=body)["revision"]
        music = {"settings": {"music_upload": uploads["music"]["id"]}, "revision": revision}
        call("PATCH", f"/v1/projects/{pid}", json=music)
        sourced = generate(pid)
        yield Made(svc, video, first, edited, sourced, segments, starts, uploads)
    finally:
        install(None)
        svc.close()


# -- segment reuse ------------------------------------------------------------------------------


def test_a_narration_edit_reencodes_its_scene_and_the_transitions_around_it_only(made):
    assert made.first.outputs.encoded_segments == ["s01", "s01>s02", "s02", "s02>s03", "s03"]
    assert made.edited.outputs.encoded_segments == ["s01>s02", "s02", "s02>s03"]
    assert made.segments[1] - made.segments[0] == 3
    assert made.edited.regenerated_scenes == ["s02"]
    assert made.starts[1] == made.starts[0] == 3  # the clips came from the cache


def test_the_scene_after_the_edit_is_the_same_frames_only_later(made, tmp_path):
    svc = made.svc
    old = svc.assembler.timeline(made.first, made.first.story, tmp_path / "old")
    new = svc.assembler.timeline(made.edited, made.edited.story, tmp_path / "new")
    (old_first, count), (new_first, _) = frame_grid(old)[2], frame_grid(new)[2]
    fade = round(old.scenes[1].transition_s * old.fps)
    ks = [fade, count // 2, count - 1]
    before = frames_at(svc.blobs.download(made.first.outputs.video, tmp_path / "a.mp4"),
                       [old_first + k for k in ks])  # fmt: skip
    after = frames_at(svc.blobs.download(made.edited.outputs.video, tmp_path / "b.mp4"),
                      [new_first + k for k in ks])  # fmt: skip
    for k in ks:
        assert np.array_equal(before[old_first + k], after[new_first + k]), f"s03 frame {k}"


# -- clip sources -------------------------------------------------------------------------------


def test_kenburns_and_uploads_never_ask_the_video_provider(made):
    assert made.starts[2] == made.starts[1]
    scenes = made.sourced.scenes
    assert (scenes["s03"].clip, scenes["s03"].clip_source) == ("done", "kenburns")
    assert scenes["s03"].clip_key is None and scenes["s03"].motion is not None
    assert scenes["s03"].keyframe_key == made.edited.scenes["s03"].keyframe_key


def test_an_uploaded_clip_is_the_scenes_clip_and_its_first_frame_the_keyframe(made):
    s01, clip = made.sourced.scenes["s01"], made.uploads["clip"]
    assert (s01.clip_source, s01.clip_key, s01.keyframe_key) == (
        "uploaded",
        clip["key"],
        clip["poster_key"],
    )


def test_an_uploaded_image_is_the_keyframe_and_moves(made):
    s02, image = made.sourced.scenes["s02"], made.uploads["image"]
    assert (s02.clip_source, s02.keyframe_key, s02.clip_key) == ("uploaded", image["key"], None)
    assert s02.motion is not None and s02.motion.start != s02.motion.end


def test_the_uploads_fill_their_scenes_cover_cropped_to_the_frame(made, tmp_path):
    svc, job = made.svc, made.sourced
    video = svc.blobs.download(job.outputs.video, tmp_path / "v.mp4")
    info = stream(ffprobe(video), "video")
    width, height = job.render.width, job.render.height
    assert (info["width"], info["height"]) == (width, height) and height > width
    timeline = svc.assembler.timeline(job, job.story, tmp_path / "assets")
    grid = frame_grid(timeline)
    # The middle of s01 (a red 4:3 clip, slowed and held) and of s02 (a blue landscape still).
    middle = {sid: first + count // 2 for sid, (first, count) in zip(("s01", "s02"), grid[:2],
                                                                        strict=True)}  # fmt: skip
    frames = frames_at(video, list(middle.values()))
    # The top 9/16 of the frame (above the captions).
    top = {
        sid: frames[k][: height * 9 // 16].reshape(-1, 3).mean(axis=0) for sid, k in middle.items()
    }
    red, blue = top["s01"], top["s02"]
    assert red[0] > 180 and red[1] < 60 and red[2] < 60, red
    assert blue[2] > 180 and blue[0] < 80, blue


def test_the_uploaded_track_plays_between_the_lines(made, tmp_path):
    svc, rate, window = made.svc, 48_000, 12_000
    before = decode_audio(svc.blobs.download(made.edited.outputs.video, tmp_path / "a.mp4"))
    after = decode_audio(svc.blobs.download(made.sourced.outputs.video, tmp_path / "b.mp4"))
    assert len(before) == len(after)  # the same narration, timed the same
    # Where the first render is silent (between two scenes' lines), the tone is heard.
    pauses = [
        k
        for k in range(0, len(before) - window, window)
        if np.sqrt((before[k : k + window] ** 2).mean()) < 1e-3
    ]
    assert pauses, "the narration has no pause to listen in"
    for k in pauses:
        part = after[k : k + window]
        assert np.sqrt((part**2).mean()) > 0.004, f"silence at {k / rate:.2f} s"
        tone = band_energy(part, rate, TONE_HZ - 20, TONE_HZ + 20)
        assert tone > 0.5 * band_energy(part, rate, 20, 20_000), f"not the tone at {k / rate} s"
    assert made.sourced.settings.music_upload == made.uploads["music"]["id"]


def test_uploads_are_stored_under_the_owners_project(made):
    for upload in made.uploads.values():
        assert upload["key"].startswith(f"uploads/{OWNER}/{made.first.project_id}/")
        assert made.svc.blobs.exists(upload["key"])
    assert Path(made.uploads["clip"]["poster_key"]).suffix == ".png"
