"""Webhook settings per user: where published videos are announced, and the signing secret.

The secret is made here, shown to the user once (when the webhook is set) and kept in
`webhooks/{owner}` sealed by envelope encryption (common/services/accounts/secrets.py): the
document holds only the ciphertext and the secret's last characters, in a collection no client
may read (firestore.rules). Setting the webhook again makes a new secret. A document written
before secrets were sealed (a plaintext `secret`) is sealed the first time it is read.
"""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import Field

from common.domain.base import StrictModel
from common.domain.errors import NotFoundError
from common.domain.publishing import SetWebhook, WebhookConfig, WebhookCreated, WebhookView
from common.domain.schedule import Instant
from common.domain.secrets import SealedSecret
from common.ports import Clock, DocumentStore
from common.ports.publisher import Publisher
from common.services.accounts.secrets import SecretBox

WEBHOOKS_COLLECTION = "webhooks"
SECRET_PREFIX = "whsec_"
HINT_CHARS = 4


class StoredWebhook(StrictModel):
    """`webhooks/{owner}` as stored: the secret sealed, never in plain text."""

    owner: str
    url: str
    secret_sealed: SealedSecret
    secret_hint: str = Field(max_length=HINT_CHARS)
    created_at: Instant


def view(config: WebhookConfig) -> WebhookView:
    return WebhookView(
        url=config.url, secret_hint=config.secret[-HINT_CHARS:], created_at=config.created_at
    )


def _context(owner: str) -> str:
    return f"{WEBHOOKS_COLLECTION}/{owner}/secret"


class WebhookService:
    def __init__(
        self, store: DocumentStore, clock: Clock, publisher: Publisher, box: SecretBox
    ) -> None:
        self._store = store
        self._clock = clock
        self._publisher = publisher
        self._box = box

    def set(self, owner: str, command: SetWebhook) -> WebhookCreated:
        """Save the owner's webhook (the URL vetted: https to public addresses only, else a
        400 naming `url`) with a new secret, returned this once."""
        url = self._publisher.check_destination(command.url)
        config = WebhookConfig(
            owner=owner,
            url=url,
            secret=SECRET_PREFIX + secrets.token_urlsafe(32),
            created_at=self._clock.now(),
        )
        self._save(config)
        return WebhookCreated(**view(config).model_dump(), secret=config.secret)

    def find(self, owner: str) -> WebhookConfig | None:
        """The owner's webhook with its secret opened (in memory only), or None."""
        doc = self._store.get(WEBHOOKS_COLLECTION, owner)
        if doc is None:
            return None
        if "secret" in doc.data:  # written before secrets were sealed: seal it now
            config = WebhookConfig.model_validate(doc.data)
            self._save(config)
            return config
        stored = StoredWebhook.model_validate(doc.data)
        secret = self._box.open(stored.secret_sealed, _context(owner))
        return WebhookConfig(
            owner=stored.owner, url=stored.url, secret=secret, created_at=stored.created_at
        )

    def get(self, owner: str) -> WebhookView:
        doc = self._store.get(WEBHOOKS_COLLECTION, owner)
        if doc is None:
            raise NotFoundError("no webhook is set: PUT /v1/webhook {url} sets one")
        data: dict[str, Any] = doc.data
        if "secret" in data:
            return view(WebhookConfig.model_validate(data))
        stored = StoredWebhook.model_validate(data)
        return WebhookView(
            url=stored.url, secret_hint=stored.secret_hint, created_at=stored.created_at
        )

    def delete(self, owner: str) -> None:
        self._store.delete(WEBHOOKS_COLLECTION, owner)

    def _save(self, config: WebhookConfig) -> None:
        stored = StoredWebhook(
            owner=config.owner,
            url=config.url,
            secret_sealed=self._box.seal(config.secret, _context(config.owner)),
            secret_hint=config.secret[-HINT_CHARS:],
            created_at=config.created_at,
        )
        self._store.set(WEBHOOKS_COLLECTION, config.owner, stored.model_dump(mode="json"))
