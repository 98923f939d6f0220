"""Domain validation: settings bounds, text cleaning, command parsing that names fields."""

from __future__ import annotations

import pytest

from common.domain.commands import CreateProject, StepCommand, parse
from common.domain.errors import InvalidInputError
from common.domain.job import Job, SceneState
from common.domain.project import ProjectSettings, clean_text, frame_size


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [
        ("9:16", "1080p", (1080, 1920)),
        ("16:9", "1080p", (1920, 1080)),
        ("1:1", "1080p", (1080, 1080)),
        ("9:16", "720p", (720, 1280)),
        ("16:9", "720p", (1280, 720)),
    ],
)
def test_frame_size_follows_aspect_and_resolution(aspect, resolution, size):
    assert frame_size(aspect, resolution) == size


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": "   \n\t "}, "prompt"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"prompt": "ok", "settings": {"duration_s": 5}}, "settings.duration_s"),
        ({"prompt": "ok", "settings": {"duration_s": 181}}, "settings.duration_s"),
        ({"prompt": "ok", "settings": {"aspect": "4:5"}}, "settings.aspect"),
        ({"prompt": "ok", "settings": {"resolution": "4k"}}, "settings.resolution"),
        ({"prompt": "ok", "settings": {"caption_style": "comic"}}, "settings.caption_style"),
        ({"prompt": "ok", "colour": "red"}, "colour"),
        ({}, "prompt"),
    ],
)
def test_bad_project_input_names_the_field(data, field):
    with pytest.raises(InvalidInputError) as info:
        parse(CreateProject, data)
    assert field in info.value.fields
    assert str(info.value).startswith(field)


def test_prompts_are_normalised_and_stripped_of_control_characters():
    command = parse(CreateProject, {"prompt": "  Cafe\u0301\x00 by\r\nthe   sea\u200b "})
    assert command.prompt == "Café by\nthe sea\u200b"  # a prompt keeps its line breaks
    assert clean_text("a\tb\r\nc") == "a b c"


def test_default_settings_make_a_30_second_vertical_short():
    settings = ProjectSettings()
    assert (settings.duration_s, settings.aspect, settings.size) == (30, "9:16", (1080, 1920))


def test_step_commands_reject_missing_job_ids_and_negative_polls():
    with pytest.raises(InvalidInputError) as info:
        parse(StepCommand, {"poll": -1})
    assert set(info.value.fields) == {"job_id", "poll"}


def test_scene_progress_counts_three_steps_per_scene():
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    job = Job(
        id="j",
        owner="o",
        project_id="p",
        settings=ProjectSettings(),
        scenes={"a": SceneState(narration="done"), "b": SceneState(narration="done", clip="done")},
        created_at=now,
        updated_at=now,
    )
    # 3 of 6 steps done -> halfway through the scenes stage (15..80).
    assert job.scene_progress() == 15 + 65 * 3 // 6


def test_job_writes_name_only_the_scene_fields_that_changed():
    from common.services.pipeline.jobs import changed_paths

    before = {"progress": 10, "scenes": {"s1": {"clip": "running", "narration": "done"}},
              "cost": {"espeak-ng/1.52": {"units": 1}}}  # fmt: skip
    after = {"progress": 20, "scenes": {"s1": {"clip": "done", "narration": "done"}},
             "cost": {"espeak-ng/1.52": {"units": 2}}}  # fmt: skip
    assert changed_paths(before, after) == {
        "progress": 20,
        "scenes.s1.clip": "done",
        "cost": {"espeak-ng/1.52": {"units": 2}},
    }


def test_a_storyboard_scene_is_ready_with_its_picture_and_a_script_job_runs_no_scene_step():
    from datetime import UTC, datetime

    from common.domain.job import Job, SceneState
    from common.domain.project import ProjectSettings

    now = datetime(2026, 1, 1, tzinfo=UTC)

    def job(kind: str, narrate: bool = False) -> Job:
        return Job(
            id="j", owner="o", project_id="p", kind=kind, with_narration=narrate,
            settings=ProjectSettings(), created_at=now, updated_at=now, scene_ids=["s1"],
            scenes={"s1": SceneState(keyframe="done")},
        )  # fmt: skip

    assert job("storyboard").scenes_ready and job("storyboard").scene_progress() == 80
    assert not job("storyboard", narrate=True).scenes_ready
    assert not job("generate").scenes_ready and job("generate").scene_progress() == 15 + 65 // 3
    assert job("script").scene_steps == ()
