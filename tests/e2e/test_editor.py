"""Edit a finished project, re-render, preview and export: the whole chain through the REST API,
on the embedded default with offline providers (a 10 s 720p project: two scenes).

One project is made once for the module (a generate, an edit of the first scene's narration, a
re-render, a preview, then an export at each aspect); the tests read what that left behind.
Every job renders a draft (tests.support.jobs.DRAFT, 96p): what is checked is which scenes,
segments and assets each job made or reused, and where the re-rendered frames changed, which
the draft's frames show as well (its unchanged segment is the same bytes, its new caption
lines change many of its pixels). Two 720p encodes and a 360p preview were 25 of this module's
34 CPU-s; a 720p generate is checked in tests/e2e/test_pipeline.py, a 360p preview in
tests/e2e/test_brand_pipeline.py.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import functions_framework
import numpy as np
import pytest
from PIL import Image

from common.bootstrap import Services, build_services, install
from common.config import Settings
from common.domain.commands import StartJob
from common.domain.job import Job, render_for
from common.media.render.ffmpeg import ffmpeg_exe
from common.media.spec.frames import frame_grid
from common.media.spec.timeline import Timeline
from tests.support.jobs import DRAFT
from tests.support.probe import ffprobe, stream

pytestmark = pytest.mark.slow

OWNER = "editor"
HEADERS = {"Authorization": f"Bearer dev:{OWNER}"}
SMALL = {"duration_s": 10, "resolution": "720p"}
PROMPT = "A lighthouse keeper befriends a lonely whale"
NEW_LINE = "Far away, a grey whale swims through cold water, singing alone."
EXPORTS = ("9:16", "16:9", "1:1")

# Frames of an unchanged scene may differ by encoder noise only; a changed caption changes
# many pixels a lot. (Measured at 720p: noise moves under 0.001 % of pixels by more than 60
# levels, a new caption line 0.3 to 2 %. On the 96x170 draft: the reused segment's frames are
# identical, a new caption line moves 1.1 to 2.8 %.)
NOISE_MEAN = 4.0
CHANGED_LEVEL = 60
NOISE_SHARE = 5e-4
CHANGED_SHARE = 2e-3


@dataclass
class Studio:
    svc: Services
    client: Any
    project_id: str
    first: Job
    second: Job
    stale_patch: Any
    calls_before_rerender: dict[str, int]
    calls_after_rerender: dict[str, int]
    preview: Job


def _poster(client: Any) -> Callable[..., Any]:
    """POST as the owner through `client`, expecting 201 or 202; the answer's JSON."""

    def post(path: str, body: Any = None) -> Any:
        response = client.post(path, json=body, headers=HEADERS)
        assert response.status_code in (201, 202), response.get_data(as_text=True)
        return response.get_json()

    return post


def _wait(svc: Services, job_id: str) -> Job:
    assert svc.queue.wait_idle(300), "the queue did not drain"  # type: ignore[attr-defined]
    return svc.jobs.get(job_id)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    data = tmp_path_factory.mktemp("editor") / "data"
    svc = build_services(Settings.from_env({}, data_dir=data, progress_interval_s=0.0, **DRAFT))
    install(svc)
    try:
        client = functions_framework.create_app("api", "main.py").test_client()
        post = _poster(client)
        project_id = post("/v1/projects", {"prompt": PROMPT, "settings": SMALL})["id"]
        first = _wait(svc, post(f"/v1/projects/{project_id}/generate")["job_id"])
        assert first.status == "done", first.error

        revision = client.get(f"/v1/projects/{project_id}", headers=HEADERS).get_json()["revision"]
        path = f"/v1/projects/{project_id}/scenes/s01"
        edited = client.patch(
            path, json={"revision": revision, "narration": NEW_LINE}, headers=HEADERS
        )
        assert edited.status_code == 200 and edited.get_json()["revision"] == revision + 1
        stale = client.patch(
            path, json={"revision": revision, "narration": "Lost."}, headers=HEADERS
        )

        before = dict(svc.assets.calls)
        second = _wait(svc, post(f"/v1/projects/{project_id}/generate")["job_id"])
        after = dict(svc.assets.calls)

        preview = _wait(svc, post(f"/v1/projects/{project_id}/preview")["job_id"])
        yield Studio(svc, client, project_id, first, second, stale, before, after, preview)
    finally:
        install(None)
        svc.close()


@dataclass
class Exported:
    svc: Services
    calls_before_exports: dict[str, int]
    exports: dict[str, Job]
    calls_after_exports: dict[str, int]


@pytest.fixture(scope="module")
def exported(studio: Studio) -> Exported:
    """The studio's project exported at each aspect at 720p, after its re-render."""
    post = _poster(studio.client)
    before = dict(studio.svc.assets.calls)
    path = f"/v1/projects/{studio.project_id}/exports"
    exports = {
        aspect: _wait(studio.svc, post(path, {"aspect": aspect, "resolution": "720p"})["job_id"])
        for aspect in EXPORTS
    }
    return Exported(studio.svc, before, exports, dict(studio.svc.assets.calls))


