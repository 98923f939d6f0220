"""The security table: each row an attack, and what the system must answer.

Run on the embedded default with Firebase auth switched on (tokens signed by a locally generated
key, a fixed clock), a queue that records tasks and runs nothing, Alice owning a project with a
story, a job and an upload, Bob her neighbour.

| case                                              | expected                                   |
|---------------------------------------------------|--------------------------------------------|
| Bob reads, changes, deletes, starts or cancels    | 404 not_found (not 403: ids leak nothing); |
| through any route naming Alice's project or job   | Alice's data unchanged; the same request   |
|                                                   | by Alice succeeds                          |
| forged task: unknown job                          | 200 dropped; nothing stored or enqueued    |
| forged task: naming an owner / another job's scene| 200 dropped; nothing changes               |
| forged task: replayed finished step / ended job   | 200; nothing changes, enqueued or charged  |
| task without credentials / with a guessed secret  | 401 unauthenticated; nothing changes       |
| task with OIDC of another account / another step  | 403 permission_denied / 401; no change     |
| token expired, wrong audience, wrong issuer       | 401 unauthenticated, WWW-Authenticate      |
| bad signature, unknown key, alg none, no token    | 401 unauthenticated                        |
| token without auth_time / future auth_time        | 401 unauthenticated                        |
| dev token while Firebase auth is on               | 401 unauthenticated                        |
| JSON body over 256 KB (Content-Length or chunked) | 413 payload_too_large                      |
| prompt > 2000, title > 200 chars, nesting bomb    | 400 naming prompt / title / body           |
| SSRF webhook: metadata IP or name, private, ULA,  | InvalidInputError naming the field (400    |
| loopback, mapped/decimal/octal IP, http, userinfo | from the API); no request is made          |
| SSRF webhook: DNS rebinding                       | saved, then refused when vetted to send    |
| hostile caption text (' : \\ % {} [ ] ; , newline) | one ASS event each, braces and backslashes |
|                                                   | escaped: drawn as the text says            |
"""

from __future__ import annotations

import http.client
import json
import re
import threading

import functions_framework
import pytest
from werkzeug.serving import make_server

from common.adapters.http.outbound_urls import check_webhook_url, vet_webhook_url
from common.domain import steps
from common.domain.commands import StepCommand
from common.domain.errors import InvalidInputError
from common.media.text.captions import CaptionLayout, CaptionWord, Cue, format_ass
from common.ports import Delivery
from common.services.accounts.step_callers import TASK_SECRET_HEADER
from tests.security.conftest import (
    ALICE,
    BASE,
    BOB,
    FIREBASE,
    GOOGLE,
    QUEUE,
    STRANGER,
    TASKS_SA,
    World,
    error_of,
    token,
)
from tests.support.keys import NOW, sign_jwt

# -- cross-user access -------------------------------------------------------------------------

# (id, method, path, request keywords given the world); {project}, {job}, {scene}, {upload}.
CROSS_USER = [
    ("read-project", "GET", "/v1/projects/{project}", None),
    ("change-project", "PATCH", "/v1/projects/{project}", lambda w: {"json": {"title": "mine"}}),
    ("delete-project", "DELETE", "/v1/projects/{project}", None),
    ("read-story", "GET", "/v1/projects/{project}/story", None),
    (
        "edit-scene",
        "PATCH",
        "/v1/projects/{project}/scenes/{scene}",
        lambda w: {"json": {"revision": w.revision, "narration": "Mine now."}},
    ),
    (
        "insert-scene",
        "POST",
        "/v1/projects/{project}/scenes",
        lambda w: {
            "json": {"revision": w.revision, "scene": {"narration": "x", "visual_prompt": "y"}}
        },
    ),
    (
        "delete-scene",
        "DELETE",
        "/v1/projects/{project}/scenes/{scene}",
        lambda w: {"query_string": {"revision": w.revision}},
    ),
    (
        "reorder-scenes",
        "POST",
        "/v1/projects/{project}/scenes:reorder",
        lambda w: {"json": {"revision": w.revision, "order": ["s2", "s1"]}},
    ),
    (
        "edit-style",
        "PATCH",
        "/v1/projects/{project}/style",
        lambda w: {"json": {"revision": w.revision, "lighting": "noon"}},
    ),
    (
        "edit-listings",
        "PATCH",
        "/v1/projects/{project}/listings",
        lambda w: {"json": {"revision": w.revision, "youtube": {"title": "Mine now"}}},
    ),
    # Alice's own start must not meet her running job (one job per project: 409).
    ("generate", "POST", "/v1/projects/{project}/generate", lambda w: w.idle()),
    ("preview", "POST", "/v1/projects/{project}/preview", lambda w: w.idle()),
    ("export", "POST", "/v1/projects/{project}/exports", lambda w: w.idle(json={"aspect": "1:1"})),
    ("script", "POST", "/v1/projects/{project}/script", lambda w: w.idle()),
    ("storyboard", "POST", "/v1/projects/{project}/storyboard", lambda w: w.idle()),
    ("list-project-jobs", "GET", "/v1/projects/{project}/jobs", None),
    ("read-job", "GET", "/v1/jobs/{job}", None),
    ("cancel-job", "POST", "/v1/jobs/{job}/cancel", None),
    ("job-media", "GET", "/v1/jobs/{job}/media", None),
    ("job-trace", "GET", "/v1/jobs/{job}/trace", None),
    ("job-events", "GET", "/v1/jobs/{job}/events", None),  # Alice's stream would stay open
    (
        "upload-to-project",
        "POST",
        "/v1/projects/{project}/uploads",
        lambda w: {"data": w.png, "content_type": "image/png"},
    ),
    ("list-uploads", "GET", "/v1/projects/{project}/uploads", None),
    (
        "start-large-upload",
        "POST",
        "/v1/projects/{project}/uploads:start",
        lambda w: {"json": {"content_type": "image/png", "size": len(w.png)}},
    ),
    (
        "complete-large-upload",
        "POST",
        "/v1/projects/{project}/uploads:complete",
        lambda w: {"json": {"session_id": _landed_session(w)}},
    ),
    ("read-upload", "GET", "/v1/projects/{project}/uploads/{upload}", None),
]
NO_OWNER_CHECK = {"job-events"}  # the owner's own request streams until the job ends


