"""Projects and their stories: create, list, read, change, delete; the story editor."""

from __future__ import annotations

from common.domain.commands import (
    CreateProject,
    DeleteScene,
    InsertScene,
    ReorderScenes,
    UpdateListings,
    UpdateProject,
    UpdateScene,
    UpdateStyle,
)
from common.domain.paging import PageQuery
from common.domain.project import Project
from common.domain.story import Story
from functions.http import Response, json_response
from functions.openapi import ProjectList
from functions.routing import Call, dump, route


@route("POST", "/v1/projects", body=CreateProject, response=Project, status=201)
def create_project(call: Call[CreateProject, None]) -> Response:
    """Create a project from a prompt, an optional title and settings."""
    project = call.svc.projects.create(call.owner, call.body)
    return json_response(dump(project), 201)


@route("GET", "/v1/projects", query=PageQuery, response=ProjectList)
def list_projects(call: Call[None, PageQuery]) -> Response:
    """The caller's projects, newest first, a page at a time (`limit`, then `cursor`)."""
    projects, cursor = call.svc.projects.list(call.owner, call.query)
    return json_response(dump(ProjectList(projects=projects, next_cursor=cursor)))


@route("GET", "/v1/projects/{project_id}", response=Project)
def get_project(call: Call[None, None]) -> Response:
    """One of the caller's projects."""
    project = call.svc.projects.get(call.owner, call.params["project_id"])
    return json_response(dump(project))


@route("PATCH", "/v1/projects/{project_id}", body=UpdateProject, response=Project, errors=(409,))
def update_project(call: Call[UpdateProject, None]) -> Response:
    """Change a project's title, prompt or settings.

    A partial update: fields left out keep their value, `settings` merges field by field, and
    null is not a value. Unknown fields and bad values are a 400 naming each field.

    Send the `revision` you last read: if the project has moved on since (an edit from another
    tab, or the pipeline writing its story), the answer is 409 `stale_revision` and nothing is
    written. Every change bumps `revision`.

    Changing the prompt or a setting the script is written from (duration, language, visual
    style, aspect, seed) clears the written story, so the next generate writes a new one for
    the new input. Changing the title or another setting (voice, resolution, captions, music,
    transition) keeps the story and its edits.

    `settings.music_upload` plays a music track uploaded to this project
    (`POST /v1/projects/{id}/uploads`) under the narration; `""` plays none. An id that is no
    music upload of this project is a 400 naming `settings.music_upload`.
    """
    project = call.svc.projects.update(call.owner, call.params["project_id"], call.body)
    return json_response(dump(project))


@route("DELETE", "/v1/projects/{project_id}", status=204)
def delete_project(call: Call[None, None]) -> Response:
    """Delete one of the caller's projects and everything made from it.

    Its schedules are cancelled and deleted, its jobs cancelled (a running job stops at its
    next step) and deleted with their outputs (video, thumbnail, captions), and its uploads
    deleted: afterwards its jobs and their media answer 404, and links handed out for them
    stop working at once. A delete that fails midway leaves the project in place: deleting it
    again finishes the job. Pictures and voices cached for the caller's other projects stay.
    """
    call.svc.deletion.delete(call.owner, call.params["project_id"])
    return "", 204, {}


@route("GET", "/v1/projects/{project_id}/story", response=Story)
def get_story(call: Call[None, None]) -> Response:
    """The project's written story: title, style bible and scenes.

    404 `no_story` until generate has written one (and again after the prompt or settings
    change).
    """
    story = call.svc.projects.story(call.owner, call.params["project_id"])
    return json_response(dump(story))


# -- the story editor -------------------------------------------------------------------------
#
# Every edit sends the `revision` it was made on (a DELETE as `?revision=`): if the project has
# moved on since (another tab, the pipeline writing its story), the answer is 409
# `stale_revision` and nothing is written. Each edit answers the project as written, with its
# new revision. A story that would not be valid after the edit is a 400 naming the field.


