"""The deployment in infra/ agrees with the code, checked without a cloud.

Every check (tests/support/infra_checks.py, firestore_checks.py) returns a list of problems; each
runs on the real files (no problems) and on a mutated copy (the problem is named), so a function,
queue, topic, index, variable or rule removed from the deployment fails here.
"""

from __future__ import annotations

import json
import re

import pytest

from common.adapters.gcp.cloud_tasks import queue_ids
from common.config import Settings
from functions.steps import STEPS
from tests.support.firestore_checks import (
    Query,
    case_problems,
    code_collections,
    code_paths,
    collection_problems,
    index_problems,
    json_indexes,
    rules_case_table,
    rules_problems,
    store_queries,
    tf_indexes,
)
from tests.support.infra_checks import (
    DOCKERFILE,
    REAL_PROVIDERS,
    deployed_functions,
    dockerfile_problems,
    env_problems,
    firebase_problems,
    function_problems,
    function_targets,
    invoker_problems,
    per_video_costs,
    queue_problems,
    resource_problems,
    step_problems,
    tick_problems,
)
from tests.support.terraform_model import ROOT, Evaluator, terraform


def test_main_py_targets_are_found_with_their_trigger_kind():
    targets = function_targets()
    assert targets["api"] == "http"
    assert targets["scheduler_tick"] == "cloud_event"
    assert {step: "http" for step in STEPS}.items() <= targets.items()


def test_every_function_target_is_deployed_with_its_entry_point_and_trigger():
    assert function_problems(function_targets(), deployed_functions(terraform())) == []


def test_a_removed_step_function_is_reported():
    tf = terraform()
    del tf["locals"]["steps"]["step_clip"]
    problems = function_problems(function_targets(), deployed_functions(tf))
    assert problems == ["step_clip: no Cloud Function of that name deploys it"]


def test_a_tick_without_its_pubsub_trigger_is_reported():
    tf = terraform()
    del tf["resource"]["google_cloudfunctions2_function"]["scheduler_tick"]["event_trigger"]
    assert function_problems(function_targets(), deployed_functions(tf)) == [
        "scheduler_tick: trigger http, main.py needs pubsub"
    ]
    assert "scheduler_tick is not triggered by a topic terraform creates" in tick_problems(tf)


def test_every_queue_the_code_names_exists_with_that_name():
    tf = terraform()
    prefix = Settings().tasks_queue_prefix
    assert Evaluator(tf).vars["tasks_queue_prefix"] == prefix
    assert queue_problems(tf, queue_ids(prefix)) == []


def test_a_removed_queue_is_reported():
    tf = terraform()
    del tf["locals"]["queues"]["video"]
    assert queue_problems(tf, queue_ids(Settings().tasks_queue_prefix)) == [
        "queue storygenius-video is not created"
    ]


@pytest.mark.parametrize("providers", [{}, REAL_PROVIDERS], ids=["offline", "real-providers"])
def test_every_process_gets_an_environment_settings_accepts(providers):
    assert env_problems(terraform(), providers) == []


def test_a_missing_env_var_is_reported_through_settings_validation():
    tf = terraform()
    del tf["locals"]["runtime_env"]["STORYGENIUS_BUCKET"]
    problems = env_problems(tf)
    assert len(problems) == len(function_targets()) + 1  # every function and the job
    assert all("STORYGENIUS_BUCKET is required with STORYGENIUS_BLOBS=gcs" in p for p in problems)


def test_a_missing_secret_is_reported_when_a_provider_needs_it():
    tf = terraform()
    del tf["resource"]["google_cloudfunctions2_function"]["api"]["service_config"][0][
        "secret_environment_variables"
    ]
    assert env_problems(tf) == []  # offline voice: no key needed
    problems = env_problems(tf, REAL_PROVIDERS)
    assert len(problems) == 1
    assert problems[0].startswith("api:") and "ELEVENLABS_API_KEY is required" in problems[0]


def test_an_env_var_settings_does_not_read_is_reported():
    tf = terraform()
    tf["locals"]["runtime_env"]["STORYGENIUS_BUKET"] = "typo"
    problems = env_problems(tf)
    assert problems and all("STORYGENIUS_BUKET is not read by Settings" in p for p in problems)


def test_queue_attempts_differing_from_the_handlers_are_reported():
    tf = terraform()
    tf["resource"]["google_cloud_tasks_queue"]["step"]["retry_config"][0]["max_attempts"] = 3
    problems = env_problems(tf)
    assert problems and all("max_attempts 5, a queue 3" in p for p in problems)


def test_steps_run_in_the_base_url_region_and_finish_within_the_dispatch_deadline():
    tf = terraform()
    assert step_problems(tf) == []
    tf["locals"]["steps"]["step_keyframe"]["timeout_s"] = 3600
    assert step_problems(tf) == ["step_keyframe: timeout 3600s outlives the dispatch deadline"]


