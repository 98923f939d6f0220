"""The story editor: validated, versioned edits; and what each edit makes the pipeline redo."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common.adapters.local.sqlite_store import SqliteDocumentStore
from common.domain.commands import (
    DeleteScene,
    InsertScene,
    ReorderScenes,
    UpdateScene,
    UpdateStyle,
    parse,
)
from common.domain.errors import InvalidInputError, NotFoundError
from common.domain.job import Job, SceneState, render_for
from common.domain.project import ProjectSettings
from common.domain.story import Character, Scene, Story, StyleBible
from common.services.pipeline.scene_requests import (
    clip_request,
    keyframe_request,
    narration_request,
    narrator_uses_context,
    scene_seed,
)
from common.services.projects.editor import SceneNotFoundError, StoryEditor, next_scene_id
from common.services.projects.projects import NoStoryError, ProjectService, StaleRevisionError

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SETTINGS = ProjectSettings(duration_s=20, resolution="720p", seed=7)


class Clock:
    def now(self) -> datetime:
        return NOW


def a_story() -> Story:
    return Story(
        title="The Keeper",
        style=StyleBible(
            visual_style="ink",
            palette=["#112233", "#445566", "#778899"],
            characters=[
                Character(id="keeper", name="Ada", description="an old keeper in a blue coat"),
                Character(id="whale", name="Marlow", description="a grey whale"),
            ],
        ),
        scenes=[
            Scene(id="s01", beat="hook", narration="Night falls.", visual_prompt="a tower",
                  characters=["keeper"]),
            Scene(id="s02", beat="development", narration="A whale sings.",
                  visual_prompt="a whale in the bay", characters=["whale"], mood="hopeful"),
            Scene(id="s03", beat="resolution", narration="They are friends.",
                  visual_prompt="both at dawn", characters=["keeper", "whale"]),
        ],
    )  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with SqliteDocumentStore(tmp_path / "db.sqlite3") as store:
        yield store


@pytest.fixture
def projects(store):
    return ProjectService(store, Clock())


@pytest.fixture
def editor(projects):
    return StoryEditor(projects)


@pytest.fixture
def project(projects):
    """Alice's project with a written story, at revision 1."""
    from common.domain.commands import CreateProject

    created = projects.create("alice", CreateProject(prompt="A keeper and a whale"))
    return projects.save_story(created.id, a_story())


def edit(**fields) -> UpdateScene:
    return parse(UpdateScene, {"revision": 1, **fields})


# -- scene edits ------------------------------------------------------------------------------


def test_a_scene_edit_changes_only_the_fields_sent_and_bumps_the_revision(
    editor, projects, project
):
    edited = editor.update_scene("alice", project.id, "s02", edit(narration="A whale hums."))
    assert edited.revision == 2
    before, after = a_story(), edited.story
    assert after.scene("s02") == before.scene("s02").model_copy(
        update={"narration": "A whale hums."}
    )
    assert [after.scene(i) for i in ("s01", "s03")] == [before.scene(i) for i in ("s01", "s03")]
    assert projects.load(project.id) == edited


def test_an_edit_from_a_stale_revision_is_refused_and_writes_nothing(editor, projects, project):
    editor.update_scene("alice", project.id, "s01", edit(on_screen_text="First tab"))
    with pytest.raises(StaleRevisionError):
        editor.update_scene("alice", project.id, "s01", edit(on_screen_text="Second tab"))
    stored = projects.load(project.id)
    assert (stored.revision, stored.story.scene("s01").on_screen_text) == (2, "First tab")


def test_an_edit_that_changes_nothing_writes_nothing(editor, projects, project):
    same = editor.update_scene("alice", project.id, "s01", edit(narration="Night falls."))
    assert same.revision == 1 and projects.load(project.id) == project


def test_editing_a_missing_scene_or_story_or_another_users_project_is_not_found(
    editor, projects, project
):
    with pytest.raises(SceneNotFoundError):
        editor.update_scene("alice", project.id, "s99", edit(narration="x"))
    with pytest.raises(NotFoundError):
        editor.update_scene("bob", project.id, "s01", edit(narration="x"))
    from common.domain.commands import CreateProject

    bare = projects.create("alice", CreateProject(prompt="No story yet"))
    with pytest.raises(NoStoryError):
        editor.update_scene("alice", bare.id, "s01", parse(UpdateScene, {"revision": 0}))


