"""The security table, continued: the HTTP edge (issue 16, items 6-9 and 12-19).

Run on the same world as test_security_table.py (Firebase auth on, Alice owning a project with
a story, a job and an upload, Bob her neighbour).

| case                                                 | expected                                 |
|------------------------------------------------------|------------------------------------------|
| a date at the end of the calendar (9999-12-31) in    | 400 naming the parameter, never a 500    |
| `from`/`to` of /v1/schedules, /v1/analytics/usage    |                                          |
| an upload that starts like a PNG or an MP4 and does  | 400 naming `body`, saying what is wrong; |
| not decode                                           | no server path, temp file or blob key    |
| a Firebase token whose `sub` is `alice/<project>`    | 401; nothing lands in Alice's uploads    |
| (or any uid not letters, digits, _ and -, <= 128)    |                                          |
| a new anonymous Firebase sign-in                     | starts with no credit (a setting)        |
| a sign-in provider not in STORYGENIUS_SIGN_IN_...    | 403 permission_denied                    |
| /media with `Range: bytes=0-0,5-5` or a malformed    | 200, the whole file                      |
| range; `bytes=999999999-` (past the end)             | 416 in JSON, `Content-Range: bytes */N`  |
| `GET /v1/projects?limit=1000`, a forged cursor       | 400 naming `limit` / `cursor`            |
| any route with a query parameter it does not know    | 400 naming the parameter                 |
| every list, paged (`limit`, `next_cursor`), even     | each item once, newest first             |
| with items created in the same instant               |                                          |
| Alice deletes her project (a job queued, outputs     | 204; the job cancelled then gone (404,   |
| stored, a link handed out, a schedule, an upload)    | its media 404), its outputs, schedule    |
|                                                      | and upload gone, the link dead at once,  |
|                                                      | its credit hold released; deleting again |
|                                                      | is a 404 and breaks nothing; a step      |
|                                                      | delivered afterwards writes nothing      |
| Bob makes the same story as Alice                    | his narration and pictures are made for  |
|                                                      | him (not "cached"); Alice's reuse hers   |
| one user opens a 6th live event stream at once       | 429 too_many_streams, Retry-After; a     |
|                                                      | closed stream frees its slot             |
| streams opened and dropped in a loop                 | 429 rate_limited (the `stream` budget)   |
| more streams than the process holds (any users)      | 429 too_many_streams                     |
| a series whose RRULE runs every minute under another | 400 naming `cadence` (runs at least an   |
| FREQ word, or never (30 February)                    | hour apart, one within a year), on a     |
|                                                      | create and on a change alike             |
| `serve` (tests/integration/test_serve_edge.py):      |                                          |
| a Host it was not started for (DNS rebinding)        | 400 naming Host                          |
| headers too large                                    | 431 in JSON                              |
| Content-Length declared, nothing sent                | 408 within the deadline                  |
| 600 MB body (declared or chunked)                    | 413, server memory flat (+<100 MB)       |
"""

from __future__ import annotations

import pytest

from common.domain.commands import CreateProject, StartJob
from tests.security.conftest import ALICE, STORY, error_of, token

# What an error body must never show: where the server keeps things.
INTERNALS = ("/tmp", "storygenius-upload", "uploads/", ".storygenius", "Traceback")


def assert_no_internals(response) -> None:
    text = response.get_data(as_text=True)
    leaked = [word for word in INTERNALS if word in text]
    assert not leaked, f"{leaked} in {text}"


# -- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/schedules", "/v1/analytics/usage"])
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("from=9999-12-30&to=9999-12-31", "from"),
        ("from=2026-01-01&to=9999-12-31", "to"),
        ("from=9999-12-31T23:59:59%2B00:00", "from"),
        ("from=0001-01-01&to=2026-01-01", "from"),
    ],
)
def test_a_date_at_the_end_of_the_calendar_is_a_400_naming_the_parameter(world, path, query, named):
    response = world.api.get(f"{path}?{query}", headers=ALICE)
    error = error_of(response, 400)
    assert error["code"] == "invalid_argument"
    assert named in error["fields"]


# -- error bodies ---------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("image/png", PNG_SIGNATURE + b"\x00\x00\x00\rIHDR" + b"garbage" * 40),
        ("video/mp4", MP4_HEAD + b"\x00" * 500),
    ],
    ids=["png", "mp4"],
)
def test_an_upload_that_does_not_decode_says_so_without_naming_server_paths(
    world, content_type, body
):
    response = world.api.post(
        f"/v1/projects/{world.project.id}/uploads",
        data=body,
        content_type=content_type,
        headers=ALICE,
    )
    error = error_of(response, 400)
    assert "does not decode" in error["fields"]["body"]
    assert_no_internals(response)


