"""infra/terraform against the google provider's own schema, and against `terraform fmt`.

`terraform validate` needs the provider binary, which cannot be downloaded here; the schema
comes from the provider's prebuilt CDKTF bindings instead (tests/support/provider_schema.py,
installed by `make test`). What this catches: resource types that don't exist, misspelt
arguments and blocks at any depth, and missing required arguments and blocks. What it does not:
value types and constraints, and anything only `terraform plan` knows.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import provider_schema
from tests.support.terraform_model import TF, TF_DIR, terraform

pytestmark = pytest.mark.skipif(
    not provider_schema.PACKAGE.exists(),
    reason="run `bash infra/scripts/install-provider-schema.sh` (make test does)",
)

# Resources of other providers, which the google bindings don't describe.
OTHER_PROVIDERS = ("archive_",)


def schema_problems(tf: TF) -> list[str]:
    blocks = [
        (kind, rtype, name, body)
        for kind in ("resource",)
        for rtype, named in tf[kind].items()
        for name, body in named.items()
        if not rtype.startswith(OTHER_PROVIDERS)
    ]
    schema = provider_schema.schema({rtype for _, rtype, _, _ in blocks})
    found = []
    for _, rtype, name, body in blocks:
        if rtype not in schema:
            found.append(f"{rtype}.{name}: no such resource type in the google provider")
            continue
        found += provider_schema.problems(body, schema[rtype], f"{rtype}.{name}")
    return found


def test_every_resource_matches_the_google_provider_schema() -> None:
    assert schema_problems(terraform()) == []


def test_the_provider_version_constraint_admits_the_schema_checked_against() -> None:
    version = provider_schema.provider_version()
    constraint = re.search(
        r'version\s*=\s*"~>\s*(\d+)\.(\d+)"', (TF_DIR / "versions.tf").read_text()
    )
    assert constraint, "versions.tf pins hashicorp/google with a ~> constraint"
    major, minor = int(constraint[1]), int(constraint[2])
    have = tuple(int(part) for part in version.split("."))
    assert have[0] == major and have[1] >= minor, (version, constraint[0])


def test_a_misspelt_argument_deep_in_a_block_is_caught() -> None:
    tf = terraform()
    queue = tf["resource"]["google_cloud_tasks_queue"]["step"]
    retry = queue["retry_config"][0]
    retry["max_attempt"] = retry.pop("max_attempts", 5)
    job = tf["resource"]["google_cloud_run_v2_job"]["assemble"]
    container = job["template"][0]["template"][0]["containers"][0]
    container["imagee"] = container.pop("image")

    found = schema_problems(tf)

    assert (
        "google_cloud_tasks_queue.step.retry_config: unknown argument or block 'max_attempt'"
        in found
    )
    containers = "google_cloud_run_v2_job.assemble.template.template.containers"
    assert f"{containers}: unknown argument or block 'imagee'" in found
    assert f"{containers}: required argument 'image' is missing" in found


def test_a_missing_required_argument_or_block_is_caught() -> None:
    tf = terraform()
    del tf["resource"]["google_storage_bucket"]["media"]["location"]
    del tf["resource"]["google_cloud_run_v2_job"]["assemble"]["template"]

    found = schema_problems(tf)

    assert "google_storage_bucket.media: required argument 'location' is missing" in found
    assert "google_cloud_run_v2_job.assemble: required block 'template' is missing" in found


def test_an_unknown_resource_type_is_caught() -> None:
    tf = terraform()
    tf["resource"]["google_cloud_function2"] = {"x": {"name": "x"}}

    assert "google_cloud_function2.x: no such resource type in the google provider" in (
        schema_problems(tf)
    )


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_terraform_files_are_formatted_as_terraform_fmt_writes_them(tmp_path: Path) -> None:
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(TF_DIR)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
