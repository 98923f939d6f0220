"""Test support for posting to platforms: settings pointing at the stand-ins, connecting an
account through the real OAuth flow, a document store that "crashes" once on a chosen write,
and a generated video file."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from common.domain.connections import StartConnection
from common.ports import DocumentStore, Transaction


def platform_settings(
    youtube: Any = None, tiktok: Any = None, instagram: Any = None
) -> dict[str, Any]:
    """Settings with each given stand-in's OAuth client and base URL."""
    values: dict[str, Any] = {"public_base_url": "https://studio.example.com/api"}
    if youtube is not None:
        values.update(
            youtube_client_id=youtube.client_id,
            youtube_client_secret=youtube.client_secret,
            youtube_base_url=youtube.url,
            youtube_chunk_bytes=256 * 1024,
        )
    if tiktok is not None:
        values.update(
            tiktok_client_key=tiktok.client_id,
            tiktok_client_secret=tiktok.client_secret,
            tiktok_base_url=tiktok.url,
        )
    if instagram is not None:
        values.update(
            instagram_client_id=instagram.client_id,
            instagram_client_secret=instagram.client_secret,
            instagram_base_url=instagram.url,
        )
    return values


def connect(svc: Any, owner: str, platform: str, stub: Any) -> None:
    """Connect `owner`'s account the way a browser does: start, consent, callback."""
    started = svc.connections.start(owner, platform, StartConnection())
    query = stub.consent(started.authorize_url)
    svc.connections.callback(query["state"], query.get("code"), query.get("error"))


def video_bytes(size: int) -> bytes:
    """`size` bytes that start like an MP4 (the platforms' stand-ins only move bytes)."""
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return (head + os.urandom(size))[:size]


class SimulatedCrashError(Exception):
    """The process died here (not a StoryGeniusError: nothing catches it as a known failure)."""


def video_id_recorded(collection: str, data: dict[str, Any]) -> bool:
    """CrashOnce's `when` for a crash after a platform made the video and before the post's
    ledger heard its id (the first write that would carry it)."""
    return collection == "posts" and "video_id" in data.get("session", {})


class CrashOnce:
    """A DocumentStore that fails the first transaction writing a document `when(collection,
    data)` selects, as if the process died just before that write; everything else passes."""

    def __init__(self, store: DocumentStore, when: Callable[[str, dict[str, Any]], bool]) -> None:
        self._store = store
        self._when = when
        self.crashed = 0

    def transaction(self, fn: Callable[[Transaction], Any]) -> Any:
        outer = self

        class Tx:
            def __init__(self, tx: Transaction) -> None:
                self._tx = tx

            def set(self, collection: str, doc_id: str, data: dict[str, Any]) -> None:
                if not outer.crashed and outer._when(collection, data):
                    outer.crashed += 1
                    raise SimulatedCrashError(f"crashed before writing {collection}/{doc_id}")
                self._tx.set(collection, doc_id, data)

            def __getattr__(self, name: str) -> Any:
                return getattr(self._tx, name)

        return self._store.transaction(lambda tx: fn(Tx(tx)))  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
