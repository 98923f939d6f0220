"""Signed tokens: where public keys come from, and checking a token's signature with them.

Claims (issuer, audience, expiry, subject) are checked above these ports, in services, with the
injected clock; the ports only answer "which keys" and "is this signed by one of them".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class KeySource(Protocol):
    def certificates(self, *, refresh: bool = False) -> Mapping[str, str]:
        """The current public keys, key id -> x509 certificate (PEM), cached by the adapter.

        `refresh=True` asks for a fresh copy (a token named a key id the cache does not know:
        keys rotate); an adapter may still answer from its cache when it refreshed moments ago.
        Raises RetryableError when no keys can be had at all."""


class TokenDecoder(Protocol):
    def decode(self, token: str) -> dict[str, Any]:
        """The claims of a compact JWS signed RS256 by a key of the adapter's KeySource.

        Raises UnauthenticatedError when the token is malformed, uses another algorithm, names
        an unknown key or its signature does not verify. Does NOT check any claim."""
