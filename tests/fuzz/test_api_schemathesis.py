"""Schemathesis against the API's own `/v1/openapi.json`, served locally (functions-framework's WSGI
app of `api`, the embedded default, a queue that runs nothing).

Every operation gets generated valid and invalid requests (bounded: MAX_EXAMPLES each, a fixed
derandomised seed), and every answer must: not be a 5xx; be documented (status, content type,
headers, body schema); and when it is an error, have the API's one shape
`{"error": {"code", "message", "fields"}}`. A few seeded projects give the generator real ids to
hit (explicit `example` values in the OpenAPI document would be another route to that).
"""

from __future__ import annotations

from typing import Any

import functions_framework
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from common.config import Settings
from common.domain.commands import CreateProject
from tests.support.api import installed
from tests.support.fakes import RecordingQueue
from tests.support.keys import NOW, SettableClock, StaticKeys, firebase_claims, key_pair, sign_jwt

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = 25
USER = "fuzzer"
PROJECT = "demo-fuzz"
KEYS = key_pair("fuzz-key")
# A Firebase ID token for USER, valid at NOW (the services' clock): the production auth path.
TOKEN = sign_jwt(firebase_claims(USER, PROJECT, NOW.timestamp()), KEYS)
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
# Checks that do not apply, and why:
# - positive_data_acceptance: text is cleaned (control characters dropped, NFC, whitespace
#   collapsed: common/domain/text.py) before its length limits apply, and no JSON Schema can say
#   which code points survive; so a schema-valid "\u0015" for a required text is a 400 naming
#   the field, by design.
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]


def _no_rate_limits() -> dict[str, Any]:
    """Rate limits off (0): thousands of requests a minute are the point here."""
    return {
        name: 0
        for name in Settings.model_fields
        if name.startswith("rate_") and name.endswith("_per_min")
    }


# Loaded at collection: building the app and reading its OpenAPI document builds no services.
APP = functions_framework.create_app("api", "main.py")
schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", APP)
schema.config.generation.update(
    max_examples=MAX_EXAMPLES, deterministic=True, allow_x00=True, database="none"
)


@pytest.fixture(autouse=True)
def api_services(make_services):
    """Fresh services for each operation: a new SQLite file, a queue that runs nothing."""
    svc = make_services(
        {"auth": "firebase", "google_cloud_project": PROJECT, **_no_rate_limits()},
        queue=RecordingQueue(),
        clock=SettableClock(NOW),
        firebase_keys=StaticKeys(KEYS),
    )
    with installed(svc):
        svc.projects.create(USER, CreateProject(prompt="A lighthouse keeper befriends a whale"))
        yield svc


def assert_error_shape(response: Any) -> None:
    if response.status_code < 400:
        return
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["fields"], dict), error
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in error["fields"].items())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_documented_non_5xx_responses(case):
    response = case.call_and_validate(headers=HEADERS, excluded_checks=EXCLUDED_CHECKS)
    assert response.status_code < 500, response.text
    assert_error_shape(response)
