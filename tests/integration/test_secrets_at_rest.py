"""Secrets at rest (issue 16 item 10): the data folder is the owner's alone, and no secret the
service keeps is readable in the stored bytes or in the logs."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from tests.support.api import ALICE, api_client, installed
from tests.support.calendar import loopback_publisher, receiver  # noqa: F401


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def raw_bytes(data_dir: Path) -> bytes:
    """Every byte the embedded store keeps: the SQLite file and its journal, media, keys."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())


def test_the_data_folder_database_and_key_file_are_owner_only(make_services, tmp_path):
    svc = make_services()
    svc.webhooks.find("nobody")  # touch the store
    data = tmp_path / "data"
    assert _mode(data) == 0o700
    assert _mode(data / "storygenius.sqlite3") == 0o600
    assert _mode(data / "keys") == 0o700 and _mode(data / "keys" / "secrets.key") == 0o600
    svc.blobs.put("jobs/j/video.mp4", b"\x00", "video/mp4")
    assert _mode(data / "media" / "jobs" / "j" / "video.mp4") == 0o600


def test_a_webhook_secret_is_sealed_in_the_store_and_never_logged(
    make_services,
    receiver,  # noqa: F811
    tmp_path,
    caplog,
):
    caplog.set_level(logging.DEBUG)
    svc = make_services(publisher=loopback_publisher(receiver))
    with installed(svc):
        answer = api_client().put("/v1/webhook", json={"url": receiver.url}, headers=ALICE)
        assert answer.status_code == 200
        secret = answer.get_json()["secret"]
        shown = api_client().get("/v1/webhook", headers=ALICE).get_json()
    assert "secret" not in shown and shown["secret_hint"] == secret[-4:]
    assert svc.webhooks.find("alice").secret == secret  # it still opens for signing

    stored = svc.store.get("webhooks", "alice").data
    assert "secret" not in stored and stored["secret_sealed"]["kek"].startswith("local:")
    assert secret.encode() not in raw_bytes(tmp_path / "data")
    assert secret.removeprefix("whsec_").encode() not in raw_bytes(tmp_path / "data")
    assert secret not in caplog.text


def test_a_plaintext_secret_from_before_is_sealed_when_first_read(make_services):
    svc = make_services()
    legacy = {
        "owner": "alice",
        "url": "https://hooks.example.com/x",
        "secret": "whsec_legacy-plain-secret",
        "created_at": "2026-01-01T00:00:00Z",
    }
    svc.store.set("webhooks", "alice", legacy)
    assert svc.webhooks.find("alice").secret == "whsec_legacy-plain-secret"
    stored = svc.store.get("webhooks", "alice").data
    assert "secret" not in stored and "whsec_legacy" not in str(stored)
    assert svc.webhooks.get("alice").secret_hint == "cret"
