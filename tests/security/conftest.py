"""The security table's world: Alice, Bob, their tokens, and services with Firebase auth on."""

from __future__ import annotations

import io

import functions_framework
import pytest
from PIL import Image

from common.domain.commands import CreateProject, StartJob
from common.domain.story import Scene, Story, StyleBible
from common.services.accounts.step_callers import TASK_SECRET_HEADER, process_task_secret
from tests.support.api import api_client, installed
from tests.support.fakes import RecordingQueue
from tests.support.keys import NOW, SettableClock, StaticKeys, firebase_claims, key_pair, sign_jwt

PROJECT = "demo-security"
FIREBASE = key_pair("firebase-1")
GOOGLE = key_pair("google-1", common_name="accounts.google.com")
STRANGER = key_pair("stranger")
BASE = "https://us-central1-demo.cloudfunctions.net"
TASKS_SA = "tasks@demo-security.iam.gserviceaccount.com"
QUEUE = {TASK_SECRET_HEADER: process_task_secret()}


def token(uid: str, keys=FIREBASE, kid: str | None = None, **claims) -> dict[str, str]:
    signed = sign_jwt(firebase_claims(uid, PROJECT, NOW.timestamp(), **claims), keys, kid=kid)
    return {"Authorization": f"Bearer {signed}"}


ALICE, BOB = token("alice"), token("bob")
STORY = Story(
    title="The Keeper",
    style=StyleBible(visual_style="ink", palette=["#112233", "#445566", "#778899"]),
    scenes=[
        Scene(id="s1", beat="hook", narration="Night falls.", visual_prompt="a tower"),
        Scene(id="s2", beat="resolution", narration="Dawn comes.", visual_prompt="the sea"),
    ],
)


class World:
    def __init__(self, svc, queue):
        self.svc, self.queue = svc, queue
        self.api = api_client()
        self.project = svc.projects.create("alice", CreateProject(prompt="A lighthouse keeper"))
        svc.projects.save_story(self.project.id, STORY)
        self.job = svc.pipeline.start("alice", StartJob(project_id=self.project.id))
        png = io.BytesIO()
        Image.new("RGB", (64, 64), (200, 40, 40)).save(png, "PNG")
        self.png = png.getvalue()
        upload = self.api.post(
            f"/v1/projects/{self.project.id}/uploads?filename=red.png",
            data=self.png,
            content_type="image/png",
            headers=ALICE,
        )
        assert upload.status_code == 201, upload.get_data(as_text=True)
        self.upload_id = upload.get_json()["id"]

    @property
    def revision(self) -> int:
        return self.svc.projects.load(self.project.id).revision

    def snapshot(self) -> tuple:
        """Everything an attack could change: Alice's project and job, the queue, the store."""
        store = self.svc.store
        return (
            store.get("projects", self.project.id),
            store.get("jobs", self.job.id),
            len(store.query("jobs", [("owner", "==", "alice")])),
            len(store.query("jobs", [("owner", "==", "bob")])),
            len(self.queue.tasks),
        )

    def idle(self, **request: object) -> dict[str, object]:
        """Cancel Alice's running job (a project runs one job at a time) and return `request`,
        the keyword arguments of a request that starts another."""
        self.svc.pipeline.cancel("alice", self.job.id)
        return request

    def step(self, target: str):
        return functions_framework.create_app(target, "main.py").test_client()


@pytest.fixture
def world(make_services):
    queue = RecordingQueue()
    svc = make_services(
        {
            "auth": "firebase",
            "google_cloud_project": PROJECT,
            "tasks_service_account": TASKS_SA,
            "functions_base_url": BASE,
        },
        queue=queue,
        clock=SettableClock(NOW),
        firebase_keys=StaticKeys(FIREBASE),
        oidc_keys=StaticKeys(GOOGLE),
    )
    with installed(svc):
        yield World(svc, queue)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error
