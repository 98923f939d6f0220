"""Firestore consistency checks: every DocumentStore.query in the code (found with ast) has its
composite index in firestore.indexes.json and terraform; the security rules parse and agree with
the cases table in infra/rules-cases.md. Each check returns a list of problems.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.terraform_model import ROOT, TF, blocks, instances

CASES = ROOT / "infra" / "rules-cases.md"
# Collections the design names that the code does not use yet; rules must cover them already.
PLANNED_COLLECTIONS = {"schedules", "series", "usage"}


# --- Queries and their indexes ---------------------------------------------------------------

Field = tuple[str, str]  # (field path, "ASCENDING" | "DESCENDING")
Index = tuple[str, str, tuple[Field, ...]]  # (collection, query scope, fields)


@dataclass(frozen=True)
class Query:
    """One DocumentStore.query call site, as the code writes it."""

    where: str
    collection: str
    filters: tuple[tuple[str, str], ...]  # (field, operator)
    order_by: str | None = None
    descending: bool = False

    @property
    def equalities(self) -> list[str]:
        return sorted({f for f, op in self.filters if op == "=="})

    def index(self) -> tuple[Field, ...] | None:
        """The composite index Firestore needs (equality fields first, in any order), or None
        when its automatic single-field indexes serve the query."""
        eq = self.equalities
        ranged = sorted({f for f, op in self.filters if op != "=="})
        direction = "DESCENDING" if self.descending else "ASCENDING"
        if self.order_by is not None:
            order = [(f, "ASCENDING") for f in ranged if f != self.order_by]
            order.append((self.order_by, direction))
        elif ranged:  # the adapter sorts by id itself; Firestore orders by the range field
            order = [(f, "ASCENDING") for f in ranged]
        else:  # FirestoreDocumentStore orders by document id when asked to descend
            order = [("__name__", "DESCENDING")] if self.descending else []
        order = [o for o in order if o[0] not in eq]
        if not order or (not eq and len(order) == 1):
            return None
        return tuple((f, "ASCENDING") for f in eq) + tuple(order)


def _literal(node: ast.expr | None, consts: dict[str, Any], default: Any = None) -> Any:
    if node is None:
        return default
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in consts:
        return consts[node.id]
    raise ValueError(f"{ast.unparse(node)} is not a literal")


def _query(call: ast.Call, consts: dict[str, Any], where: str) -> Query:
    kw = {k.arg: k.value for k in call.keywords}
    args = [*call.args, None, None][:2]
    filters_node = args[1] or kw.get("where")
    filters = []
    if filters_node is not None:
        if not isinstance(filters_node, ast.List | ast.Tuple):
            raise ValueError(f"the filters `{ast.unparse(filters_node)}` are not a literal list")
        for item in filters_node.elts:
            if not (isinstance(item, ast.Tuple) and len(item.elts) == 3):
                raise ValueError(f"filter {ast.unparse(item)} is not a (field, op, value) tuple")
            filters.append((_literal(item.elts[0], consts), _literal(item.elts[1], consts)))
    return Query(
        where=where,
        collection=_literal(args[0] or kw.get("collection"), consts),
        filters=tuple(filters),
        order_by=_literal(kw.get("order_by"), consts),
        descending=bool(_literal(kw.get("descending"), consts, False)),
    )


def code_paths() -> list[Path]:
    """Code that uses the DocumentStore (its adapters and port implement it, so not them)."""
    skip = (ROOT / "common" / "adapters", ROOT / "common" / "ports")
    paths = [*(ROOT / "common").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    return sorted(p for p in paths if not any(p.is_relative_to(s) for s in skip))


def store_queries(paths: list[Path]) -> tuple[list[Query], list[str]]:
    """Every `<...store...>.query(...)` call (the code names its DocumentStore `store`), read by
    ast; a call it cannot read is a problem, so the list is complete or the check fails."""
    queries, problems = [], []
    for path in paths:
        tree = ast.parse(path.read_text())
        consts = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "query" or "store" not in ast.unparse(node.func.value).lower():
                continue
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{node.lineno}"
            try:
                queries.append(_query(node, consts, where))
            except ValueError as exc:
                problems.append(
                    f"{where}: {exc}; pass collection, filters, order_by and descending as "
                    "literals or module constants so the index check can read them"
                )
    return queries, problems


def json_indexes(doc: dict[str, Any]) -> list[Index]:
    """The composite indexes of a firestore.indexes.json document."""
    return [
        (
            ix["collectionGroup"],
            ix.get("queryScope", "COLLECTION"),
            tuple((f["fieldPath"], f["order"]) for f in ix["fields"]),
        )
        for ix in doc.get("indexes", [])
    ]


def tf_indexes(tf: TF) -> list[Index]:
    """The google_firestore_index instances of the terraform (one per for_each key), their
    fields written out or generated by a `dynamic "fields"` block."""
    return [
        (
            ev.value(body["collection"]),
            ev.value(body.get("query_scope", "COLLECTION")),
            tuple(
                (field_ev.value(f["field_path"]), field_ev.value(f["order"]))
                for f, field_ev in blocks(body, "fields", ev)
            ),
        )
        for body in tf["resource"].get("google_firestore_index", {}).values()
        for _, ev in instances(tf, body)
    ]


def _serves(index: Index, query: Query, need: tuple[Field, ...]) -> bool:
    """Whether `index` is the composite index `need` of `query` (equality fields in any order)."""
    collection, scope, fields = index
    if fields and fields[-1][0] == "__name__" and need[-1][0] != "__name__":
        fields = fields[:-1]  # Firestore appends __name__ itself
    n = len(query.equalities)
    return (
        collection == query.collection
        and scope == "COLLECTION"
        and len(fields) == len(need)
        and {f for f, _ in fields[:n]} == set(query.equalities)
        and fields[n:] == need[n:]
    )


def index_problems(queries: list[Query], sources: dict[str, list[Index]]) -> list[str]:
    """Every query needing a composite index finds it in each of the two sources, and the two
    sources hold the same indexes."""
    problems = []
    for query in queries:
        need = query.index()
        for source, indexes in sources.items():
            if need is not None and not any(_serves(ix, query, need) for ix in indexes):
                problems.append(f"{query.where}: {query.collection} needs index {need} in {source}")
    (a, a_ix), (b, b_ix) = sources.items()
    problems += [f"index {ix} is in {a}, not in {b}" for ix in set(a_ix) - set(b_ix)]
    problems += [f"index {ix} is in {b}, not in {a}" for ix in set(b_ix) - set(a_ix)]
    return problems


# --- Security rules and their cases table ----------------------------------------------------

_TOKEN = re.compile(
    r"match\s+(\S+)\s*\{|function\s+\w+\([^)]*\)\s*\{|allow\s+([\w,\s]+?)\s*:\s*if\s+([^;]+);|[{}]"
)
_OPS = {"read": {"get", "list"}, "write": {"create", "update", "delete"}}
# The conditions the rules may use, as a function of who asks; anything else fails the check.
CONDITIONS = {"false": lambda who: False, "isOwner()": lambda who: who == "owner"}
REQUEST_ROOT = {"firestore": "/databases/(default)/documents/", "storage": "/b/media/o/"}
OWNER_CHECK = "request.auth != null && resource.data.owner == request.auth.uid"
CASE_VALUES = {
    "service": set(REQUEST_ROOT),
    "who": {"owner", "other user", "anonymous"},
    "operation": {"get", "list", "create", "update", "delete"},
    "expected": {"allow", "deny"},
}


def _uncommented(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def rules_problems(text: str, service: str) -> list[str]:
    """Structure: rules_version 2, the `service` block, balanced braces."""
    body = _uncommented(text)
    problems = []
    if not re.search(r"^rules_version\s*=\s*'2';", body, re.M):
        problems.append("rules_version = '2' is missing")
    if not re.search(rf"\bservice\s+{re.escape(service)}\s*\{{", body):
        problems.append(f"no `service {service}` block")
    depth = 0
    for char in re.sub(r"'[^']*'|\"[^\"]*\"", "", body):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        problems.append("unbalanced braces")
    return problems


def allow_statements(text: str) -> list[tuple[re.Pattern[str], set[str], str]]:
    """(full path pattern, operations, condition) of every `allow` in nested `match` blocks."""
    stack: list[str] = []
    found = []
    for token in _TOKEN.finditer(_uncommented(text)):
        if token[1] is not None:
            stack.append(token[1])
        elif token[2] is not None:
            ops = set().union(*(_OPS.get(op.strip(), {op.strip()}) for op in token[2].split(",")))
            pattern = "".join(
                (".*" if part.endswith("=**}") else "[^/]+")
                if part.startswith("{")
                else re.escape(part)
                for part in re.split(r"(\{[^}]*\})", "".join(stack))
            )
            found.append((re.compile(pattern + "$"), ops, token[3].strip()))
        elif token[0].endswith("{"):
            stack.append("")  # a function body or a bare block
        else:
            stack.pop()
    return found


def rules_case_table(path: Path = CASES) -> list[dict[str, str]]:
    """The rows of the markdown table with a `case` column, as dicts by column name."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in path.read_text().splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not set(line) <= set("|-: ") and "case" in header:
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def case_problems(rows: list[dict[str, str]], rules: dict[str, str]) -> list[str]:
    """Each row of the cases table gets its expected answer from the rules (by service: the
    rules file text). A row is allowed when any matching `allow` for its operation holds."""
    problems = []
    owner = re.search(r"function isOwner\(\)\s*\{\s*return\s+([^;]+);", rules["firestore"])
    if not owner or " ".join(owner[1].split()) != OWNER_CHECK:
        problems.append(f"isOwner() must return {OWNER_CHECK}")
    statements = {service: allow_statements(text) for service, text in rules.items()}
    for row in rows:
        bad = [
            f"{k} {row.get(k)!r}" for k, allowed in CASE_VALUES.items() if row.get(k) not in allowed
        ]
        if bad:
            problems.append(f"{row.get('case')}: unknown {', '.join(bad)}")
            continue
        path = (
            REQUEST_ROOT[row["service"]]
            + row["path"]
            + ("/any" if row["operation"] == "list" else "")
        )
        allowed = False
        for pattern, ops, condition in statements[row["service"]]:
            if row["operation"] in ops and pattern.match(path):
                if condition not in CONDITIONS:
                    problems.append(f"{row['case']}: the checks cannot evaluate `{condition}`")
                    continue
                allowed = allowed or CONDITIONS[condition](row["who"])
        if allowed != (row["expected"] == "allow"):
            verdict = "allow" if allowed else "deny"
            problems.append(
                f"{row['case']}: the rules {verdict} it, the table says {row['expected']}"
            )
    return problems


def code_collections() -> set[str]:
    """Collections the services name (module constants ending in COLLECTION)."""
    names = set()
    for path in (ROOT / "common" / "services").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)):
                continue
            if any(isinstance(t, ast.Name) and t.id.endswith("COLLECTION") for t in node.targets):
                names.add(node.value.value)
    return names


def collection_problems(rows: list[dict[str, str]], firestore_rules: str) -> list[str]:
    """Every collection the code or the design names has a match block and cases."""
    problems = []
    for name in sorted(code_collections() | PLANNED_COLLECTIONS):
        if not re.search(rf"match\s+/{name}/\{{", _uncommented(firestore_rules)):
            problems.append(f"firestore.rules has no match block for {name}")
        if not any(r["service"] == "firestore" and r["path"].split("/")[0] == name for r in rows):
            problems.append(f"infra/rules-cases.md has no case for {name}")
    return problems