@route(
    "PATCH",
    "/v1/projects/{project_id}/scenes/{scene_id}",
    body=UpdateScene,
    response=Project,
    errors=(409,),
)
def update_scene(call: Call[UpdateScene, None]) -> Response:
    """Edit one scene: narration, visual prompt, on-screen text, mood, setting, characters,
    clip length, transition or clip source.

    `clip_source` says what moves on screen: `ai` (the video provider animates the keyframe),
    `kenburns` (motion over the keyframe, no provider call) or `upload` with `upload_id`, an
    image or clip uploaded to this project (an image gets Ken Burns motion, a clip is fitted
    to the scene like a generated one). An upload that is missing or music is a 400 naming
    `upload_id`.

    A partial update with the `revision` it was made on (409 `stale_revision` when stale).
    The next generate regenerates only what the change touches: a new narration re-voices
    this scene and re-times its captions but keeps its picture and clip; a new visual prompt,
    setting, mood or cast repaints its keyframe and clip.
    """
    project_id, scene_id = call.params["project_id"], call.params["scene_id"]
    project = call.svc.editor.update_scene(call.owner, project_id, scene_id, call.body)
    return json_response(dump(project))


@route(
    "POST",
    "/v1/projects/{project_id}/scenes",
    body=InsertScene,
    response=Project,
    status=201,
    errors=(409,),
)
def insert_scene(call: Call[InsertScene, None]) -> Response:
    """Insert a new scene at `index` (0 = first; left out = at the end).

    The scene's `id` is made up when left out. Other scenes keep their pictures and clips.
    """
    project = call.svc.editor.insert_scene(call.owner, call.params["project_id"], call.body)
    return json_response(dump(project), 201)


@route(
    "DELETE",
    "/v1/projects/{project_id}/scenes/{scene_id}",
    query=DeleteScene,
    response=Project,
    errors=(409,),
)
def delete_scene(call: Call[None, DeleteScene]) -> Response:
    """Delete one scene (`?revision=` required); a story keeps at least one scene."""
    project_id, scene_id = call.params["project_id"], call.params["scene_id"]
    project = call.svc.editor.delete_scene(call.owner, project_id, scene_id, call.query)
    return json_response(dump(project))


@route(
    "POST",
    "/v1/projects/{project_id}/scenes:reorder",
    body=ReorderScenes,
    response=Project,
    errors=(409,),
)
def reorder_scenes(call: Call[ReorderScenes, None]) -> Response:
    """Put the scenes in a new order: `order` lists every scene id once.

    Scenes keep their pictures and clips when they move.
    """
    project = call.svc.editor.reorder_scenes(call.owner, call.params["project_id"], call.body)
    return json_response(dump(project))


@route(
    "PATCH", "/v1/projects/{project_id}/style", body=UpdateStyle, response=Project, errors=(409,)
)
def update_style(call: Call[UpdateStyle, None]) -> Response:
    """Edit the style bible: visual style, palette, lighting, characters (a whole list).

    A character that scenes still name cannot be removed (400 naming `characters`). A change
    here repaints the scenes that depend on it at the next generate.
    """
    project = call.svc.editor.update_style(call.owner, call.params["project_id"], call.body)
    return json_response(dump(project))


@route(
    "PATCH",
    "/v1/projects/{project_id}/listings",
    body=UpdateListings,
    response=Project,
    errors=(409,),
)
def update_listings(call: Call[UpdateListings, None]) -> Response:
    """Edit what YouTube, TikTok and Instagram show with the video: each platform's `title`
    (at most 100 characters), `description` and `hashtags` (made into `#Word`s).

    The script writer wrote them with the story; a post not yet uploaded uses them as they are
    when it goes out (a schedule's destination may still override them). A field a platform
    would refuse is a 400 naming it (`youtube.title`).
    """
    project = call.svc.editor.update_listings(call.owner, call.params["project_id"], call.body)
    return json_response(dump(project))