def _landed_session(w: World) -> str:
    """A large upload of Alice's whose bytes have arrived: only `uploads:complete` is left."""
    from common.services.projects.upload_sessions import StartUpload, incoming_prefix

    announced = StartUpload(content_type="image/png", size=len(w.png))
    session = w.svc.upload_sessions.start("alice", w.project.id, announced)
    key = incoming_prefix("alice", w.project.id) + session.session_id
    w.svc.blobs.put(key, w.png, "image/png")
    return session.session_id


def _path(template: str, w: World) -> str:
    return template.format(project=w.project.id, job=w.job.id, scene="s1", upload=w.upload_id)


@pytest.mark.parametrize(
    ("case", "method", "template", "kwargs"), [pytest.param(*row, id=row[0]) for row in CROSS_USER]
)
def test_another_user_s_project_or_job_is_not_found_and_unchanged(
    world, case, method, template, kwargs
):
    path = _path(template, world)
    extra = kwargs(world) if kwargs else {}
    before = world.snapshot()
    response = world.api.open(path, method=method, headers=BOB, **extra)
    assert error_of(response, 404)["code"] == "not_found"
    assert world.snapshot() == before
    if case not in NO_OWNER_CHECK:  # the 404 is about the owner, not a bad request
        mine = world.api.open(path, method=method, headers=ALICE, **extra)
        assert mine.status_code < 400, mine.get_data(as_text=True)


def test_every_route_naming_a_project_or_job_is_in_the_table(world):
    from functions.api import ROUTES

    covered = {(m, p.format(project="{project_id}", job="{job_id}", scene="{scene_id}",
                            upload="{upload_id}")) for _, m, p, _ in CROSS_USER}  # fmt: skip
    named = {(r.method, r.path) for r in ROUTES if "{project_id}" in r.path or "{job_id}" in r.path}
    assert named <= covered, f"add to CROSS_USER: {sorted(named - covered)}"


# -- forged and replayed tasks -----------------------------------------------------------------


def _run_script_step(w: World) -> None:
    w.svc.pipeline.handle(steps.SCRIPT, StepCommand(job_id=w.job.id), Delivery())


def _end_job(w: World) -> None:
    def done(job) -> None:
        job.status = "done"

    w.svc.jobs.mutate(w.job.id, done)


