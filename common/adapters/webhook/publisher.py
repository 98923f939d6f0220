"""WebhookPublisher: the Publisher port as a signed HTTPS POST to the user's URL.

The URL is vetted when it is saved and again when it is used, and the connection goes to the
very address that was vetted (common/adapters/http/outbound_urls.py: https only, public addresses
only, no redirects followed). The body is signed with HMAC-SHA256 over "<timestamp>.<body>"
(the scheme is documented in common/domain/publishing.py).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ssl
import time
from datetime import datetime

from common.adapters.http.outbound_urls import (
    AddressPolicy,
    Resolver,
    check_webhook_url,
    is_public_address,
    open_vetted_connection,
    resolve_host,
    vet_webhook_url,
)
from common.domain.errors import InvalidInputError
from common.domain.publishing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    SIGNATURE_VERSION,
    TIMESTAMP_HEADER,
    PublishedEvent,
    Receipt,
)

USER_AGENT = "StoryGenius-Webhook/1"
MAX_RESPONSE_BYTES = 64 * 1024
# Answers worth another attempt: the receiver is overloaded, timed out or briefly broken.
RETRYABLE_STATUSES = frozenset({408, 425, 429})


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={mac.hexdigest()}"


class WebhookPublisher:
    """Deliveries to https URLs on the public internet.

    `resolve`, `is_allowed` and `context` exist for tests that must reach a local HTTPS server:
    production code builds it with none of them (public addresses only, the system's CAs).
    """

    id = "webhook/1"

    def __init__(
        self,
        *,
        timeout_s: float = 10.0,
        resolve: Resolver = resolve_host,
        is_allowed: AddressPolicy = is_public_address,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self._timeout_s = timeout_s
        self._resolve = resolve
        self._is_allowed = is_allowed
        self._context = context

    def check_destination(self, url: str) -> str:
        """The URL normalised; InvalidInputError naming `url` unless it is https to public
        addresses only."""
        if self._is_allowed is is_public_address:
            return check_webhook_url(url, field="url", resolve=self._resolve)
        return vet_webhook_url(
            url, field="url", resolve=self._resolve, is_allowed=self._is_allowed
        ).url

    def publish(self, url: str, secret: str, event: PublishedEvent, at: datetime) -> Receipt:
        """POST the event, signed; a receipt for every outcome (never raises for the network)."""
        body = event.model_dump_json().encode()
        timestamp = int(at.timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: event.event,
            DELIVERY_HEADER: event.schedule_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(secret, timestamp, body),
        }
        started = time.monotonic()

        def elapsed_ms() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            conn, target = open_vetted_connection(
                url,
                field="url",
                resolve=self._resolve,
                timeout=self._timeout_s,
                context=self._context,
                is_allowed=self._is_allowed,
            )
        except InvalidInputError as exc:
            # DNS may answer differently later (or stop pointing somewhere private): retrying
            # is bounded by the queue's attempts and each try is vetted again.
            return Receipt(
                ok=False, retryable=True, error=exc.message[:500], latency_ms=elapsed_ms()
            )
        try:
            conn.request("POST", target.path, body=body, headers=headers)
            response = conn.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            status = response.status
        except (OSError, http.client.HTTPException) as exc:  # ssl.SSLError is an OSError
            failure = f"{type(exc).__name__}: {exc}"[:500]
            return Receipt(ok=False, retryable=True, error=failure, latency_ms=elapsed_ms())
        finally:
            conn.close()
        ok = 200 <= status < 300
        retryable = not ok and (status >= 500 or status in RETRYABLE_STATUSES)
        error = None if ok else f"the receiver answered {status}"
        return Receipt(
            ok=ok, status=status, retryable=retryable, error=error, latency_ms=elapsed_ms()
        )
