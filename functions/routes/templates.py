"""Templates: the built-in gallery (read-only, listed first) and the caller's own."""

from __future__ import annotations

from common.domain.templates import CreateTemplate, Template, TemplateList, UpdateTemplate
from functions.http import Response, json_response
from functions.routing import Call, dump, route


@route("GET", "/v1/templates", response=TemplateList)
def list_templates(call: Call[None, None]) -> Response:
    """The built-in templates (`builtin: true`, read-only), then the caller's own, newest
    first. A template's `settings` are project settings (any of them): a project or a series
    created with its `template_id` starts from them, and what the request sends overrides them.
    `settings.format` says how the story is told: its hook, its parts in order (each a story
    beat, a purpose and a share of the running time), pacing, tone, narration and look."""
    return json_response(dump(TemplateList(templates=call.svc.templates.list(call.owner))))


@route("POST", "/v1/templates", body=CreateTemplate, response=Template, status=201, errors=(404,))
def create_template(call: Call[CreateTemplate, None]) -> Response:
    """Save a template of your own: `settings`, or the settings of your project `project_id`
    (with `settings` overriding them); 404 when there is no such project of yours."""
    template = call.svc.templates.create(call.owner, call.body)
    return json_response(dump(template), 201)


@route("GET", "/v1/templates/{template_id}", response=Template)
def get_template(call: Call[None, None]) -> Response:
    """One template: a built-in or one of the caller's."""
    return json_response(dump(call.svc.templates.get(call.owner, call.params["template_id"])))


@route(
    "PATCH", "/v1/templates/{template_id}", body=UpdateTemplate, response=Template, errors=(403,)
)
def update_template(call: Call[UpdateTemplate, None]) -> Response:
    """Rename one of your templates or change its settings (those sent merge into its own).
    A built-in template is 403 `read_only`."""
    template = call.svc.templates.update(call.owner, call.params["template_id"], call.body)
    return json_response(dump(template))


@route("DELETE", "/v1/templates/{template_id}", status=204, errors=(403,))
def delete_template(call: Call[None, None]) -> Response:
    """Delete one of your templates; projects made from it keep their settings. A built-in
    template is 403 `read_only`."""
    call.svc.templates.delete(call.owner, call.params["template_id"])
    return "", 204, {}
