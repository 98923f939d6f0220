"""SqliteDocumentStore: the DocumentStore port on one SQLite file (the embedded default).

One row per document holds its JSON and an opaque version. Every write runs inside
``BEGIN IMMEDIATE`` so transactions are serialisable across threads and processes; WAL keeps
readers from blocking writers. Watchers are told about changes by a daemon thread that wakes at
once after a commit in this instance and polls ``PRAGMA data_version`` to notice commits made by
other connections (other instances, other processes on the same file).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from common.adapters.doc_rules import check_changes, check_ref, to_json
from common.adapters.local import sqlite_rows
from common.domain.errors import (
    InvalidInputError,
    RetryableError,
    StoryGeniusError,
)
from common.ports.store import Document, Filter, Transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")
Callback = Callable[[Document | None], None]
_Write = Callable[[sqlite3.Connection], object]

_BUSY_TIMEOUT_MS = 30_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (collection, id)
) WITHOUT ROWID
"""
# Firestore orders values of different types by type first; the same rank keeps ordering alike.
_TYPE_RANK = (
    "CASE json_type(data, ?) WHEN 'null' THEN 0 WHEN 'false' THEN 1 WHEN 'true' THEN 1 "
    "WHEN 'integer' THEN 2 WHEN 'real' THEN 2 WHEN 'text' THEN 3 WHEN 'array' THEN 4 ELSE 5 END"
)
_UNSEEN = object()

# Threads of one process that write the same file queue on a Python lock: a fast hand-off,
# where SQLite's busy handler would sleep and retry. RLock so a nested write on one thread
# reaches SQLite's own "transaction within a transaction" error instead of hanging.
_file_locks: dict[Path, threading.RLock] = {}
_file_locks_guard = threading.Lock()


def _file_lock(path: Path) -> threading.RLock:
    with _file_locks_guard:
        return _file_locks.setdefault(path, threading.RLock())


class SqliteDocumentStore:
    """DocumentStore on a SQLite file; safe to share between threads and processes.

    Each thread gets its own connection. Watch callbacks run first in the caller's thread (the
    initial call) and then in the store's watcher thread.
    """

    def __init__(self, path: Path | str, *, poll_interval_s: float = 0.25) -> None:
        self._path = Path(path).resolve()
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Owner-only from the first byte (SQLite gives its -wal and -shm files the same mode).
        os.close(os.open(self._path, os.O_CREAT | os.O_RDWR, 0o600))
        self._poll_interval_s = poll_interval_s
        self._write_lock = _file_lock(self._path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._watchers: dict[tuple[str, str], list[_Watcher]] = {}
        self._watch_lock = threading.Lock()
        self._wake = threading.Event()
        self._watch_thread: threading.Thread | None = None
        self._closed = False
        conn = self._conn()
        conn.execute("PRAGMA journal_mode = WAL")  # persistent: later connections inherit it
        with self._write_lock:
            conn.execute(_SCHEMA)

    @property
    def path(self) -> Path:
        return self._path

    def get(self, collection: str, doc_id: str) -> Document | None:
        """The document, or None when it does not exist."""
        check_ref(collection, doc_id)
        return sqlite_rows.read(self._conn(), collection, doc_id)

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> Document:
        """Create if absent; AlreadyExistsError if a document with this id exists."""
        check_ref(collection, doc_id)
        text = to_json(data)
        with self._immediate() as conn:
            return sqlite_rows.insert(conn, collection, doc_id, text)

    def set(self, collection: str, doc_id: str, data: dict[str, Any]) -> Document:
        """Create or replace the whole document."""
        check_ref(collection, doc_id)
        text = to_json(data)
        with self._immediate() as conn:
            return sqlite_rows.upsert(conn, collection, doc_id, text)

    def update(
        self,
        collection: str,
        doc_id: str,
        changes: dict[str, Any],
        *,
        version: str | None = None,
    ) -> Document:
        """Merge `changes` (dotted paths allowed); NotFoundError, or ConflictError if stale."""
        check_ref(collection, doc_id)
        check_changes(changes)
        with self._immediate() as conn:
            return sqlite_rows.merge(conn, collection, doc_id, changes, version)

    def delete(self, collection: str, doc_id: str) -> None:
        """Delete the document; deleting a missing document is not an error."""
        check_ref(collection, doc_id)
        with self._immediate() as conn:
            sqlite_rows.remove(conn, collection, doc_id)

    def query(
        self,
        collection: str,
        where: Sequence[Filter] = (),
        *,
        order_by: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Document]:
        """Documents matching every filter, ordered (by id when `order_by` is None) and limited.

        As in Firestore, a filter only matches values of its own type, and ordering by a field
        leaves out documents that lack it.
        """
        sql = ["SELECT id, data, version FROM documents WHERE collection = ?"]
        params: list[Any] = [collection]
        for path, op, value in where:
            clause, clause_params = sqlite_rows.filter_sql(path, op, value)
            sql.append(f"AND {clause}")
            params.extend(clause_params)
        direction = "DESC" if descending else "ASC"
        if order_by is None:
            sql.append(f"ORDER BY id {direction}")
        else:
            json_path = sqlite_rows.to_json_path(order_by, "order_by")
            sql.append("AND json_type(data, ?) IS NOT NULL")
            sql.append(
                f"ORDER BY {_TYPE_RANK} {direction}, json_extract(data, ?) {direction}, "
                f"id {direction}"
            )
            params.extend([json_path, json_path, json_path])
        if limit is not None:
            if limit < 0:
                raise InvalidInputError("limit must not be negative", fields={"limit": "< 0"})
            sql.append("LIMIT ?")
            params.append(limit)
        rows = self._conn().execute(" ".join(sql), params).fetchall()
        return [Document(row[0], json.loads(row[1]), row[2]) for row in rows]

    def transaction(self, fn: Callable[[Transaction], T]) -> T:
        """Run `fn` under an exclusive write lock; its writes apply at commit, or not at all."""
        with self._immediate() as conn:
            txn = SqliteTransaction(conn)
            result = fn(txn)
            txn.commit()
            return result

    def watch(self, collection: str, doc_id: str, callback: Callback) -> Callable[[], None]:
        """Call `callback` with the document now and after each change; returns `unsubscribe`."""
        check_ref(collection, doc_id)
        watcher = _Watcher((collection, doc_id), callback)
        with watcher.lock:
            with self._watch_lock:
                self._watchers.setdefault(watcher.key, []).append(watcher)
                self._start_watch_thread()
            _deliver(watcher, self.get(collection, doc_id))

        def unsubscribe() -> None:
            with watcher.lock:  # waits out a delivery in progress; none can follow
                watcher.active = False
            with self._watch_lock:
                siblings = self._watchers.get(watcher.key, [])
                if watcher in siblings:
                    siblings.remove(watcher)
                if not siblings:
                    self._watchers.pop(watcher.key, None)

        return unsubscribe

    def close(self) -> None:
        """Stop the watcher thread and close every connection this store opened."""
        with self._watch_lock:
            self._closed = True
            thread = self._watch_thread
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def __enter__(self) -> SqliteDocumentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._path,
            timeout=_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # autocommit: transactions are begun explicitly
            check_same_thread=False,  # only so close() may close it; each thread uses its own
        )
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise StoryGeniusError(f"the document store {self._path} is closed")
            conn = self._connect()
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        with self._write_lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise RetryableError(f"document store is busy: {exc}", retry_after_s=1.0) from exc
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # some errors have already rolled SQLite back
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        self._wake.set()

    def _start_watch_thread(self) -> None:
        if self._watch_thread is None and not self._closed:
            self._watch_thread = threading.Thread(
                target=self._watch_loop, name=f"sqlite-watch:{self._path.name}", daemon=True
            )
            self._watch_thread.start()

    def _watch_loop(self) -> None:
        conn = self._connect()
        try:
            seen = -1  # the first pass re-reads everything: commits may predate this thread
            while True:
                self._wake.wait(self._poll_interval_s)
                self._wake.clear()
                # data_version moves when any other connection commits, in or out of process.
                # Read it before the snapshot: a watcher added later got a fresher initial call.
                current = sqlite_rows.data_version(conn)
                with self._watch_lock:
                    if self._closed or not self._watchers:
                        self._watch_thread = None
                        return
                    snapshot = [w for ws in self._watchers.values() for w in ws]
                if current == seen:
                    continue
                try:
                    for watcher in snapshot:
                        with watcher.lock:  # read under the lock: the last delivery is the newest
                            if watcher.active:
                                _deliver(watcher, sqlite_rows.read(conn, *watcher.key))
                    seen = current
                except sqlite3.Error:
                    # A busy or broken read: keep watching and try again on the next pass.
                    logger.exception("watching %s failed; retrying", self._path)
        finally:
            conn.close()