# -- identity -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uid", ["alice/{project}", "../alice", "alice bob", "a" * 129, "ålice", "alice\n"]
)
def test_a_token_whose_uid_is_not_an_opaque_key_is_refused(world, uid):
    forged = token(uid.format(project=world.project.id))
    response = world.api.post(
        f"/v1/projects/{world.project.id}/uploads",
        data=world.png,
        content_type="image/png",
        headers=forged,
    )
    assert error_of(response, 401)["code"] == "unauthenticated"
    listed = world.api.get(f"/v1/projects/{world.project.id}/uploads", headers=ALICE)
    assert [u["id"] for u in listed.get_json()["uploads"]] == [world.upload_id]


def _signed_in_with(provider: str, uid: str) -> dict[str, str]:
    return token(uid, firebase={"identities": {}, "sign_in_provider": provider})


def test_an_anonymous_sign_in_starts_with_no_credit_and_a_real_one_with_the_grant(world):
    anonymous = world.api.get("/v1/account", headers=_signed_in_with("anonymous", "anon1"))
    assert anonymous.status_code == 200, anonymous.get_data(as_text=True)
    assert anonymous.get_json()["balance_usd"] == 0
    again = world.api.get("/v1/account", headers=_signed_in_with("anonymous", "anon1"))
    assert again.get_json()["balance_usd"] == 0
    person = world.api.get("/v1/account", headers=_signed_in_with("google.com", "carol"))
    assert person.get_json()["balance_usd"] == world.svc.settings.credit_grant_usd > 0


def test_a_sign_in_provider_not_accepted_is_a_403(make_services):
    from common.bootstrap import Services
    from tests.security.conftest import FIREBASE, PROJECT
    from tests.support.api import api_client, installed
    from tests.support.keys import NOW, SettableClock, StaticKeys

    svc: Services = make_services(
        {
            "auth": "firebase",
            "google_cloud_project": PROJECT,
            "sign_in_providers": "password,google.com",
        },
        clock=SettableClock(NOW),
        firebase_keys=StaticKeys(FIREBASE),
    )
    with installed(svc):
        api = api_client()
        refused = api.get("/v1/projects", headers=_signed_in_with("anonymous", "anon3"))
        assert error_of(refused, 403)["code"] == "permission_denied"
        accepted = api.get("/v1/projects", headers=_signed_in_with("google.com", "dave"))
        assert accepted.status_code == 200


# -- media ranges ---------------------------------------------------------------------------------

VIDEO = bytes(range(256)) * 64


@pytest.fixture
def video_link(world):
    from datetime import UTC, datetime, timedelta

    key = world.svc.blobs.put(f"jobs/{world.job.id}/video.mp4", VIDEO, "video/mp4")
    expires = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
    return world.svc.media_links.link(key, expires)


@pytest.fixture
def media_client(world):
    from werkzeug.test import Client

    from functions.server import create_app

    return Client(create_app())


@pytest.mark.parametrize("ranges", ["bytes=0-0,5-5", "bytes=abc", "bytes=5-2", "items=0-5"])
def test_several_or_malformed_ranges_get_the_whole_file(media_client, video_link, ranges):
    response = media_client.get(video_link, headers={"Range": ranges})
    assert response.status_code == 200
    assert response.data == VIDEO