def test_step_functions_get_the_resources_and_queue_classes_the_step_registry_declares():
    tf = terraform()
    assert resource_problems(tf) == []
    tf["locals"]["steps"]["step_clip"]["memory"] = "1Gi"
    tf["locals"]["steps"]["step_keyframe"]["cpu"] = None
    tf["locals"]["queues"]["thumbnails"] = tf["locals"]["queues"]["default"]
    del tf["locals"]["queues"]["voice"]
    tf["locals"]["queues"]["images"] = {**tf["locals"]["queues"]["images"], "concurrent": 5}
    assert resource_problems(tf) == [
        "step_keyframe: cpu None in terraform, '1' in code",
        "step_clip: memory '1Gi' in terraform, '512M' in code",
        "queue class voice is not in terraform",
        "queue class thumbnails is not in the registry",
        "queue class images: 5 at once in terraform, 20 in the registry",
    ]


def test_the_scheduler_topic_triggers_the_tick():
    tf = terraform()
    assert tick_problems(tf) == []
    del tf["resource"]["google_cloud_scheduler_job"]
    assert tick_problems(tf) == ["no Cloud Scheduler job publishes to scheduler_tick's topic"]
    del tf["resource"]["google_pubsub_topic"]
    assert "scheduler_tick is not triggered by a topic terraform creates" in tick_problems(tf)


def test_api_is_public_and_steps_are_invoked_by_the_tasks_account_only():
    tf = terraform()
    assert invoker_problems(tf) == []
    tf["resource"]["google_cloud_run_service_iam_member"]["step_invoker"]["member"] = "allUsers"
    problems = invoker_problems(tf)
    assert len(problems) == len(STEPS)
    assert all("'allUsers'" in p for p in problems)


INDEXES = ROOT / "firestore.indexes.json"
PROJECTS_INDEX = "(('owner', 'ASCENDING'), ('created_at', 'DESCENDING'))"


def _index_sources(doc: dict | None = None, tf: dict | None = None) -> dict[str, list]:
    doc = json.loads(INDEXES.read_text()) if doc is None else doc
    return {"firestore.indexes.json": json_indexes(doc), "terraform": tf_indexes(tf or terraform())}


def test_store_queries_are_read_from_the_code():
    queries, problems = store_queries(code_paths())
    assert problems == []
    assert Query("", "projects", (("owner", "=="), ("created_at", "<=")), "created_at", True) in [
        Query("", q.collection, q.filters, q.order_by, q.descending) for q in queries
    ]


def test_every_query_has_an_index_in_both_index_files():
    queries, _ = store_queries(code_paths())
    assert index_problems(queries, _index_sources()) == []


def test_a_removed_index_is_reported_for_its_file():
    queries, _ = store_queries(code_paths())
    doc = json.loads(INDEXES.read_text())
    doc["indexes"] = [ix for ix in doc["indexes"] if ix["collectionGroup"] != "projects"]
    problems = index_problems(queries, _index_sources(doc=doc))
    assert len(problems) == 2
    assert problems[0].startswith("common/services/projects/projects.py:")
    assert problems[0].endswith(f"projects needs index {PROJECTS_INDEX} in firestore.indexes.json")
    assert problems[1] == (
        f"index ('projects', 'COLLECTION', {PROJECTS_INDEX}) is in terraform, "
        "not in firestore.indexes.json"
    )
    tf = terraform()
    del tf["locals"]["firestore_indexes"]["projects_owner_created_at"]
    problems = index_problems(queries, _index_sources(tf=tf))
    assert len(problems) == 2
    assert problems[0].startswith("common/services/projects/projects.py:")
    assert problems[0].endswith(f"projects needs index {PROJECTS_INDEX} in terraform")
    assert problems[1].endswith("is in firestore.indexes.json, not in terraform")


def test_unreadable_queries_and_new_unindexed_queries_are_reported(tmp_path):
    source = tmp_path / "schedules.py"
    source.write_text(
        'COLLECTION = "schedules"\n'
        "def due(store, now, filters):\n"
        '    store.query(COLLECTION, [("status", "==", "pending"), ("publish_at", "<=", now)])\n'
        "    store.query(COLLECTION, filters)\n"
    )
    queries, problems = store_queries([source])
    assert len(problems) == 1 and "the filters `filters` are not a literal list" in problems[0]
    assert queries[0].index() == (("status", "ASCENDING"), ("publish_at", "ASCENDING"))
    need = "(('status', 'ASCENDING'), ('publish_at', 'ASCENDING'))"
    assert index_problems(queries, {"a": [], "b": []}) == [
        f"{source}:3: schedules needs index {need} in a",
        f"{source}:3: schedules needs index {need} in b",
    ]