class SqliteTransaction:
    """The Transaction port: reads go to the database, writes wait for commit (as in Firestore)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._writes: list[_Write] = []

    def get(self, collection: str, doc_id: str) -> Document | None:
        """The document as of this transaction; reads must come before writes."""
        if self._writes:
            raise StoryGeniusError("transaction reads must come before its writes")
        check_ref(collection, doc_id)
        return sqlite_rows.read(self._conn, collection, doc_id)

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> None:
        """Create at commit; the transaction fails with AlreadyExistsError if it exists."""
        check_ref(collection, doc_id)
        self._writes.append(
            partial(sqlite_rows.insert, collection=collection, doc_id=doc_id, text=to_json(data))
        )

    def set(self, collection: str, doc_id: str, data: dict[str, Any]) -> None:
        """Create or replace the whole document at commit."""
        check_ref(collection, doc_id)
        self._writes.append(
            partial(sqlite_rows.upsert, collection=collection, doc_id=doc_id, text=to_json(data))
        )

    def update(self, collection: str, doc_id: str, changes: dict[str, Any]) -> None:
        """Merge `changes` (dotted paths) at commit; the transaction fails if it is missing."""
        check_ref(collection, doc_id)
        check_changes(changes)
        self._writes.append(
            partial(
                sqlite_rows.merge,
                collection=collection,
                doc_id=doc_id,
                changes=changes,
                version=None,
            )
        )

    def delete(self, collection: str, doc_id: str) -> None:
        """Delete at commit; a missing document is not an error."""
        check_ref(collection, doc_id)
        self._writes.append(partial(sqlite_rows.remove, collection=collection, doc_id=doc_id))

    def commit(self) -> None:
        """Apply the buffered writes in order (the caller commits or rolls back the SQL)."""
        for write in self._writes:
            write(self._conn)
        self._writes.clear()


@dataclass(eq=False)
class _Watcher:
    key: tuple[str, str]
    callback: Callback
    lock: threading.RLock = field(default_factory=threading.RLock)
    last: object = _UNSEEN
    active: bool = True


def _deliver(watcher: _Watcher, doc: Document | None) -> None:
    version = doc.version if doc is not None else None
    if version == watcher.last:
        return
    watcher.last = version
    try:
        watcher.callback(doc)
    except Exception:
        # A listener's bug must not silence every other listener by killing the watcher thread.
        logger.exception("watch callback for %s/%s failed", *watcher.key)
