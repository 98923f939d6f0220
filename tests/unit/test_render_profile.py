"""STORYGENIUS_RENDER_PROFILE=draft: every job's video at 96p with the fastest preset, for
development and the tests that check orchestration rather than pictures."""

from __future__ import annotations

import pytest

from common.config import Settings
from common.domain.commands import CreateProject, StartJob
from common.domain.job import render_for
from common.domain.project import ProjectSettings
from tests.support.fakes import RecordingQueue

SETTINGS = ProjectSettings(duration_s=20, resolution="1080p")


@pytest.mark.parametrize("kind", ["generate", "preview", "export"])
@pytest.mark.parametrize(
    ("aspect", "size"), [("9:16", (96, 170)), ("16:9", (170, 96)), ("1:1", (96, 96))]
)
def test_a_draft_of_any_kind_renders_at_96p_keeping_the_aspect(kind, aspect, size):
    render = render_for(kind, SETTINGS, aspect=aspect, resolution="720p", draft=True)

    assert (render.aspect, render.width, render.height) == (aspect, *size)
    assert (render.resolution, render.video_preset) == ("96p", "ultrafast")


def test_the_profile_is_full_unless_the_environment_asks_for_drafts():
    assert Settings.from_env({}).render_profile == "full"
    assert Settings.from_env({"STORYGENIUS_RENDER_PROFILE": "draft"}).render_profile == "draft"


@pytest.mark.parametrize(("profile", "width"), [("full", 1080), ("draft", 96)])
def test_a_job_started_by_a_service_takes_its_render_from_the_profile(
    make_services, profile, width
):
    svc = make_services({"render_profile": profile}, queue=RecordingQueue())
    project = svc.projects.create("u", CreateProject(prompt="A fox", settings={"aspect": "9:16"}))

    job = svc.pipeline.start("u", StartJob(project_id=project.id))

    assert svc.jobs.get(job.id).render.width == width


def test_a_drafts_soundtrack_is_the_same_graph_encoded_with_the_fast_coder():
    from pathlib import Path

    from common.media.graph.segments import audio_command
    from common.media.graph.sound import AUDIO_BITRATE
    from common.media.spec.timeline import Timeline

    scene = {"id": "s1", "visual": {"kind": "image", "path": "a.png"}, "duration_s": 2.0,
             "narration_path": "n.wav"}  # fmt: skip
    full = Timeline.model_validate({"width": 96, "height": 170, "scenes": [scene]})
    draft = full.model_copy(update={"draft_sound": True})

    full_cmd, draft_cmd = (audio_command(t, Path("a.m4a")) for t in (full, draft))

    assert draft_cmd.filter_complex == full_cmd.filter_complex
    assert full_cmd.output[full_cmd.output.index("-b:a") + 1] == AUDIO_BITRATE
    assert "-aac_coder" not in full_cmd.output
    assert draft_cmd.output[draft_cmd.output.index("-aac_coder") + 1] == "fast"
    assert draft_cmd.output[draft_cmd.output.index("-b:a") + 1] == "64k"