@pytest.mark.parametrize(
    ("filters", "order_by", "descending", "index"),
    [
        ((("owner", "=="),), None, False, None),
        ((("owner", "=="), ("kind", "==")), None, False, None),
        ((), "created_at", True, None),
        ((("publish_at", "<"),), None, False, None),
        ((("owner", "=="),), "owner", True, None),
        (
            (("owner", "=="),),
            "created_at",
            True,
            (("owner", "ASCENDING"), ("created_at", "DESCENDING")),
        ),
        ((("owner", "=="),), None, True, (("owner", "ASCENDING"), ("__name__", "DESCENDING"))),
    ],
)
def test_which_queries_need_a_composite_index(filters, order_by, descending, index):
    assert Query("", "c", filters, order_by, descending).index() == index


def test_firebase_json_references_existing_files_and_deployed_functions():
    config = json.loads((ROOT / "firebase.json").read_text())
    tf = terraform()
    assert firebase_problems(config, tf) == []
    config["firestore"]["rules"] = "missing.rules"
    config["hosting"]["rewrites"] = [{"source": "/x/**", "function": {"functionId": "gone"}}]
    config["emulators"]["firestore"]["port"] = 8080
    problems = firebase_problems(config, tf)
    assert "firebase.json firestore.rules: missing.rules does not exist" in problems
    assert "hosting does not rewrite /api/** to the api function" in problems
    assert any(p.startswith("rewrite /x/**") for p in problems)
    assert any("firestore port 8081, firebase.json 8080" in p for p in problems)


@pytest.mark.parametrize(
    ("name", "service"), [("firestore", "cloud.firestore"), ("storage", "firebase.storage")]
)
def test_rules_files_parse_structurally(name, service):
    text = (ROOT / f"{name}.rules").read_text()
    assert rules_problems(text, service) == []
    assert rules_problems(text.rstrip().removesuffix("}"), service) == ["unbalanced braces"]
    assert "rules_version = '2' is missing" in rules_problems(
        text.replace("rules_version", "x"), service
    )


def _rules() -> dict[str, str]:
    return {name: (ROOT / f"{name}.rules").read_text() for name in ("firestore", "storage")}


def test_the_cases_table_agrees_with_the_rules():
    rows = rules_case_table()
    assert len(rows) >= 20
    assert {r["expected"] for r in rows} == {"allow", "deny"}
    assert case_problems(rows, _rules()) == []


def test_a_rule_letting_clients_write_is_caught_by_the_cases_table():
    rules = _rules()
    rules["firestore"] = rules["firestore"].replace(
        "allow create, update, delete: if false;", "allow create, update, delete: if isOwner();", 1
    )
    assert case_problems(rules_case_table(), rules) == [
        "F5: the rules allow it, the table says deny",
        "F6: the rules allow it, the table says deny",
        "F7: the rules allow it, the table says deny",
    ]


def test_every_collection_has_rules_and_cases():
    rows, rules = rules_case_table(), _rules()["firestore"]
    assert {"projects", "jobs", "idempotency"} <= code_collections()
    assert collection_problems(rows, rules) == []
    without_usage = re.sub(r"match /usage/\{usageId\} \{[^}]*\}", "", rules)
    assert collection_problems(rows, without_usage) == [
        "firestore.rules has no match block for usage"
    ]


def test_the_dockerfile_copies_existing_paths_and_runs_the_job_module():
    text = DOCKERFILE.read_text()
    assert dockerfile_problems(text, "python311") == []
    broken = text.replace("COPY main.py ./", "COPY main.py web/ ./").replace(
        "functions.assemble_job", "functions.assemble"
    )
    assert dockerfile_problems(broken, "python311") == [
        "COPY web/: no such path",
        "entrypoint module functions.assemble has no main() under a __main__ guard",
    ]
    assert dockerfile_problems(text, "python312") == [
        "base image python:3.11-slim is not the functions' python312"
    ]


def test_functions_run_the_dockerfile_python():
    tf = terraform()
    runtimes = {
        Evaluator(tf).value(body["build_config"][0]["runtime"])
        for body in tf["resource"]["google_cloudfunctions2_function"].values()
    }
    assert runtimes == {"python311"}


def test_variables_and_outputs_are_documented():
    tf = terraform()
    undocumented = [
        f"{kind} {name}"
        for kind in ("variable", "output")
        for name, body in tf[kind].items()
        if not body.get("description")
    ]
    assert undocumented == []


def test_the_guide_states_per_video_costs_from_the_configured_prices():
    guide = (ROOT / "infra" / "README.md").read_text()
    missing = {k: f"${v:.2f}" for k, v in per_video_costs().items() if f"${v:.2f}" not in guide}
    assert missing == {}
