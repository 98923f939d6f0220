"""Pages of a collection in the document store, newest first (common/domain/paging.py).

Two queries a page at most: the documents created before the cursor's instant (ordered and
limited by the store: the (owner, created_at) indexes), and, when the page ends or starts in
the middle of an instant, every document of that instant (equality filters only), so that
items created in the same instant are neither skipped nor repeated.
"""

from __future__ import annotations

from common.domain.paging import PageQuery, Position, decode_cursor, page_of
from common.ports import Document, DocumentStore, Filter

CREATED = "created_at"


def _position(doc: Document) -> Position:
    return str(doc.data.get(CREATED, "")), doc.id


def newest_first(
    store: DocumentStore, collection: str, filters: list[Filter], query: PageQuery
) -> tuple[list[Document], str | None]:
    """One page of the documents matching `filters`, newest first, and the next cursor."""
    found: dict[str, Document] = {}
    if query.cursor is not None:
        instant, _ = decode_cursor(query.cursor)
        for doc in store.query(collection, [*filters, (CREATED, "==", instant)]):
            found[doc.id] = doc
        older = [*filters, (CREATED, "<", instant)]
    else:
        older = list(filters)
    docs = store.query(collection, older, order_by=CREATED, descending=True, limit=query.limit + 1)
    for doc in docs:
        found[doc.id] = doc
    if len(docs) > query.limit:  # the page may end inside an instant: take all of it
        instant = _position(docs[query.limit - 1])[0]
        for doc in store.query(collection, [*filters, (CREATED, "==", instant)]):
            found[doc.id] = doc
    return page_of(list(found.values()), _position, query)
