"""Consistency checks between the deployment (infra/terraform, firebase.json, the assembly
Dockerfile, infra/README.md) and the code. Each returns a list of problems, empty when they agree.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from common.adapters.gcp.cloud_tasks import DISPATCH_DEADLINE_S
from common.adapters.registry import default_registry
from common.config import Settings
from common.domain.errors import InvalidInputError
from common.domain.model_catalogue import model_info
from common.domain.steps import DEFAULT_QUEUE_CLASS, QUEUE_CONCURRENCY
from common.domain.steps import STEPS as SPECS
from functions.steps import STEPS
from tests.support.terraform_model import (
    ROOT,
    TF,
    Evaluator,
    Function,
    deployed_functions,
    instances,
    job_env,
    reference,
)

DOCKERFILE = ROOT / "infra" / "docker" / "assemble.Dockerfile"
REAL_PROVIDERS = {
    "script_provider": "gemini",
    "images_provider": "gemini",
    "video_provider": "veo",
    "voice_provider": "elevenlabs",
}


class _Recorder(dict[str, str]):
    """An empty environment that remembers which variables were looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return False


def settings_variables() -> set[str]:
    """The environment variables Settings.from_env reads (asked of it, not listed here)."""
    recorder = _Recorder()
    Settings.from_env(recorder)
    return recorder.asked


def function_targets() -> dict[str, str]:
    """The targets main.py defines for functions-framework (its own, and those it generates from
    the step registry), by the kind the framework registered them as: http or cloud_event."""
    import types

    from functions_framework import _function_registry

    import main

    kinds = {"http": "http", "cloudevent": "cloud_event"}
    return {
        name: kinds[_function_registry.REGISTRY_MAP[name]]
        for name, value in vars(main).items()
        if isinstance(value, types.FunctionType)
        and value.__name__ == name
        and name in _function_registry.REGISTRY_MAP
    }


def function_problems(targets: dict[str, str], deployed: dict[str, Function]) -> list[str]:
    """Each target is a function of its own name, with that entry point and its trigger kind;
    no function runs an entry point main.py lacks."""
    problems = []
    for target, kind in targets.items():
        fn = deployed.get(target)
        if fn is None:
            problems.append(f"{target}: no Cloud Function of that name deploys it")
            continue
        if fn.entry_point != target:
            problems.append(f"{target}: deployed with entry point {fn.entry_point!r}")
        expected = "http" if kind == "http" else "pubsub"
        if fn.trigger != expected:
            problems.append(f"{target}: trigger {fn.trigger}, main.py needs {expected}")
    problems += [
        f"{name}: entry point {fn.entry_point} is not a target in main.py"
        for name, fn in deployed.items()
        if fn.entry_point not in targets
    ]
    return problems


def env_problems(tf: TF, variables: dict[str, Any] | None = None) -> list[str]:
    """Every function and the job get an environment Settings accepts, on the cloud backends,
    naming the resources terraform creates and the queues' attempts."""
    ev = Evaluator(tf, variables)
    resources = tf["resource"]
    project, region = ev.vars["project"], ev.vars["region"]
    expected = {
        "store": "firestore",
        "blobs": "gcs",
        "queue": "cloudtasks",
        "runner": "cloudrun",
        "google_cloud_project": project,
        "region": region,
        "bucket": ev.value(resources["google_storage_bucket"]["media"]["name"]),
        "assemble_job": ev.value(resources["google_cloud_run_v2_job"]["assemble"]["name"]),
        "tasks_service_account": ev.expr("google_service_account.tasks.email"),
        "functions_base_url": f"https://{region}-{project}.cloudfunctions.net",
    }
    known = settings_variables()
    processes = {
        name: (fn.env, fn.secret_env) for name, fn in deployed_functions(tf, variables).items()
    }
    processes["assemble job"] = job_env(tf, variables)
    problems = []
    for name, (env, secrets) in processes.items():
        problems += [
            f"{name}: {var} is not read by Settings" for var in sorted((set(env) | secrets) - known)
        ]
        try:
            settings = Settings.from_env(env | dict.fromkeys(secrets, "from-secret-manager"))
            default_registry().chosen(settings)  # provider ids and credentials, as bootstrap does
        except InvalidInputError as exc:
            problems.append(f"{name}: {exc.message}")
            continue
        for field, want in expected.items():
            if getattr(settings, field) != want:
                problems.append(f"{name}: {field} is {getattr(settings, field)!r}, not {want!r}")
        for queue in resources.get("google_cloud_tasks_queue", {}).values():
            attempts = ev.value(queue["retry_config"][0]["max_attempts"])
            if attempts != settings.max_attempts:
                problems.append(f"{name}: max_attempts {settings.max_attempts}, a queue {attempts}")
    return problems