# -- helpers ------------------------------------------------------------------------------------


def timeline_of(svc: Services, job: Job, workdir: Path) -> Timeline:
    assert job.story is not None
    return svc.assembler.timeline(job, job.story, workdir)


def frames(video: Path, indices: list[int], size: tuple[int, int]) -> np.ndarray:
    """The grey frames number `indices` (ascending) of `video`, decoded in one pass."""
    chosen = "+".join(f"eq(n\\,{i})" for i in indices)
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-vf", f"select={chosen}",
         "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    width, height = size
    decoded = np.frombuffer(raw, np.uint8).reshape(-1, height, width).astype(np.int16)
    assert len(decoded) == len(indices)
    return decoded


def spread(lo: int, hi: int, count: int = 8) -> list[int]:
    return sorted({round(v) for v in np.linspace(lo, hi, count)})


def srt_text(srt: str) -> str:
    """The cues' text, joined with spaces."""
    lines = [line for line in srt.splitlines() if line and not line.isdigit()]
    return " ".join(line for line in lines if "-->" not in line)


def srt_starts(text: str) -> list[float]:
    found = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) -->", text)
    return [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in found]


# -- re-render ----------------------------------------------------------------------------------


def test_a_rerender_after_a_narration_edit_regenerates_that_narration_only(studio):
    second = studio.second
    assert second.status == "done", second.error
    assert second.story is not None and second.story.scene("s01").narration == NEW_LINE
    added = {
        kind: studio.calls_after_rerender.get(kind, 0) - studio.calls_before_rerender.get(kind, 0)
        for kind in {*studio.calls_after_rerender, *studio.calls_before_rerender}
    }
    assert {k: n for k, n in added.items() if n} == {"narration": 1}
    assert (second.regenerated_scenes, second.reused_scenes) == (["s01"], ["s02"])
    origins = {
        sid: (s.narration_origin, s.keyframe_origin, s.clip_origin)
        for sid, s in second.scenes.items()
    }
    assert origins == {
        "s01": ("generated", "cached", "cached"),
        "s02": ("cached", "cached", "cached"),
    }
    first = studio.first
    assert first.scenes["s01"].keyframe_key == second.scenes["s01"].keyframe_key
    assert first.scenes["s01"].narration_key != second.scenes["s01"].narration_key


def test_the_rerender_encodes_only_the_edited_scenes_video_segment(studio):
    # s02's own frames were stored by the first render and are reused.
    assert studio.first.outputs.encoded_segments == ["s01", "s01>s02", "s02"]
    assert studio.second.outputs.encoded_segments == ["s01", "s01>s02"]


def test_the_rerendered_video_differs_only_inside_the_edited_scene(studio, tmp_path):
    svc, first, second = studio.svc, studio.first, studio.second
    old_tl = timeline_of(svc, first, tmp_path / "old")
    new_tl = timeline_of(svc, second, tmp_path / "new")
    old_grid, new_grid = frame_grid(old_tl), frame_grid(new_tl)
    size = (old_tl.width, old_tl.height)
    old_video = svc.blobs.download(first.outputs.video, tmp_path / "old.mp4")
    new_video = svc.blobs.download(second.outputs.video, tmp_path / "new.mp4")
    fps = new_tl.fps
    fade = round(old_tl.scenes[0].transition_s * fps)

    # s02 moved (s01's new line is shorter or longer), but frame k of it is the same frame.
    count = min(old_grid[1][1], new_grid[1][1])
    ks = spread(fade + 2, count - 2)
    old = frames(old_video, [old_grid[1][0] + k for k in ks], size)
    new = frames(new_video, [new_grid[1][0] + k for k in ks], size)
    for k, a, b in zip(ks, old, new, strict=True):
        diff = np.abs(a - b)
        assert diff.mean() < NOISE_MEAN, f"s02 frame {k}: mean difference {diff.mean():.2f}"
        assert (diff > CHANGED_LEVEL).mean() < NOISE_SHARE, f"s02 frame {k} changed"

    # While s01's new line is spoken, its captions differ from the old line's.
    scene = new_tl.scenes[0]
    words = scene.words
    spoken_from = round((scene.narration_offset_s + words[0].start_s) * fps) + 2
    spoken_to = min(
        round((scene.narration_offset_s + words[-1].end_s) * fps),
        old_grid[0][1] - fade,
        new_grid[0][1] - fade,
    )
    ks = spread(spoken_from, spoken_to - 2)
    old = frames(old_video, ks, size)
    new = frames(new_video, ks, size)
    changed = [
        (np.abs(a - b) > CHANGED_LEVEL).mean() > CHANGED_SHARE
        for a, b in zip(old, new, strict=True)
    ]
    assert sum(changed) >= 0.75 * len(ks), f"s01 frames {ks} changed: {changed}"