FORGED = [
    ("unknown-job", "step_script", None, lambda w: {"job_id": "no-such-job"}, QUEUE, 200),
    (
        "task-naming-an-owner",
        "step_script",
        None,
        lambda w: {"job_id": w.job.id, "owner": "bob"},
        QUEUE,
        200,
    ),
    (
        "another-job-s-scene",
        "step_narration",
        None,
        lambda w: {"job_id": w.job.id, "scene_id": "not-in-this-job"},
        QUEUE,
        200,
    ),
    (
        "replayed-finished-step",
        "step_script",
        _run_script_step,
        lambda w: {"job_id": w.job.id},
        QUEUE,
        200,
    ),
    ("step-of-an-ended-job", "step_assemble", _end_job, lambda w: {"job_id": w.job.id}, QUEUE, 200),
    ("no-credentials", "step_script", None, lambda w: {"job_id": w.job.id}, {}, 401),
    (
        "guessed-secret",
        "step_script",
        None,
        lambda w: {"job_id": w.job.id},
        {TASK_SECRET_HEADER: "guess"},
        401,
    ),
    ("oidc-other-account", "step_script", None, lambda w: {"job_id": w.job.id}, "other-sa", 403),
    ("oidc-other-step", "step_script", None, lambda w: {"job_id": w.job.id}, "other-step", 401),
    ("oidc-bad-signature", "step_script", None, lambda w: {"job_id": w.job.id}, "forged", 401),
]


def _oidc(kind: str, target: str) -> dict[str, str]:
    now = int(NOW.timestamp())
    claims = {"iss": "https://accounts.google.com", "aud": f"{BASE}/{target}", "email": TASKS_SA,
              "email_verified": True, "iat": now - 10, "exp": now + 3000, "sub": "1"}  # fmt: skip
    keys = GOOGLE
    if kind == "other-sa":
        claims["email"] = "mallory@demo-security.iam.gserviceaccount.com"
    elif kind == "other-step":
        claims["aud"] = f"{BASE}/step_assemble"
    elif kind == "forged":
        keys = STRANGER
    return {"Authorization": f"Bearer {sign_jwt(claims, keys, kid=GOOGLE.kid)}"}


