"""Credits, daily limits and rate limits through the API (functions-framework test client).

The queue only records tasks: no pipeline step runs here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.bootstrap import install
from tests.support.api import ALICE, BOB, api_client
from tests.support.fakes import RecordingQueue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def api(make_services):
    def make(**settings):
        svc = make_services(settings, queue=RecordingQueue())
        install(svc)
        return svc, api_client()

    yield make
    install(None)


def new_project(client, headers=ALICE, seconds=10):
    response = client.post(
        "/v1/projects",
        json={"prompt": "A fox guards a forest", "settings": {"duration_s": seconds}},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def error_of(response, status):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_the_account_shows_the_grant_todays_use_and_the_limits(api):
    _, client = api(credit_grant_usd=25, daily_videos=7)
    project = new_project(client)
    assert client.post(f"/v1/projects/{project}/generate", headers=ALICE).status_code == 202

    account = client.get("/v1/account", headers=ALICE).get_json()
    assert account["owner"] == "alice"
    assert account["balance_usd"] == 25 and account["available_usd"] == 25  # offline: $0
    assert account["today"]["videos"] == 1 and account["today"]["rendered_s"] == 10
    assert account["limits"] == {"videos": 7, "rendered_s": 36000.0, "veo_s": 600.0}
    assert client.get("/v1/account", headers=BOB).get_json()["today"]["videos"] == 0


def test_a_job_over_the_daily_limit_is_402_quota_exceeded_and_not_started(api):
    svc, client = api(daily_videos=1)
    project = new_project(client)
    assert client.post(f"/v1/projects/{project}/generate", headers=ALICE).status_code == 202

    other = new_project(client)  # (a second job of one project would be 409 job_running)
    error = error_of(client.post(f"/v1/projects/{other}/preview", headers=ALICE), 402)
    assert error["code"] == "quota_exceeded"
    assert "videos" in error["fields"]
    assert [t.target for t in svc.queue.tasks] == ["step_script"]


def test_a_job_estimated_above_the_credit_is_402_with_the_shortfall(api):
    # Paid providers are only priced here: no step runs, so none is built.
    _, client = api(
        script="gemini", images="gemini", google_cloud_project="p", credit_grant_usd=0.1
    )
    project = new_project(client)
    error = error_of(client.post(f"/v1/projects/{project}/generate", headers=ALICE), 402)
    assert error["code"] == "insufficient_credits"
    assert error["fields"]["available_usd"] == "0.10"
    short = float(error["fields"]["shortfall_usd"])
    assert short == pytest.approx(float(error["fields"]["estimated_usd"]) - 0.1, abs=0.011)


def test_too_many_generate_requests_are_429_with_retry_after(api):
    _, client = api(rate_generate_per_min=2, rate_generate_burst=2)
    projects = [new_project(client) for _ in range(3)]  # one job at a time per project
    for project in projects[:2]:
        assert client.post(f"/v1/projects/{project}/generate", headers=ALICE).status_code == 202

    project = projects[2]
    refused = client.post(f"/v1/projects/{project}/preview", headers=ALICE)
    error = error_of(refused, 429)
    assert error["code"] == "rate_limited" and error["fields"]["bucket"] == "generate"
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    # Other budgets and other users are not affected.
    assert client.get(f"/v1/projects/{project}", headers=ALICE).status_code == 200
    assert (
        client.post(f"/v1/projects/{new_project(client, BOB)}/generate", headers=BOB).status_code
        == 202
    )
    new_project(client)


def test_the_openapi_document_lists_402_on_job_routes_and_429_on_mutations(api):
    _, client = api()
    paths = client.get("/v1/openapi.json").get_json()["paths"]
    for path in ("generate", "preview", "exports"):
        responses = paths[f"/v1/projects/{{project_id}}/{path}"]["post"]["responses"]
        assert {"402", "429"} <= set(responses)
    assert "429" in paths["/v1/projects"]["post"]["responses"]
    assert "429" not in paths["/v1/projects"]["get"]["responses"]
    assert "AccountView" in str(paths["/v1/account"]["get"]["responses"]["200"])


def test_the_cli_says_why_a_job_is_refused_instead_of_a_traceback(tmp_path):
    env = {**os.environ, "STORYGENIUS_DATA_DIR": str(tmp_path), "STORYGENIUS_DAILY_VIDEOS": "0"}
    result = subprocess.run(
        [sys.executable, "main.py", "make", "A fox", "--seconds", "10", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: quota_exceeded: ")
    assert "Traceback" not in result.stderr