def test_a_scene_may_only_name_characters_of_the_style_bible(editor, projects, project):
    with pytest.raises(InvalidInputError) as caught:
        editor.update_scene("alice", project.id, "s01", edit(characters=["keeper", "ghost"]))
    assert "characters" in caught.value.fields
    assert projects.load(project.id).revision == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"narration": "x"}, "revision"),
        ({"revision": 1, "narration": ""}, "narration"),
        ({"revision": 1, "narration": None}, "narration"),
        ({"revision": 1, "clip_seconds": 5}, "clip_seconds"),
        ({"revision": 1, "mood": "angry"}, "mood"),
        ({"revision": 1, "transition": "wipe"}, "transition"),
        ({"revision": 1, "beat": "turn"}, "beat"),
        ({"revision": 1, "on_screen_text": "x" * 121}, "on_screen_text"),
        ({"revision": -1}, "revision"),
    ],
)
def test_a_bad_scene_edit_names_the_field(body, field):
    with pytest.raises(InvalidInputError) as caught:
        parse(UpdateScene, body)
    assert field in caught.value.fields


def test_edited_text_is_cleaned_like_a_prompt():
    command = parse(UpdateScene, {"revision": 1, "narration": "  Night\n falls.\x07 "})
    assert command.given(exclude={"revision"}) == {"narration": "Night falls."}


# -- insert, delete, reorder ------------------------------------------------------------------


def test_a_scene_is_inserted_where_asked_with_a_new_numbered_id(editor, project):
    command = parse(
        InsertScene,
        {"revision": 1, "index": 1, "scene": {"narration": "Fog.", "visual_prompt": "fog"}},
    )
    edited = editor.insert_scene("alice", project.id, command)
    assert [s.id for s in edited.story.scenes] == ["s01", "s04", "s02", "s03"]
    assert edited.story.scene("s04").beat == "development" and edited.revision == 2


def test_a_scene_without_an_index_goes_last_and_keeps_its_own_id(editor, project):
    scene = {"id": "coda", "narration": "The end.", "visual_prompt": "sea"}
    edited = editor.insert_scene(
        "alice", project.id, parse(InsertScene, {"revision": 1, "scene": scene})
    )
    assert [s.id for s in edited.story.scenes][-1] == "coda"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"index": 4}, "index"),
        ({"scene": {"id": "s02", "narration": "x", "visual_prompt": "y"}}, "scene.id"),
        (
            {"scene": {"narration": "x", "visual_prompt": "y", "characters": ["ghost"]}},
            "scene.characters",
        ),
    ],
)
def test_a_bad_insert_names_the_field_and_writes_nothing(editor, projects, project, body, field):
    data = {"revision": 1, "scene": {"narration": "x", "visual_prompt": "y"}, **body}
    with pytest.raises(InvalidInputError) as caught:
        editor.insert_scene("alice", project.id, parse(InsertScene, data))
    assert field in caught.value.fields
    assert projects.load(project.id).revision == 1


def test_next_scene_ids_follow_the_numbering_and_skip_taken_ids():
    story = a_story()
    assert next_scene_id(story) == "s04"
    scenes = [*story.scenes, story.scenes[0].model_copy(update={"id": "s04x"})]
    assert next_scene_id(story.model_copy(update={"scenes": scenes})) == "s04"


def test_a_scene_is_deleted_but_never_the_last_one(editor, project):
    edited = editor.delete_scene("alice", project.id, "s02", DeleteScene(revision=1))
    assert [s.id for s in edited.story.scenes] == ["s01", "s03"]
    edited = editor.delete_scene("alice", project.id, "s01", DeleteScene(revision=2))
    with pytest.raises(InvalidInputError) as caught:
        editor.delete_scene("alice", project.id, "s03", DeleteScene(revision=3))
    assert "scene_id" in caught.value.fields


def test_scenes_are_reordered(editor, project):
    command = ReorderScenes(revision=1, order=["s03", "s01", "s02"])
    edited = editor.reorder_scenes("alice", project.id, command)
    assert [s.id for s in edited.story.scenes] == ["s03", "s01", "s02"]
    assert edited.story.scene("s03") == a_story().scene("s03")


