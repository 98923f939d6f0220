"""The OpenAPI document: built from the router's own registry, its schemas from the models."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from common.domain.commands import UpdateProject
from common.domain.job import Job, JobError, SceneState
from common.domain.project import Project, ProjectSettings
from common.domain.story import Character, Scene, Story, StyleBible
from functions.api import ROUTES, openapi_spec

jsonschema = pytest.importorskip("jsonschema")

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    # Through JSON and back: what a client parses, not the Python objects.
    return json.loads(json.dumps(openapi_spec()))


def validator(document: dict[str, Any], component: str) -> Any:
    """A validator for one component schema, its refs resolved against the document."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def a_project() -> Project:
    story = Story(
        title="The Keeper",
        logline="A keeper and a whale.",
        style=StyleBible(
            visual_style="ink",
            palette=["#112233", "#445566", "#778899"],
            characters=[Character(id="keeper", name="Ada", description="an old keeper")],
        ),
        scenes=[
            Scene(
                id="s1",
                beat="hook",
                narration="Night falls.",
                visual_prompt="a tower",
                characters=["keeper"],
                transition="dip",
            )
        ],
    )
    return Project(
        id="p1",
        owner="alice",
        prompt="A lighthouse keeper befriends a whale",
        settings=ProjectSettings(duration_s=20, aspect="16:9", music=True),
        story=story,
        revision=3,
        created_at=NOW,
        updated_at=NOW,
    )


def a_job() -> Job:
    return Job(
        id="j1",
        owner="alice",
        project_id="p1",
        status="failed",
        stage="scenes",
        progress=42,
        settings=ProjectSettings(),
        scene_ids=["s1"],
        scenes={"s1": SceneState(narration="done", clip="fallback", clip_source="kenburns")},
        error=JobError(stage="scenes", scene="s1", code="content_filtered", message="refused"),
        created_at=NOW,
        updated_at=NOW,
        finished_at=NOW,
    )


def test_the_document_names_every_route_of_the_router_once(document):
    served = [(path, method) for path, ops in document["paths"].items() for method in ops]
    assert sorted(served) == sorted((r.path, r.method.lower()) for r in ROUTES)
    operation_ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(set(operation_ids)) == len(operation_ids) == len(ROUTES)


def test_every_reference_in_the_document_resolves(document):
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(document):
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


def test_bodies_responses_security_and_headers_are_described(document):
    paths = document["paths"]
    create = paths["/v1/projects"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CreateProject"}
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Project"
    }
    patch = paths["/v1/projects/{project_id}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UpdateProject"
    }
    assert {"400", "404", "409", "413"} <= set(patch["responses"])
    assert "clears the written story" in patch["description"]

    generate = paths["/v1/projects/{project_id}/generate"]["post"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in generate["parameters"]
    assert document["components"]["parameters"]["IdempotencyKey"]["in"] == "header"
    assert "202" in generate["responses"]

    story = paths["/v1/projects/{project_id}/story"]["get"]["responses"]["200"]
    assert story["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Story"}
    cancel = paths["/v1/jobs/{job_id}/cancel"]["post"]["responses"]
    assert cancel["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Job"
    }
    assert "409" in cancel

    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearer": []}]
    assert paths["/v1/health"]["get"]["security"] == []
    assert "401" in paths["/v1/projects"]["get"]["responses"]


def test_errors_share_one_schema(document):
    responses = document["components"]["responses"]
    assert {r["content"]["application/json"]["schema"]["$ref"] for r in responses.values()} == {
        "#/components/schemas/ErrorResponse"
    }
    check = validator(document, "ErrorResponse")
    check.validate({"error": {"code": "invalid_argument", "message": "x", "fields": {"a": "b"}}})
    with pytest.raises(jsonschema.ValidationError):
        check.validate({"error": {"message": "no code"}})


def test_the_project_and_job_schemas_validate_real_dumps(document):
    validator(document, "Project").validate(a_project().model_dump(mode="json"))
    validator(document, "Job").validate(a_job().model_dump(mode="json"))
    validator(document, "Story").validate(a_project().story.model_dump(mode="json"))


@pytest.mark.parametrize(
    ("component", "change"),
    [
        ("Project", {"settings": {"duration_s": 5}}),
        ("Project", {"colour": "red"}),
        ("Job", {"progress": 101}),
        ("Job", {"status": "paused"}),
    ],
)
def test_the_schemas_reject_what_the_models_reject(document, component, change):
    dump = (a_project() if component == "Project" else a_job()).model_dump(mode="json")
    for key, value in change.items():
        dump[key] = {**dump[key], **value} if isinstance(value, dict) else value
    with pytest.raises(jsonschema.ValidationError):
        validator(document, component).validate(dump)


def test_the_patch_schema_takes_partial_settings_and_refuses_null(document):
    check = validator(document, "UpdateProject")
    check.validate({"settings": {"music": True}, "revision": 2})
    check.validate({})
    for bad in ({"title": None}, {"settings": {"duration_s": 500}}, {"settings": {"x": 1}}):
        with pytest.raises(jsonschema.ValidationError):
            check.validate(bad)
    # The schema and the model agree on what a patch is.
    UpdateProject.model_validate({"settings": {"music": True}, "revision": 2})


def test_the_settings_patch_has_every_setting(document):
    patch = document["components"]["schemas"]["ProjectSettingsPatch"]
    settings = document["components"]["schemas"]["ProjectSettings"]
    assert set(patch["properties"]) == set(settings["properties"])
    assert "required" not in patch
