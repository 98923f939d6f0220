"""The google provider's configuration schema, read from its prebuilt CDKTF bindings.

The provider binary cannot be downloaded here, so `terraform validate` cannot run. The npm
package @cdktf/provider-google is generated from the provider's own schema (its README names
the provider version): for every resource, `synthesizeHclAttributes()` lists each argument
and nested block by its Terraform name, and each block's `...ToHclTerraform(struct)` function
does the same one level down; `index.d.ts` marks which configuration properties are required.
This module turns that into a tree of `Block`s, enough to catch misspelt arguments, blocks at
the wrong level and missing required arguments. It does not know types or value constraints.

`infra/scripts/install-provider-schema.sh` unpacks the package into .tools/ (not committed).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / ".tools" / "cdktf-provider-google" / "package"

# Arguments Terraform itself gives every resource and data block.
META_ARGUMENTS = {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner"}

_ATTR = re.compile(r"^\s{8,}(\w+): \{\n\s+value: (.*),\n\s+isBlock: (true|false),", re.MULTILINE)
_TABLE_END = "// remove undefined attributes"
_HCL_FN = re.compile(r"^function (\w+)ToHclTerraform\(struct\) \{$", re.MULTILINE)
_NESTED = re.compile(r"(\w+)ToHclTerraform\b")
_CAMEL = re.compile(r"(?:struct|this)\.(?:_)?(\w+)")
_INTERFACE = re.compile(r"^export interface (\w+)(?: extends [\w.]+)? \{$", re.MULTILINE)
_PROPERTY = re.compile(r"^\s+readonly (\w+)(\?)?:", re.MULTILINE)


@dataclass
class Block:
    """A resource, or one of its nested blocks: arguments (name -> required) and blocks."""

    arguments: dict[str, bool] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)
    required_blocks: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "arguments": self.arguments,
            "blocks": {name: block.to_json() for name, block in self.blocks.items()},
            "required_blocks": sorted(self.required_blocks),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Block:
        return cls(
            arguments=dict(data["arguments"]),
            blocks={name: cls.from_json(b) for name, b in data["blocks"].items()},
            required_blocks=set(data["required_blocks"]),
        )


def provider_version(package: Path = PACKAGE) -> str:
    """The provider version the bindings were generated from (their README's first line)."""
    readme = (package / "README.md").read_text()
    match = re.search(r"hashicorp/google provider version ([\d.]+)", readme)
    if not match:
        raise ValueError(f"no provider version in {package / 'README.md'}")
    return match[1]


@functools.cache
def _resource_dirs(package: Path) -> dict[str, Path]:
    """Terraform resource type -> the folder of its bindings (data sources, in data-* folders,
    share their resource's type name and are left out)."""
    found = {}
    for index in (package / "lib").glob("*/index.js"):
        if index.parent.name.startswith("data-"):
            continue
        match = re.search(r'\.tfResourceType = "(\w+)";', index.read_text())
        if match:
            found[match[1]] = index.parent
    return found


def _interfaces(declarations: str) -> dict[str, dict[str, bool]]:
    """Interface name -> {camelCase property: required} from an index.d.ts."""
    found: dict[str, dict[str, bool]] = {}
    starts = list(_INTERFACE.finditer(declarations))
    for match in starts:
        end = declarations.index("\n}", match.end())
        body = declarations[match.end() : end]
        found[match[1]] = {p[1]: not p[2] for p in _PROPERTY.finditer(body)}
    return found


def _attr_table(text: str) -> list[tuple[str, str, bool]]:
    """(terraform name, value expression, is block) of one `const attrs = {...}` table."""
    return [(m[1], m[2], m[3] == "true") for m in _ATTR.finditer(text)]


def _capitalised(name: str) -> str:
    return name[0].upper() + name[1:]


def _block(
    rows: list[tuple[str, str, bool]],
    required: dict[str, bool],
    functions: dict[str, str],
    interfaces: dict[str, dict[str, bool]],
) -> Block:
    block = Block()
    for name, value, is_block in rows:
        camel = _CAMEL.search(value)
        needed = bool(camel and required.get(camel[1], False))
        if not is_block:
            block.arguments[name] = needed
            continue
        nested = _NESTED.search(value)
        if not nested or nested[1] not in functions:
            raise ValueError(f"block {name}: no ...ToHclTerraform function in {value!r}")
        fn = nested[1]
        block.blocks[name] = _block(
            _attr_table(functions[fn]),
            interfaces.get(_capitalised(fn), {}),
            functions,
            interfaces,
        )
        if needed:
            block.required_blocks.add(name)
    return block


def _resource_schema(folder: Path) -> Block:
    code = (folder / "index.js").read_text()
    interfaces = _interfaces((folder / "index.d.ts").read_text())
    starts = _HCL_FN.finditer(code)
    # Each function's own body (a top-level function ends at a `}` in column 0); an empty
    # block's function has no `attrs` table at all.
    functions = {m[1]: code[m.end() : code.index("\n}\n", m.end())] for m in starts}
    synth = code.index("synthesizeHclAttributes() {")
    top = code[synth : code.index(_TABLE_END, synth)]
    owner = re.search(r"^(\w+)\.tfResourceType = ", code, re.MULTILINE)
    if owner is None:
        raise ValueError(f"{folder}: no resource class")
    config = f"{owner[1]}Config"
    return _block(_attr_table(top), interfaces[config], functions, interfaces)


def schema(resource_types: set[str], package: Path = PACKAGE) -> dict[str, Block]:
    """The schema of each resource type (cached as JSON next to the package)."""
    cache = package.parent / f"schema-{provider_version(package)}.json"
    known: dict[str, Any] = json.loads(cache.read_text()) if cache.exists() else {}
    missing = sorted(resource_types - known.keys())
    if missing:
        folders = _resource_dirs(package)
        for rtype in missing:
            if rtype in folders:
                known[rtype] = _resource_schema(folders[rtype]).to_json()
            else:
                known[rtype] = None  # not a resource of this provider
        cache.write_text(json.dumps(known, indent=1, sort_keys=True))
    return {rtype: Block.from_json(known[rtype]) for rtype in resource_types if known[rtype]}


def problems(body: dict[str, Any], block: Block, where: str, top: bool = True) -> list[str]:
    """What in one parsed resource block (python-hcl2: nested blocks are lists of dicts) the
    schema rejects, each naming where it is."""
    found = []
    for name, value in body.items():
        if name in META_ARGUMENTS and top:
            continue
        if name == "dynamic":
            for dynamic in value:
                for inner, spec in dynamic.items():
                    if inner not in block.blocks:
                        found.append(f"{where}: dynamic {inner!r} is not a block here")
                        continue
                    for content in spec.get("content", []):
                        found += problems(content, block.blocks[inner], f"{where}.{inner}", False)
            continue
        if name in block.blocks:
            items = value if isinstance(value, list) else [value]
            for item in items:
                found += problems(item, block.blocks[name], f"{where}.{name}", False)
        elif name not in block.arguments:
            found.append(f"{where}: unknown argument or block {name!r}")
    present = set(body) | {inner for dynamic in body.get("dynamic", []) for inner in dynamic}
    for name, needed in block.arguments.items():
        if needed and name not in present:
            found.append(f"{where}: required argument {name!r} is missing")
    for name in block.required_blocks - present:
        found.append(f"{where}: required block {name!r} is missing")
    return found