@pytest.mark.parametrize(
    "order", [["s01", "s02"], ["s01", "s02", "s03", "s04"], ["s01", "s01", "s02", "s03"]]
)
def test_an_order_that_is_not_every_scene_once_is_refused(editor, projects, project, order):
    with pytest.raises(InvalidInputError) as caught:
        editor.reorder_scenes("alice", project.id, ReorderScenes(revision=1, order=order))
    assert "order" in caught.value.fields
    assert projects.load(project.id).revision == 1


# -- style ------------------------------------------------------------------------------------


def test_the_style_bible_is_edited_field_by_field(editor, project):
    command = parse(UpdateStyle, {"revision": 1, "lighting": "moonlight"})
    edited = editor.update_style("alice", project.id, command)
    assert edited.story.style == a_story().style.model_copy(update={"lighting": "moonlight"})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"palette": ["#112233", "red", "#778899"]}, "palette"),
        ({"palette": ["#112233"]}, "palette"),
        ({"characters": []}, "characters"),  # scenes still name both
    ],
)
def test_a_style_edit_that_breaks_the_story_names_the_field(editor, projects, project, body, field):
    with pytest.raises(InvalidInputError) as caught:
        editor.update_style("alice", project.id, parse(UpdateStyle, {"revision": 1, **body}))
    assert field in caught.value.fields
    assert projects.load(project.id).revision == 1


# -- what an edit makes the pipeline redo ------------------------------------------------------


def with_scene(story: Story, scene_id: str, **changes) -> Story:
    scenes = [s.model_copy(update=changes) if s.id == scene_id else s for s in story.scenes]
    return Story.model_validate({**story.model_dump(), "scenes": [s.model_dump() for s in scenes]})


def visual_requests(story: Story, scene_id: str) -> tuple[object, object]:
    keyframe = keyframe_request(story, scene_id, SETTINGS, [b"ref"])
    clip = clip_request(
        story,
        scene_id,
        SETTINGS,
        keyframe_key="k.png",
        image_uri="file:///k.png",
        output_prefix="p/",
    )
    return keyframe.fingerprint(), clip


def test_a_narration_edit_leaves_every_keyframe_and_clip_request_as_it_was():
    before = a_story()
    after = with_scene(before, "s02", narration="A whale hums a long, long, very long song.")
    for scene_id in ("s01", "s02", "s03"):
        assert visual_requests(after, scene_id) == visual_requests(before, scene_id)


def test_a_visual_edit_changes_that_scenes_keyframe_and_clip_only():
    before = a_story()
    after = with_scene(before, "s02", visual_prompt="a whale under the moon")
    assert visual_requests(after, "s02") != visual_requests(before, "s02")
    assert visual_requests(after, "s01") == visual_requests(before, "s01")


def test_a_clip_lasts_the_scenes_clip_seconds_whatever_the_narration():
    story = with_scene(a_story(), "s02", clip_seconds=8, narration="Short.")
    assert visual_requests(story, "s02")[1].duration_s == 8


@pytest.mark.parametrize("uses_context", [False, True])
def test_neighbours_narration_requests_change_only_for_a_narrator_that_reads_context(uses_context):
    before = a_story()
    after = with_scene(before, "s02", narration="A whale hums.")
    changed = {
        scene_id
        for scene_id in ("s01", "s02", "s03")
        if narration_request(after, scene_id, SETTINGS, uses_context=uses_context)
        != narration_request(before, scene_id, SETTINGS, uses_context=uses_context)
    }
    assert changed == ({"s01", "s02", "s03"} if uses_context else {"s02"})


def test_a_narrator_reads_context_only_when_it_says_so():
    class Elevenish:
        uses_context = True

    assert narrator_uses_context(Elevenish()) and not narrator_uses_context(object())


def test_seeds_follow_the_scene_not_its_position():
    story = a_story()
    moved = story.model_copy(update={"scenes": list(reversed(story.scenes))})
    for scene_id in ("s01", "s02", "s03"):
        assert visual_requests(moved, scene_id) == visual_requests(story, scene_id)
    # Written scenes keep the seeds positions gave them (s01 first), so Ken Burns alternates.
    assert [scene_seed(7, i) for i in ("s01", "s02", "s03")] == [7000, 7001, 7002]
    assert 7000 <= scene_seed(7, "coda") < 8000