def test_captions_follow_the_new_narration(studio, tmp_path):
    svc, second = studio.svc, studio.second
    srt = svc.blobs.get(second.outputs.captions_srt).decode()
    spoken = srt_text(srt)
    assert spoken.startswith(NEW_LINE + " ")
    assert studio.first.story.scene("s01").narration not in spoken
    assert spoken.endswith(second.story.scene("s02").narration)

    timeline = timeline_of(svc, second, tmp_path / "assets")
    word_starts = [
        start + scene.narration_offset_s + word.start_s
        for start, scene in zip(timeline.starts(), timeline.scenes, strict=True)
        for word in scene.words
    ]
    for cue in srt_starts(srt):
        assert min(abs(cue - w) for w in word_starts) <= 0.150


def test_a_patch_from_a_stale_revision_is_409_and_the_edit_stands(studio):
    response = studio.stale_patch
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "stale_revision"
    story = studio.svc.projects.load(studio.project_id).story
    assert story is not None and story.scene("s01").narration == NEW_LINE


# -- preview and exports ------------------------------------------------------------------------


def test_a_preview_is_a_small_video_with_every_scenes_picture(studio, tmp_path):
    preview = studio.preview
    assert preview.status == "done", preview.error
    video = studio.svc.blobs.download(preview.outputs.video, tmp_path / "preview.mp4")
    info = stream(ffprobe(video), "video")
    assert preview.render == render_for("preview", preview.settings, draft=True)
    assert (info["width"], info["height"]) == (preview.render.width, preview.render.height)
    assert set(preview.outputs.preview) == {"s01", "s02"}
    assert all(studio.svc.blobs.exists(key) for key in preview.outputs.preview.values())
    assert preview.regenerated_scenes == []


@pytest.mark.parametrize("aspect", EXPORTS)
def test_an_export_has_its_aspects_size_and_regenerates_nothing(exported, tmp_path, aspect):
    job, svc = exported.exports[aspect], exported.svc
    assert job.status == "done", job.error
    assert job.render == render_for("export", job.settings, aspect=aspect, draft=True)
    width, height = job.render.width, job.render.height
    info = ffprobe(svc.blobs.download(job.outputs.video, tmp_path / "export.mp4"))
    assert (stream(info, "video")["width"], stream(info, "video")["height"]) == (width, height)
    assert stream(info, "audio")["codec_name"] == "aac"
    thumbnail = Image.open(svc.blobs.download(job.outputs.thumbnail, tmp_path / "t.jpg"))
    assert abs(thumbnail.width / thumbnail.height - width / height) < 0.01
    assert svc.blobs.get(job.outputs.captions_vtt).startswith(b"WEBVTT")
    assert (job.regenerated_scenes, job.reused_scenes) == ([], ["s01", "s02"])
    assert exported.calls_after_exports == exported.calls_before_exports


# -- cancel -------------------------------------------------------------------------------------


def _cancel(svc: Services, job_id: str) -> None:
    if not svc.jobs.get(job_id).terminal:
        svc.pipeline.cancel(OWNER, job_id)


def _outputs_in_blobs(svc: Services, job_id: str) -> set[str]:
    names = {"video.mp4", "thumbnail.jpg", "captions.srt", "captions.vtt"}
    return {Path(k).name for k in svc.blobs.list(f"jobs/{job_id}/")} & names


def test_a_job_cancelled_while_rendering_publishes_nothing(studio, monkeypatch):
    svc = studio.svc
    monkeypatch.setattr(svc.jobs, "report_progress", lambda job_id, *_: _cancel(svc, job_id))
    job = svc.pipeline.start(OWNER, StartJob(project_id=studio.project_id, kind="preview"))
    job = _wait(svc, job.id)
    assert (job.status, job.outputs.video, job.outputs.thumbnail) == ("cancelled", None, None)
    assert _outputs_in_blobs(svc, job.id) == set()


def test_a_job_cancelled_while_uploading_publishes_nothing_and_keeps_no_output(studio, monkeypatch):
    svc = studio.svc
    put_file = svc.blobs.put_file

    def put_then_cancel(key: str, path: Path, content_type: str = "") -> str:
        written = put_file(key, path, content_type)
        if key.endswith("captions.vtt"):  # the last output: a cancel right before publishing
            _cancel(svc, key.split("/")[1])
        return written

    monkeypatch.setattr(svc.blobs, "put_file", put_then_cancel)
    job = svc.pipeline.start(OWNER, StartJob(project_id=studio.project_id, kind="preview"))
    job = _wait(svc, job.id)
    assert (job.status, job.outputs.video) == ("cancelled", None)
    assert _outputs_in_blobs(svc, job.id) == set()
