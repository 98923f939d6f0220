"""Rows of the SQLite document store (common/adapters/local/sqlite_store.py): reading and
writing one document's row, merging dotted-path changes, and translating a filter into SQL over
the document's JSON (type-matched as in Firestore)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from common.adapters.doc_rules import check_filter, check_path, to_json
from common.domain.errors import AlreadyExistsError, ConflictError, NotFoundError
from common.ports.store import Document


def read(conn: sqlite3.Connection, collection: str, doc_id: str) -> Document | None:
    row = conn.execute(
        "SELECT data, version FROM documents WHERE collection = ? AND id = ?",
        (collection, doc_id),
    ).fetchone()
    return None if row is None else Document(doc_id, json.loads(row[0]), row[1])


def insert(conn: sqlite3.Connection, collection: str, doc_id: str, text: str) -> Document:
    version = fresh_version()
    cursor = conn.execute(
        "INSERT OR IGNORE INTO documents (collection, id, data, version) VALUES (?, ?, ?, ?)",
        (collection, doc_id, text, version),
    )
    if cursor.rowcount == 0:
        raise AlreadyExistsError(f"{collection}/{doc_id} already exists")
    return Document(doc_id, json.loads(text), version)


def upsert(conn: sqlite3.Connection, collection: str, doc_id: str, text: str) -> Document:
    version = fresh_version()
    conn.execute(
        "INSERT INTO documents (collection, id, data, version) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data, "
        "version = excluded.version",
        (collection, doc_id, text, version),
    )
    return Document(doc_id, json.loads(text), version)


def merge(
    conn: sqlite3.Connection,
    collection: str,
    doc_id: str,
    changes: dict[str, Any],
    version: str | None,
) -> Document:
    current = read(conn, collection, doc_id)
    if current is None:
        raise NotFoundError(f"{collection}/{doc_id} does not exist")
    if version is not None and version != current.version:
        raise ConflictError(f"{collection}/{doc_id} has changed since version {version}")
    data = current.data  # a fresh copy decoded from the row: safe to modify
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        node = data
        for name in parents:
            child = node.get(name)
            if not isinstance(child, dict):
                child = node[name] = {}
            node = child
        node[leaf] = value
    text = to_json(data)
    new_version = fresh_version()
    conn.execute(
        "UPDATE documents SET data = ?, version = ? WHERE collection = ? AND id = ?",
        (text, new_version, collection, doc_id),
    )
    return Document(doc_id, json.loads(text), new_version)


def remove(conn: sqlite3.Connection, collection: str, doc_id: str) -> None:
    conn.execute("DELETE FROM documents WHERE collection = ? AND id = ?", (collection, doc_id))


def filter_sql(path: str, op: str, value: Any) -> tuple[str, list[Any]]:
    check_filter(path, op, value)
    json_path = to_json_path(path, "where")
    if value is None:
        return "json_type(data, ?) = 'null'", [json_path]
    if isinstance(value, bool):  # before int: bool is an int; SQLite reads JSON true as 1
        types, value = "('true', 'false')", int(value)
    elif isinstance(value, int | float):
        types = "('integer', 'real')"
    else:
        types = "('text')"
    return (
        f"json_type(data, ?) IN {types} AND json_extract(data, ?) {op.replace('==', '=')} ?",
        [json_path, json_path, value],
    )


def to_json_path(path: str, field_name: str) -> str:
    return "$" + "".join(f'."{name}"' for name in check_path(path, field_name))


def data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def fresh_version() -> str:
    return uuid.uuid4().hex