def step_problems(tf: TF) -> list[str]:
    """Steps live in the region of the base URL and finish before the task's dispatch deadline
    runs out. (Not before the step lease: a step at work renews its claim, so a lease shorter
    than a step's timeout only says how soon a dead step runs again.)"""
    region = Evaluator(tf).vars["region"]
    problems = []
    for step, fn in deployed_functions(tf).items():
        if step not in STEPS:
            continue
        if fn.location != region:
            problems.append(f"{step}: in {fn.location}, the base URL points at {region}")
        if not fn.timeout_s < DISPATCH_DEADLINE_S:
            problems.append(f"{step}: timeout {fn.timeout_s}s outlives the dispatch deadline")
    return problems


def resource_problems(tf: TF) -> list[str]:
    """Each step's function is deployed with the resources the step registry declares, and
    Terraform's queue classes are the registry's (plus the default)."""
    deployed = deployed_functions(tf)
    problems = []
    for spec in SPECS:
        fn = deployed.get(spec.name)
        if fn is None:
            continue  # function_problems names it
        want = spec.resources
        for field, have, expect in (
            ("memory", fn.memory, want.memory),
            ("cpu", fn.cpu, want.cpu),
            ("timeout_s", fn.timeout_s, want.timeout_s),
            ("max_instances", fn.max_instances, want.max_instances),
        ):
            if have != expect:
                problems.append(f"{spec.name}: {field} {have!r} in terraform, {expect!r} in code")
    queues = tf["locals"].get("queues", {})
    classes = set(queues)
    wanted = {spec.queue for spec in SPECS} | {DEFAULT_QUEUE_CLASS}
    problems += [f"queue class {c} is not in terraform" for c in sorted(wanted - classes)]
    problems += [f"queue class {c} is not in the registry" for c in sorted(classes - wanted)]
    # The in-process queue runs each class as Cloud Tasks does (QUEUE_CONCURRENCY), except
    # voice: both follow the ElevenLabs plan's concurrency, a deployment's own setting.
    ev = Evaluator(tf)
    for name in sorted(classes & set(QUEUE_CONCURRENCY) - {"voice"}):
        have = ev.value(queues[name]["concurrent"])
        if have != QUEUE_CONCURRENCY[name]:
            problems.append(
                f"queue class {name}: {have} at once in terraform, "
                f"{QUEUE_CONCURRENCY[name]} in the registry"
            )
    return problems


def queue_problems(tf: TF, expected: list[str]) -> list[str]:
    """Terraform creates exactly the queues the code computes, by name."""
    names = set()
    for body in tf["resource"].get("google_cloud_tasks_queue", {}).values():
        names |= {ev.value(body["name"]) for _, ev in instances(tf, body)}
    return [f"queue {q} is not created" for q in expected if q not in names] + [
        f"queue {q} is created but the code never uses it" for q in sorted(names - set(expected))
    ]


def tick_problems(tf: TF) -> list[str]:
    """A topic terraform creates triggers scheduler_tick, and a scheduler job publishes to it."""
    resources = tf["resource"]
    topics = set(resources.get("google_pubsub_topic", {}))
    fn = deployed_functions(tf).get("scheduler_tick")
    problems = []
    if fn is None or fn.topic is None or fn.topic[1] not in topics:
        problems.append("scheduler_tick is not triggered by a topic terraform creates")
    jobs = resources.get("google_cloud_scheduler_job", {}).values()
    targets = [
        reference(job["pubsub_target"][0]["topic_name"]) for job in jobs if "pubsub_target" in job
    ]
    if fn is not None and fn.topic not in targets:
        problems.append("no Cloud Scheduler job publishes to scheduler_tick's topic")
    return problems


def invoker_problems(tf: TF) -> list[str]:
    """api public; each step only by the tasks account; the tick only by the events account."""
    members: dict[str, set[str]] = {}
    for body in tf["resource"].get("google_cloud_run_service_iam_member", {}).values():
        target = reference(body["service"])
        for _, ev in instances(tf, body):
            if target and body.get("role") == "roles/run.invoker":
                # A for_each binding shares its keys with the functions it guards.
                name = ev.value(tf["resource"][target[0]][target[1]]["name"])
                members.setdefault(name, set()).add(ev.value(body["member"]))
    ev = Evaluator(tf)
    tasks = f"serviceAccount:{ev.expr('google_service_account.tasks.email')}"
    events = f"serviceAccount:{ev.expr('google_service_account.events.email')}"
    wanted = {"api": {"allUsers"}, "scheduler_tick": {events}} | {s: {tasks} for s in STEPS}
    return [
        f"{name}: invokers {sorted(members.get(name, set()))}, want {sorted(want)}"
        for name, want in wanted.items()
        if members.get(name, set()) != want
    ]


