"""infra/terraform as data: parsed with python-hcl2, with the few expressions the consistency
checks need resolved (variables at their defaults, locals, for_each keys, literal resource
attributes, service account emails). Anything known only after `terraform apply` stays a
placeholder "<expression>".
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

ROOT = Path(__file__).resolve().parents[2]
TF_DIR = ROOT / "infra" / "terraform"
FIXTURE_VARS = {"project": "sg-test-project"}  # variables without a default
PUBSUB_EVENT = "google.cloud.pubsub.topic.v1.messagePublished"

TF = dict[str, Any]


@functools.cache
def _parsed(directory: Path) -> TF:
    options = SerializationOptions(
        with_comments=False, explicit_blocks=False, strip_string_quotes=True
    )
    merged: TF = {"resource": {}, "data": {}, "variable": {}, "locals": {}, "output": {}}
    for path in sorted(directory.glob("*.tf")):
        with path.open() as f:
            doc = hcl2.load(f, serialization_options=options)
        for kind in ("resource", "data"):
            for block in doc.get(kind, []):
                for rtype, named in block.items():
                    merged[kind].setdefault(rtype, {}).update(named)
        for kind in ("variable", "locals", "output"):
            for block in doc.get(kind, []):
                merged[kind].update(block)
    return merged


def terraform(directory: Path = TF_DIR) -> TF:
    """Every .tf file of `directory` merged into one dict (a fresh copy: tests mutate it)."""
    return copy.deepcopy(_parsed(directory))


def as_text(value: Any) -> str:
    """A value as terraform turns it into a string (booleans are "true" and "false")."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def reference(raw: Any) -> tuple[str, str] | None:
    """(type, name) of the resource a `${type.name.attr}` expression points at."""
    match = re.fullmatch(r"\$\{(\w+)\.(\w+)(?:\[[^\]]*\])?\.[\w\[\].]+\}", str(raw))
    return (match[1], match[2]) if match else None


