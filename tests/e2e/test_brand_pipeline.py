"""A project's brand kit and music setting, end to end through the REST API on the embedded
default (offline providers, a 10 s 720p project): an uploaded logo, intro and outro cards, and
the offline ambient bed because music is on and no track was uploaded.

The project is rendered as a preview: the whole pipeline and the same timeline as a generate
job (the brand and the music do not depend on the job's kind), encoded at 360p with a fast
preset, big enough to find the logo's pixels. A 720p generate encode of it was 18 CPU-s, the
whole of this module's cost."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import functions_framework
import numpy as np
import pytest

from common.bootstrap import Services, build_services, install
from common.config import Settings
from common.domain.job import Job, render_for
from common.media.graph.picture import logo_margins, logo_width
from common.services.projects.branding import luminance
from tests.support import media_files
from tests.support.media_checks import band_pass, frames_at, level_db
from tests.support.probe import decode_audio, ffprobe, stream

pytestmark = pytest.mark.slow

OWNER = "brander"
HEADERS = {"Authorization": f"Bearer dev:{OWNER}"}
LOGO_RGB = (20, 200, 60)
RATE = 48_000


@dataclass
class Made:
    svc: Services
    job: Job
    video: Path


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    tmp = tmp_path_factory.mktemp("brand")
    settings = Settings.from_env({}, data_dir=tmp / "data", progress_interval_s=0.0)
    svc = build_services(settings)
    install(svc)
    try:
        client = functions_framework.create_app("api", "main.py").test_client()

        def call(method: str, path: str, **kwargs: Any) -> Any:
            response = client.open(path, method=method, headers=HEADERS, **kwargs)
            assert response.status_code < 300, response.get_data(as_text=True)
            return response.get_json()

        brand = {"intro": {"duration_s": 1.5}, "outro": {"duration_s": 1.5, "text": "The end"}}
        chosen = {"duration_s": 10, "resolution": "720p", "music": True, "brand": brand}
        prompt = "A paper boat sails across a rainy city"
        pid = call("POST", "/v1/projects", json={"prompt": prompt, "settings": chosen})["id"]
        headers = {**HEADERS, "Content-Type": "image/png"}
        logo = media_files.png(120, 60, LOGO_RGB)
        response = client.post(f"/v1/projects/{pid}/uploads", data=logo, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
        revision = call("GET", f"/v1/projects/{pid}")["revision"]
        kit = brand | {"logo": {"upload": response.get_json()["id"], "opacity": 1.0}}
        call(
            "PATCH", f"/v1/projects/{pid}", json={"settings": {"brand": kit}, "revision": revision}
        )
        job_id = call("POST", f"/v1/projects/{pid}/preview")["job_id"]
        assert svc.queue.wait_idle(300), "the queue did not drain"  # type: ignore[attr-defined]
        job = svc.jobs.get(job_id)
        assert job.status == "done", job.error
        assert job.outputs.video is not None
        yield Made(svc, job, svc.blobs.download(job.outputs.video, tmp / "video.mp4"))
    finally:
        install(None)
        svc.close()


def test_the_video_opens_on_the_intro_card_in_the_storys_darkest_colour(made: Made) -> None:
    story = made.job.story
    assert story is not None
    darkest = min(story.style.palette, key=luminance)
    want = [int(darkest[i : i + 2], 16) for i in (1, 3, 5)]
    frame = frames_at(made.video, [24])[24]  # 0.8 s: the intro, past its fade from black
    # The card is its colour except for the title's letters.
    assert np.median(frame.reshape(-1, 3), axis=0) == pytest.approx(want, abs=8)


def test_the_logo_is_on_the_frames_in_its_corner(made: Made, tmp_path: Path) -> None:
    timeline = made.svc.assembler.timeline(made.job, made.job.story, tmp_path / "assets")
    assert timeline.logo is not None and timeline.logo.position == "top-right"
    mx, my = logo_margins(timeline)
    w = logo_width(timeline)
    info = stream(ffprobe(made.video), "video")
    width = int(info["width"])
    for n, frame in frames_at(made.video, [60, 150]).items():
        inside = frame[my + 4 : my + w // 2 - 4, width - mx - w + 4 : width - mx - 4]
        assert inside.reshape(-1, 3).mean(axis=0) == pytest.approx(LOGO_RGB, abs=10), n


def test_captions_start_after_the_intro_and_music_plays_under_the_outro(made: Made) -> None:
    srt = made.svc.blobs.get(made.job.outputs.captions_srt or "").decode()
    h, m, s, ms = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) -->", srt)[0]
    assert int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 >= 1.0  # the intro is 1.5 s
    # The outro has no narration: what plays under it is the ambient bed, fading out.
    duration = float(ffprobe(made.video)["format"]["duration"])
    audio = band_pass(decode_audio(made.video, RATE), RATE, 80.0, 700.0)
    assert level_db(audio, RATE, duration - 1.4, duration - 0.9) > -45.0


def test_the_preview_is_360_pixels_wide_on_the_fast_preset(made: Made) -> None:
    assert made.job.kind == "preview"
    assert made.job.render == render_for("preview", made.job.settings)
    assert (made.job.render.video_preset, made.job.render.resolution) == ("veryfast", "360p")
    info = stream(ffprobe(made.video), "video")
    assert (int(info["width"]), int(info["height"])) == (360, 640)
