"""Pages of a collection in the document store, newest first (common/domain/paging.py).

The caller runs one query for us (`fetch(before, limit)`: its documents created at or before
`before`, newest first, at most `limit`), written out literally at its call site so the index
check (tests/support/firestore_checks.py) can read it; its (owner, created_at) index serves it.
A page is fetched with one query, more only when items created in the same instant straddle the
page's edge: the fetch grows until that instant is whole, so such items are neither skipped
nor repeated.
"""

from __future__ import annotations

from collections.abc import Callable

from common.domain.paging import PageQuery, Position, decode_cursor, page_of
from common.ports import Document

CREATED = "created_at"
# Sorts after every ISO 8601 time: "created at or before the end of time".
END_OF_TIME = "~"

Fetch = Callable[[str, int], list[Document]]


def _position(doc: Document) -> Position:
    return str(doc.data.get(CREATED, "")), doc.id


def newest_first(fetch: Fetch, query: PageQuery) -> tuple[list[Document], str | None]:
    """One page of what `fetch` finds, newest first, and the next page's cursor."""
    after = decode_cursor(query.cursor) if query.cursor is not None else None
    before = after[0] if after is not None else END_OF_TIME
    want = query.limit + 1
    while True:
        docs = fetch(before, want)
        kept = sorted(
            (d for d in docs if after is None or _position(d) < after),
            key=_position,
            reverse=True,
        )
        if len(docs) < want:
            break  # everything there is
        if len(kept) > query.limit and _position(docs[-1])[0] != _position(kept[query.limit])[0]:
            break  # the page ends before the last instant fetched, which may be cut short
        want *= 2
    return page_of(kept, _position, query)