class Evaluator:
    """Resolves var., local., each., a dynamic block's iterator, tostring(), literal resource
    attributes and service account emails. Anything else (known only after apply) becomes
    "<expression>"."""

    def __init__(
        self,
        tf: TF,
        variables: dict[str, Any] | None = None,
        iterators: dict[str, tuple[Any, Any]] | None = None,
    ):
        self.tf = tf
        defaults = {name: body.get("default") for name, body in tf["variable"].items()}
        self.vars = defaults | FIXTURE_VARS | (variables or {})
        self.iterators = iterators or {}  # "each", or a dynamic block's name: (key, value)

    def with_each(self, key: str, value: Any) -> Evaluator:
        return self.with_iterator("each", key, value)

    def with_iterator(self, name: str, key: Any, value: Any) -> Evaluator:
        return Evaluator(self.tf, self.vars, self.iterators | {name: (key, value)})

    def value(self, raw: Any) -> Any:
        if isinstance(raw, dict):
            return {k: self.value(v) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        if not isinstance(raw, str):
            return raw
        whole = re.fullmatch(r"\$\{([^{}]*)\}", raw)
        if whole:
            return self.expr(whole[1].strip())
        return re.sub(r"\$\{([^{}]*)\}", lambda m: as_text(self.expr(m[1].strip())), raw)

    def expr(self, text: str) -> Any:
        if match := re.fullmatch(r"tostring\((.*)\)", text):
            return as_text(self.expr(match[1]))
        parts = text.split(".")
        if parts[0] == "var" and len(parts) == 2 and parts[1] in self.vars:
            return self.vars[parts[1]]
        if parts[0] == "local" and parts[1] in self.tf["locals"]:
            return self._walk(self.value(self.tf["locals"][parts[1]]), parts[2:], text)
        if parts[0] in self.iterators and len(parts) > 1:
            key, value = self.iterators[parts[0]]
            return key if parts[1] == "key" else self._walk(value, parts[2:], text)
        body = self.tf["resource"].get(parts[0], {}).get(parts[1]) if len(parts) == 3 else None
        if body is not None:
            if parts[0] == "google_service_account" and parts[2] == "email":
                account = self.value(body["account_id"])
                return f"{account}@{self.vars['project']}.iam.gserviceaccount.com"
            if isinstance(body.get(parts[2]), str | int | float):
                return Evaluator(self.tf, self.vars).value(body[parts[2]])
        return f"<{text}>"

    @staticmethod
    def _walk(value: Any, path: list[str], text: str) -> Any:
        for part in path:
            if not isinstance(value, dict) or part not in value:
                return f"<{text}>"
            value = value[part]
        return value


def instances(
    tf: TF, body: dict[str, Any], variables: dict[str, Any] | None = None
) -> list[tuple[str | None, Evaluator]]:
    """(key, evaluator) for each instance of a resource: one per for_each key, or one."""
    ev = Evaluator(tf, variables)
    if "for_each" not in body:
        return [(None, ev)]
    keys = ev.value(body["for_each"])
    assert isinstance(keys, dict), f"for_each must resolve to a map here, got {keys!r}"
    return [(key, ev.with_each(key, value)) for key, value in keys.items()]


def blocks(
    body: dict[str, Any], name: str, ev: Evaluator
) -> list[tuple[dict[str, Any], Evaluator]]:
    """(block, evaluator) for each `name` block of a resource body: the literal ones, then one
    per element of each `dynamic "name"` block, its evaluator resolving `<iterator>.value`."""
    found = [(block, ev) for block in body.get(name, [])]
    for dynamic in body.get("dynamic", []):
        if name not in dynamic:
            continue
        spec = dynamic[name]
        items = ev.value(spec["for_each"])
        pairs = items.items() if isinstance(items, dict) else enumerate(items)
        iterator = spec.get("iterator", name)
        for key, value in pairs:
            found += [
                (content, ev.with_iterator(iterator, key, value)) for content in spec["content"]
            ]
    return found


@dataclass
class Function:
    """What the checks need to know about one deployed Cloud Function."""

    entry_point: str
    trigger: str  # "http", "pubsub" or another event type
    topic: tuple[str, str] | None
    location: str
    timeout_s: int
    env: dict[str, str]
    secret_env: set[str]
    memory: str | None = None
    cpu: str | None = None
    max_instances: int | None = None


def deployed_functions(tf: TF, variables: dict[str, Any] | None = None) -> dict[str, Function]:
    """Every google_cloudfunctions2_function instance by its function name."""
    found = {}
    for body in tf["resource"].get("google_cloudfunctions2_function", {}).values():
        for _, ev in instances(tf, body, variables):
            service = body.get("service_config", [{}])[0]
            events = body.get("event_trigger", [])
            event_type = ev.value(events[0]["event_type"]) if events else "http"
            found[ev.value(body["name"])] = Function(
                entry_point=ev.value(body["build_config"][0].get("entry_point", "")),
                trigger="pubsub" if event_type == PUBSUB_EVENT else event_type,
                topic=reference(events[0].get("pubsub_topic")) if events else None,
                location=ev.value(body.get("location", "")),
                timeout_s=int(ev.value(service.get("timeout_seconds", 60))),
                env={
                    k: as_text(v)
                    for k, v in ev.value(service.get("environment_variables", {})).items()
                },
                secret_env={
                    ev.value(s["key"]) for s in service.get("secret_environment_variables", [])
                },
                memory=ev.value(service.get("available_memory")),
                cpu=ev.value(service.get("available_cpu")),
                max_instances=ev.value(service.get("max_instance_count")),
            )
    return found


def job_env(tf: TF, variables: dict[str, Any] | None = None) -> tuple[dict[str, str], set[str]]:
    """The assembly job container's plain and secret environment."""
    ev = Evaluator(tf, variables)
    body = tf["resource"]["google_cloud_run_v2_job"]["assemble"]
    container = body["template"][0]["template"][0]["containers"][0]
    env = {
        ev.value(e["name"]): as_text(ev.value(e["value"]))
        for e in container.get("env", [])
        if "value" in e
    }
    secrets = {ev.value(e["name"]) for e in container.get("env", []) if "value_source" in e}
    for block in container.get("dynamic", []):
        if "env" in block:
            env |= {k: as_text(v) for k, v in ev.value(block["env"]["for_each"]).items()}
    return env, secrets