# -- jobs: how they render and what they report -------------------------------------------------


@pytest.mark.parametrize(
    ("aspect", "size"), [("9:16", (360, 640)), ("16:9", (640, 360)), ("1:1", (360, 360))]
)
def test_a_preview_renders_small_and_fast(aspect, size):
    render = render_for("preview", SETTINGS.model_copy(update={"aspect": aspect}))
    assert (render.width, render.height) == size
    assert (render.video_preset, render.crf, render.resolution) == ("veryfast", 30, "360p")


def test_an_export_renders_at_its_own_aspect_and_resolution_else_the_projects():
    render = render_for("export", SETTINGS, aspect="16:9", resolution="1080p")
    assert (render.width, render.height, render.video_preset) == (1920, 1080, None)
    assert render_for("export", SETTINGS) == render_for("generate", SETTINGS)


def test_a_job_without_a_render_renders_as_its_settings_say():
    job = Job(id="j", owner="a", project_id="p", settings=SETTINGS, created_at=NOW, updated_at=NOW)
    assert (job.render.width, job.render.height) == (720, 1280)


def test_a_job_lists_ready_scenes_as_regenerated_or_reused_in_order():
    done = {"narration": "done", "keyframe": "done", "clip": "done"}
    cached = {"narration_origin": "cached", "keyframe_origin": "cached", "clip_origin": "cached"}
    job = Job(
        id="j", owner="a", project_id="p", settings=SETTINGS, created_at=NOW, updated_at=NOW,
        scene_ids=["s01", "s02", "s03", "s04"],
        scenes={
            "s01": SceneState(**done, **cached),
            "s02": SceneState(**done, **{**cached, "narration_origin": "generated"}),
            "s03": SceneState(
                **{**done, "clip": "fallback"}, **{**cached, "clip_origin": "generated"}
            ),
            "s04": SceneState(narration="done", narration_origin="cached"),  # not ready yet
        },
    )  # fmt: skip
    job.sort_scene_origins()
    assert (job.regenerated_scenes, job.reused_scenes) == (["s02", "s03"], ["s01"])


# -- limits: an edited story is still a video a create could make -----------------------------


def test_a_scene_grown_past_the_longest_video_is_refused_naming_the_narration(
    editor, projects, project
):
    long_line = " ".join(["word"] * 160)  # about 56 s at the offline narrator's 2.85 words/s
    for revision, scene_id in enumerate(("s01", "s02", "s03"), start=1):
        editor.update_scene(
            "alice", project.id, scene_id, parse(UpdateScene, {"revision": revision,
                                                               "narration": long_line})
        )  # fmt: skip
    more = parse(InsertScene, {"revision": 4, "scene": {"beat": "turn", "narration": long_line,
                                                        "visual_prompt": "v"}})  # fmt: skip
    with pytest.raises(InvalidInputError) as caught:
        editor.insert_scene("alice", project.id, more)
    assert "scene.narration" in caught.value.fields
    assert "180 s" in caught.value.fields["scene.narration"]
    with pytest.raises(InvalidInputError) as caught:
        editor.update_scene(
            "alice", project.id, "s03", parse(UpdateScene, {"revision": 4,
                                                            "narration": long_line * 2})
        )  # fmt: skip
    assert "narration" in caught.value.fields
    assert projects.load(project.id).revision == 4  # nothing written


def test_the_limit_is_timed_at_the_narrators_own_rate(projects, project):
    from common.domain.pacing import ELEVENLABS_RATES

    slower = StoryEditor(projects, rates=ELEVENLABS_RATES)  # 2.5 words/s
    line = " ".join(["word"] * 150)  # 60 s at 2.5 words/s, 52.6 s at 2.85
    for revision, scene_id in enumerate(("s01", "s02"), start=1):
        slower.update_scene(
            "alice", project.id, scene_id, parse(UpdateScene, {"revision": revision,
                                                               "narration": line})
        )  # fmt: skip
    with pytest.raises(InvalidInputError):
        slower.update_scene(
            "alice", project.id, "s03", parse(UpdateScene, {"revision": 3, "narration": line})
        )
    StoryEditor(projects).update_scene(
        "alice", project.id, "s03", parse(UpdateScene, {"revision": 3, "narration": line})
    )