def test_a_range_past_the_end_is_a_416_in_json(media_client, video_link):
    response = media_client.get(video_link, headers={"Range": "bytes=999999999-"})
    assert error_of(response, 416)["code"] == "range_not_satisfiable"
    assert response.headers["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_one_range_is_answered_with_its_bytes(media_client, video_link):
    response = media_client.get(video_link, headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == VIDEO[10:20]


# -- lists and query parameters --------------------------------------------------------------------


def test_a_limit_over_the_maximum_or_a_forged_cursor_is_a_400_naming_it(world):
    over = world.api.get("/v1/projects?limit=1000", headers=ALICE)
    assert "limit" in error_of(over, 400)["fields"]
    forged = world.api.get("/v1/projects?cursor=bm90LWEtY3Vyc29y", headers=ALICE)
    assert "cursor" in error_of(forged, 400)["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/projects/{project}?verbose=1",
        "/v1/jobs/{job}?fields=all",
        "/v1/account?x=1",
        "/v1/projects?limit=5&sort=title",
        "/v1/schedules?colour=red",
    ],
)
def test_an_unknown_query_parameter_is_a_400_naming_it_on_every_route(world, path):
    url = path.format(project=world.project.id, job=world.job.id)
    error = error_of(world.api.get(url, headers=ALICE), 400)
    unknown = url.split("?")[1].split("&")[-1].split("=")[0]
    assert unknown in error["fields"]


def _all_pages(world, path: str, key: str, limit: int) -> list[str]:
    seen, cursor = [], None
    for _ in range(20):
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = world.api.get(f"{path}?{query}", headers=ALICE).get_json()
        assert len(page[key]) <= limit
        seen += [item["id"] for item in page[key]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the pages never ended")


def test_projects_made_in_the_same_instant_are_each_listed_once_across_pages(world):
    # The world's clock stands still: every project below has the same created_at.
    made = [
        world.svc.projects.create("alice", CreateProject(prompt=f"Idea {i}")).id for i in range(6)
    ]
    listed = _all_pages(world, "/v1/projects", "projects", limit=2)
    assert sorted(listed) == sorted([*made, world.project.id])
    assert len(listed) == len(set(listed))


def test_a_project_s_jobs_are_listed_a_page_at_a_time(world):
    started = []
    for _ in range(4):  # one at a time: each ends before the next starts
        world.svc.pipeline.cancel("alice", started[-1] if started else world.job.id)
        started.append(world.svc.pipeline.start("alice", StartJob(project_id=world.project.id)).id)
    listed = _all_pages(world, f"/v1/projects/{world.project.id}/jobs", "jobs", limit=3)
    assert sorted(listed) == sorted([*started, world.job.id])
    assert len(listed) == len(set(listed))


# -- deleting a project ----------------------------------------------------------------------------


def test_deleting_a_project_takes_its_jobs_outputs_schedules_uploads_and_links_with_it(
    world, media_client
):
    from datetime import timedelta

    from common.domain import steps
    from common.domain.commands import StepCommand
    from common.domain.schedule import CreateSchedule
    from common.ports import Delivery

    svc, project, job = world.svc, world.project.id, world.job.id
    key = svc.blobs.put(f"jobs/{job}/video.mp4", VIDEO, "video/mp4")
    svc.jobs.update(job, {"outputs.video": key})
    link = world.api.get(f"/v1/jobs/{job}/media", headers=ALICE).get_json()["video"]
    assert media_client.get(link).status_code == 200
    publish_at = (svc.clock.now() + timedelta(days=2)).isoformat()
    schedule = svc.schedules.create(
        "alice", CreateSchedule(project_id=project, publish_at=publish_at)
    )
    assert svc.pipeline.quotas.view("alice").held_usd >= 0

    assert world.api.delete(f"/v1/projects/{project}", headers=ALICE).status_code == 204

    for path in (f"/v1/jobs/{job}", f"/v1/jobs/{job}/media", f"/v1/projects/{project}"):
        assert error_of(world.api.get(path, headers=ALICE), 404)["code"] == "not_found"
    assert media_client.get(link).status_code == 404
    assert not svc.blobs.exists(key) and svc.blobs.list(f"jobs/{job}/") == []
    assert svc.schedules.find(schedule.id) is None
    assert svc.blobs.list(f"uploads/alice/{project}/") == []
    assert svc.pipeline.quotas.view("alice").held_usd == 0

    again = world.api.delete(f"/v1/projects/{project}", headers=ALICE)
    assert error_of(again, 404)["code"] == "not_found"
    tasks = len(world.queue.tasks)
    svc.pipeline.handle(steps.BY_NAME["step_script"], StepCommand(job_id=job), Delivery())
    assert svc.jobs.find(job) is None and svc.blobs.list(f"jobs/{job}/") == []
    assert len(world.queue.tasks) == tasks


def test_a_delete_that_dies_midway_is_finished_by_deleting_again(world, monkeypatch):
    svc, project, job = world.svc, world.project.id, world.job.id
    svc.blobs.put(f"jobs/{job}/video.mp4", VIDEO, "video/mp4")
    real = svc.projects.delete

    def dies(owner: str, project_id: str) -> None:
        raise OSError("the process died")

    monkeypatch.setattr(svc.projects, "delete", dies)
    assert world.api.delete(f"/v1/projects/{project}", headers=ALICE).status_code == 500
    assert world.api.get(f"/v1/projects/{project}", headers=ALICE).status_code == 200
    monkeypatch.setattr(svc.projects, "delete", real)
    assert world.api.delete(f"/v1/projects/{project}", headers=ALICE).status_code == 204
    assert svc.jobs.find(job) is None and svc.blobs.list(f"jobs/{job}/") == []
    assert world.api.get(f"/v1/projects/{project}", headers=ALICE).status_code == 404


# -- the provider cache ----------------------------------------------------------------------------


def test_the_same_story_from_another_user_is_not_served_from_the_first_user_s_cache(world):
    from common.domain import steps
    from common.domain.commands import StepCommand
    from common.ports import Delivery
    from tests.security.conftest import STORY

    svc = world.svc
    bobs = svc.projects.create("bob", CreateProject(prompt="A lighthouse keeper"))
    svc.projects.save_story(bobs.id, STORY)
    bob_job = svc.pipeline.start("bob", StartJob(project_id=bobs.id))
    alices = svc.projects.create("alice", CreateProject(prompt="The same keeper, again"))
    svc.projects.save_story(alices.id, STORY)  # her cache serves all her projects
    alice_again = svc.pipeline.start("alice", StartJob(project_id=alices.id))

    def narrate(job_id: str) -> str:
        for name, scene in (("step_script", None), ("step_narration", "s1")):
            command = StepCommand(job_id=job_id, scene_id=scene)
            svc.pipeline.handle(steps.BY_NAME[name], command, Delivery())
        return svc.jobs.get(job_id).scenes["s1"].narration_origin

    assert narrate(world.job.id) == "generated"
    assert narrate(bob_job.id) == "generated"
    assert narrate(alice_again.id) == "cached"
    assert svc.assets.calls["narration"] == 2


# -- live streams --------------------------------------------------------------------------------


def _open_stream(world, headers=ALICE):
    return world.api.get(f"/v1/jobs/{world.job.id}/events", headers=headers, buffered=False)


def test_a_user_s_streams_are_capped_and_a_closed_one_frees_its_slot(world):
    per_user = world.svc.settings.max_streams_per_user
    opened = [_open_stream(world) for _ in range(per_user)]
    assert all(r.status_code == 200 for r in opened)
    refused = _open_stream(world)
    assert error_of(refused, 429)["code"] == "too_many_streams"
    assert int(refused.headers["Retry-After"]) > 0
    opened.pop().close()
    again = _open_stream(world)
    assert again.status_code == 200
    for response in [*opened, again]:
        response.close()
    assert world.svc.streams.open_streams() == 0


def test_opening_and_dropping_streams_in_a_loop_is_rate_limited(world):
    burst = world.svc.settings.rate_stream_burst
    for _ in range(burst):
        response = _open_stream(world)
        assert response.status_code == 200
        response.close()
    limited = _open_stream(world)
    error = error_of(limited, 429)
    assert error["code"] == "rate_limited" and error["fields"]["bucket"] == "stream"


def test_a_process_holds_at_most_its_number_of_streams(make_services):
    from common.bootstrap import Services
    from tests.support.api import api_client, installed

    svc: Services = make_services({"max_streams": 2})
    with installed(svc):
        api = api_client()
        jobs = {}
        for user in ("carol", "dave", "erin"):
            headers = {"Authorization": f"Bearer dev:{user}"}
            project = api.post("/v1/projects", json={"prompt": "A calm sea"}, headers=headers)
            project_id = project.get_json()["id"]
            svc.projects.save_story(project_id, STORY)
            jobs[user] = (svc.pipeline.start(user, StartJob(project_id=project_id)).id, headers)
        held = [
            api.get(f"/v1/jobs/{jobs[u][0]}/events", headers=jobs[u][1], buffered=False)
            for u in ("carol", "dave")
        ]
        assert [r.status_code for r in held] == [200, 200]
        job, headers = jobs["erin"]
        refused = api.get(f"/v1/jobs/{job}/events", headers=headers, buffered=False)
        assert error_of(refused, 429)["code"] == "too_many_streams"
        for response in held:
            response.close()


# -- series cadences -------------------------------------------------------------------------------

EVERY_HOUR = ",".join(str(h) for h in range(24))


@pytest.mark.parametrize(
    "rrule",
    [
        "FREQ=HOURLY;BYMINUTE=0,1,2,3",
        f"FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1;BYHOUR={EVERY_HOUR};BYMINUTE=0,30",
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0,15",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31",
    ],
)
def test_a_cadence_that_runs_more_often_than_hourly_or_never_is_refused(world, rrule):
    body = {"theme": "Tiny facts", "cadence": {"kind": "rrule", "rrule": rrule}}
    created = world.api.post("/v1/series", json=body, headers=ALICE)
    assert "cadence" in error_of(created, 400)["fields"]
    fine = {"theme": "Tiny facts", "cadence": {"kind": "rrule", "rrule": "FREQ=HOURLY"}}
    series = world.api.post("/v1/series", json=fine, headers=ALICE)
    assert series.status_code == 201, series.get_data(as_text=True)
    changed = world.api.patch(
        f"/v1/series/{series.get_json()['id']}",
        json={"cadence": {"kind": "rrule", "rrule": rrule}},
        headers=ALICE,
    )
    assert "cadence" in error_of(changed, 400)["fields"]