def firebase_problems(config: dict[str, Any], tf: TF) -> list[str]:
    """firebase.json names existing rules and index files, rewrites /api/** to the deployed api
    function, and uses the emulator ports the READMEs document."""
    problems = [
        f"firebase.json {section}.{key}: {config[section][key]} does not exist"
        for section, key in (("firestore", "rules"), ("firestore", "indexes"), ("storage", "rules"))
        if not (ROOT / config[section][key]).is_file()
    ]
    deployed, region = deployed_functions(tf), Evaluator(tf).vars["region"]
    rewrites = config["hosting"]["rewrites"]
    if not any(r["source"] == "/api/**" and r["function"]["functionId"] == "api" for r in rewrites):
        problems.append("hosting does not rewrite /api/** to the api function")
    for rewrite in rewrites:
        fn = rewrite["function"]
        if fn["functionId"] not in deployed or fn.get("region") != region:
            problems.append(f"rewrite {rewrite['source']} -> {fn} is not a deployed function")
    emulators = config["emulators"]
    for doc in (ROOT / "README.md", ROOT / "infra" / "README.md"):
        text = doc.read_text() if doc.exists() else ""
        for name, var in (
            ("firestore", "FIRESTORE_EMULATOR_HOST="),
            ("storage", "STORAGE_EMULATOR_HOST=http://"),
        ):
            for port in re.findall(re.escape(var) + r"[\w.]+:(\d+)", text):
                if int(port) != emulators[name]["port"]:
                    want = emulators[name]["port"]
                    problems.append(f"{doc.name} uses {name} port {port}, firebase.json {want}")
    return problems


def dockerfile_problems(text: str, runtime: str) -> list[str]:
    """The image uses the functions' Python, copies paths that exist, runs a module with a
    main() under a __main__ guard, runs as a user other than root, and has fontconfig."""
    version = f"{runtime[6]}.{runtime[7:]}"  # python311 -> 3.11
    problems, user = [], None
    for line in re.sub(r"\\\n", " ", text).splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        op, args = words[0].upper(), words[1:]
        if op == "FROM" and not args[0].startswith(f"python:{version}"):
            problems.append(f"base image {args[0]} is not the functions' {runtime}")
        if op in ("COPY", "ADD") and not any(a.startswith("--from") for a in args):
            sources = [a for a in args[:-1] if not a.startswith("--")]
            problems += [f"{op} {s}: no such path" for s in sources if not (ROOT / s).exists()]
        if op == "USER":
            user = args[0]
        if op == "ENTRYPOINT":
            command = json.loads(line.split(None, 1)[1])
            module = command[command.index("-m") + 1] if "-m" in command else None
            source = ROOT / f"{str(module).replace('.', '/')}.py"
            tree = ast.parse(source.read_text()) if source.is_file() else ast.Module([], [])
            defines_main = any(
                isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body
            )
            guarded = "__name__ == '__main__'" in ast.unparse(tree)
            if not (defines_main and guarded):
                problems.append(f"entrypoint module {module} has no main() under a __main__ guard")
    if user in (None, "root", "0"):
        problems.append("the image runs as root")
    if "fontconfig" not in text:
        problems.append("fontconfig (fc-list, used to choose caption fonts) is not installed")
    return problems


def per_video_costs() -> dict[str, float]:
    """Provider cost of a 30 s video at the default models' list prices (the model catalogue):
    5 scenes, 2 characters (7 images), ~420 narration characters, 30 to 40 s of Veo (clips
    come in 4, 6 or 8 s)."""
    s = Settings()
    script = model_info(s.gemini_script_model)
    image = model_info(s.gemini_image_model)
    voice = model_info(s.elevenlabs_model)
    fast = model_info(s.veo_model)
    full = model_info("veo-3.1-generate-001")
    assert script and image and voice and fast and full
    fixed = script.usd_per_unit + 7 * image.usd_per_unit + 420 * voice.usd_per_unit
    return {
        "script": script.usd_per_unit,
        "images": 7 * image.usd_per_unit,
        "veo fast 30 s": 30 * fast.usd_per_unit,
        "veo fast 40 s": 40 * fast.usd_per_unit,
        "veo 30 s": 30 * full.usd_per_unit,
        "veo 40 s": 40 * full.usd_per_unit,
        "total fast 30 s": fixed + 30 * fast.usd_per_unit,
        "total fast 40 s": fixed + 40 * fast.usd_per_unit,
    }
