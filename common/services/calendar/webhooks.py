"""Webhook settings per user: where published videos are announced, and the signing secret.

The secret is made here, shown to the user once (when the webhook is set) and kept in
`webhooks/{owner}`, a collection no client may read (firestore.rules). Setting the webhook again
makes a new secret.
"""

from __future__ import annotations

import secrets

from common.domain.errors import NotFoundError
from common.domain.publishing import SetWebhook, WebhookConfig, WebhookCreated, WebhookView
from common.ports import Clock, DocumentStore
from common.ports.publisher import Publisher

WEBHOOKS_COLLECTION = "webhooks"
SECRET_PREFIX = "whsec_"


def view(config: WebhookConfig) -> WebhookView:
    return WebhookView(url=config.url, secret_hint=config.secret[-4:], created_at=config.created_at)


class WebhookService:
    def __init__(self, store: DocumentStore, clock: Clock, publisher: Publisher) -> None:
        self._store = store
        self._clock = clock
        self._publisher = publisher

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
        self._store.set(WEBHOOKS_COLLECTION, owner, config.model_dump(mode="json"))
        return WebhookCreated(**view(config).model_dump(), secret=config.secret)

    def find(self, owner: str) -> WebhookConfig | None:
        doc = self._store.get(WEBHOOKS_COLLECTION, owner)
        return None if doc is None else WebhookConfig.model_validate(doc.data)

    def get(self, owner: str) -> WebhookView:
        config = self.find(owner)
        if config is None:
            raise NotFoundError("no webhook is set: PUT /v1/webhook {url} sets one")
        return view(config)

    def delete(self, owner: str) -> None:
        self._store.delete(WEBHOOKS_COLLECTION, owner)