@pytest.mark.parametrize(
    ("target", "prepare", "body", "headers", "status"),
    [pytest.param(*row[1:], id=row[0]) for row in FORGED],
)
def test_forged_or_replayed_tasks_change_nothing(world, target, prepare, body, headers, status):
    if prepare is not None:
        prepare(world)
    if isinstance(headers, str):
        headers = _oidc(headers, target)
    before = world.snapshot()
    response = world.step(target).post("/", json=body(world), headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    assert world.snapshot() == before


def test_the_queue_s_own_oidc_token_is_accepted(world):
    response = world.step("step_script").post(
        "/", json={"job_id": world.job.id}, headers=_oidc("valid", "step_script")
    )
    assert response.status_code == 200
    assert world.svc.jobs.get(world.job.id).story is not None  # the step ran


# -- tokens ------------------------------------------------------------------------------------

NOW_S = int(NOW.timestamp())
TOKENS = [
    ("expired-token", token("alice", iat=NOW_S - 7200, exp=NOW_S - 3600)),
    ("wrong-audience", token("alice", aud="another-project")),
    ("wrong-issuer", token("alice", iss="https://securetoken.google.com/another-project")),
    ("bad-signature", token("alice", keys=STRANGER, kid=FIREBASE.kid)),
    ("unknown-key", token("alice", keys=STRANGER)),
    ("no-auth-time", token("alice", auth_time=None)),
    ("future-auth-time", token("alice", auth_time=NOW_S + 600)),
    ("issued-in-future", token("alice", iat=NOW_S + 600)),
    ("alg-none", {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."}),
    ("dev-token", {"Authorization": "Bearer dev:alice"}),
    ("no-token", {}),
    ("basic-auth", {"Authorization": "Basic YWxpY2U6cHc="}),
]


@pytest.mark.parametrize("headers", [pytest.param(h, id=i) for i, h in TOKENS])
def test_tokens_that_do_not_verify_are_401(world, headers):
    response = world.api.get("/v1/projects", headers=headers)
    assert error_of(response, 401)["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_valid_token_reaches_the_owner_s_projects(world):
    response = world.api.get("/v1/projects", headers=ALICE)
    assert [p["id"] for p in response.get_json()["projects"]] == [world.project.id]
    assert world.api.get("/v1/projects", headers=BOB).get_json()["projects"] == []


# -- oversized input ---------------------------------------------------------------------------


def _deep(levels: int) -> bytes:
    return b'{"prompt": ' + b"[" * levels + b"]" * levels + b"}"


OVERSIZED = [
    ("body-over-256KB", {"data": b'{"prompt": "' + b"x" * 300_000 + b'"}'}, 413, "body"),
    ("prompt-over-2000", {"json": {"prompt": "x" * 2001}}, 400, "prompt"),
    ("title-over-200", {"json": {"prompt": "p", "title": "t" * 201}}, 400, "title"),
    ("nesting-bomb", {"data": _deep(100_000)}, 400, "body"),
]


@pytest.mark.parametrize(
    ("kwargs", "status", "field"), [pytest.param(*row[1:], id=row[0]) for row in OVERSIZED]
)
def test_oversized_input_is_refused_naming_the_field(world, kwargs, status, field):
    kwargs = {"content_type": "application/json", **kwargs}
    response = world.api.post("/v1/projects", headers=ALICE, **kwargs)
    error = error_of(response, status)
    assert field in error["fields"] or (status == 413 and error["code"] == "payload_too_large")


def test_a_chunked_body_over_the_limit_is_413_without_a_content_length(world):
    server = make_server("127.0.0.1", 0, functions_framework.create_app("api", "main.py"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        chunks = (b'{"prompt": "', *([b"x" * 65536] * 5), b'"}')
        headers = {**ALICE, "Content-Type": "application/json"}
        conn.request(
            "POST", "/v1/projects", body=iter(chunks), headers=headers, encode_chunked=True
        )
        response = conn.getresponse()
        body = json.loads(response.read())
        conn.close()
    finally:
        server.shutdown()
        server.server_close()
    assert response.status == 413, body
    assert body["error"]["code"] == "payload_too_large"
    assert world.svc.projects.list("alice")[0] == [world.svc.projects.load(world.project.id)]


# -- SSRF through webhook URLs -----------------------------------------------------------------

PUBLIC = ["93.184.216.34"]
SSRF = [
    ("metadata-ip", "https://169.254.169.254/computeMetadata/v1/", PUBLIC),
    ("metadata-name", "https://metadata.google.internal/computeMetadata/v1/", PUBLIC),
    ("name-to-metadata", "https://hooks.example.com/", ["169.254.169.254"]),
    ("private-10", "https://10.0.0.8/hook", PUBLIC),
    ("private-192-168", "https://192.168.1.1/hook", PUBLIC),
    ("name-to-private", "https://hooks.example.com/", ["93.184.216.34", "172.16.3.4"]),
    ("loopback", "https://127.0.0.1/hook", PUBLIC),
    ("ipv6-ula", "https://[fd00::1]/hook", PUBLIC),
    ("mapped-ipv4", "https://[::ffff:10.0.0.1]/hook", PUBLIC),
    ("decimal-ip", "https://2852039166/", PUBLIC),
    ("octal-ip", "https://0251.0376.0251.0376/", PUBLIC),
    ("http-scheme", "http://hooks.example.com/", PUBLIC),
    ("userinfo", "https://hooks.example.com@169.254.169.254/", PUBLIC),
]


@pytest.mark.parametrize(("url", "answers"), [pytest.param(*r[1:], id=r[0]) for r in SSRF])
def test_webhook_urls_into_our_network_are_refused(url, answers):
    with pytest.raises(InvalidInputError) as info:
        check_webhook_url(url, field="url", resolve=lambda host, port: answers)
    assert "url" in info.value.fields


def test_dns_rebinding_is_caught_when_the_url_is_vetted_again_to_send():
    answers = iter([PUBLIC, ["169.254.169.254"]])
    resolve = lambda host, port: next(answers)  # noqa: E731
    assert check_webhook_url("https://rebind.example.com/", resolve=resolve)
    with pytest.raises(InvalidInputError, match="non-public"):
        vet_webhook_url("https://rebind.example.com/", resolve=resolve)


def test_the_api_refuses_a_metadata_webhook_naming_the_field(world):
    response = world.api.put("/v1/webhook", json={"url": "https://169.254.169.254/"}, headers=ALICE)
    assert "url" in error_of(response, 400)["fields"]


# -- hostile caption text ----------------------------------------------------------------------

HOSTILE = ["it's", "a:b", "back\\slash", "100%", "{\\fs300}big", "[x]", "semi;", "comma,",
           "two\nlines", "{\\p1}m 0 0 l 9 9{\\p0}", "\\N", "}{"]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_caption_text_stays_text_in_the_ass_script(text):
    cue = Cue(words=(CaptionWord(text, 0.0, 1.0),), start_s=0.0, end_s=1.0)
    layout = CaptionLayout(width=360, height=640, font_size=30, margin_h=20, margin_v=60)
    script = format_ass([cue], layout=layout, font_family="DejaVu Sans", style="plain")
    events = script.split("[Events]\n", 1)[1].splitlines()[1:]
    assert len(events) == 1 and events[0].startswith("Dialogue: ")
    shown = events[0].split(",", 9)[9]
    assert not re.search(r"(?<!\\)[{}]", shown)  # no override block can open
    assert not re.search(r"\\(?![{}\u2060])", shown)  # no \N, \h, \p escape can form
    drawn = shown.replace("\\{", "{").replace("\\}", "}").replace("\u2060", "")
    assert drawn == text.replace("\n", " ")
