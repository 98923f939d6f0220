"""Outbound URLs a user gives us (webhooks): https to public addresses only, never into our network.

A user-supplied URL is a request we make from inside Google Cloud, where 169.254.169.254 answers
with service-account tokens and private ranges reach other services. So a webhook URL must:

- use `https` and carry no userinfo (`https://user:pass@host`), no whitespace or control characters;
- name its host as a DNS name or a canonical IP literal: the integer, octal and hex spellings that
  `inet_aton` accepts (`2130706433`, `0177.0.0.1`, `0x7f.1`) are refused outright, and names that
  are internal by definition (`localhost`, `*.internal`, `*.local`, ...) too;
- resolve, every address of it, to a public unicast address: no loopback, private (RFC 1918), CGNAT
  (100.64/10), link-local (169.254/16, the metadata server), multicast, reserved or unspecified, no
  IPv6 ULA (fc00::/7) or link-local (fe80::/10), and the same for IPv4 embedded in IPv6 (mapped
  `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo).

`check_webhook_url` runs when the URL is saved (a bad one is a 400 naming the field).

DNS rebinding: a name that resolved to a public address when saved can resolve to 127.0.0.1 when
the webhook fires. The sender must therefore vet again at send time and connect to the very address
it vetted, not resolve the name a second time: `open_vetted_connection` does both (it resolves,
checks every address, then opens TLS to the first vetted address with SNI and certificate checks
for the original host name). Never follow redirects from a webhook response: a 30x could point
anywhere; `http.client` does not follow them, keep it that way.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from common.domain.errors import InvalidInputError

# (host, port) -> every address the name resolves to, as strings ("203.0.113.7", "2001:db8::1").
Resolver = Callable[[str, int], Sequence[str]]
AddressPolicy = Callable[[str], bool]

MAX_URL_LENGTH = 2048

_INTERNAL_SUFFIXES = (
    "localhost",
    "localdomain",
    "internal",
    "local",
    "lan",
    "home",
    "corp",
    "intranet",
    "private",
    "home.arpa",
    "in-addr.arpa",
    "ip6.arpa",
)
# A label is letters, digits and inner hyphens (after IDNA encoding).
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Any host made of numeric parts only: decimal, octal (leading 0) or hex (0x) in 1-4 dotted parts.
_NUMERIC_HOST = re.compile(r"^((0x[0-9a-f]*|[0-9]+)\.){0,3}(0x[0-9a-f]*|[0-9]+)$")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver), without IPv6 scope ids."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


def is_public_address(address: str) -> bool:
    """Whether `address` is a public unicast address (IPv4-in-IPv6 forms judged by the IPv4)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return _is_public_v4(embedded)
        if ip in _NAT64_LOCAL:
            return False
        return bool(
            ip.is_global
            and not (
                ip.is_multicast
                or ip.is_private
                or ip.is_reserved
                or ip.is_link_local
                or ip.is_site_local
                or ip.is_loopback
                or ip.is_unspecified
            )
        )
    return _is_public_v4(ip)


def _is_public_v4(ip: ipaddress.IPv4Address) -> bool:
    return bool(
        ip.is_global
        and ip not in _CGNAT
        and not (
            ip.is_multicast
            or ip.is_private
            or ip.is_reserved
            or ip.is_link_local
            or ip.is_loopback
            or ip.is_unspecified
        )
    )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's (obfuscation removed) address
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    # IPv4-compatible (deprecated) ::a.b.c.d
    if int(ip) >> 32 == 0 and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class WebhookTarget:
    """A vetted URL: where to connect (`addresses`, all public) and what to say (`host`, `path`)."""

    url: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _refuse(field: str, why: str) -> InvalidInputError:
    return InvalidInputError(f"{field}: {why}", fields={field: why})


def _parse(url: str, field: str) -> tuple[str, str, int, str]:
    """(normalised url, host, port, path+query) of a syntactically acceptable https URL."""
    if not isinstance(url, str) or not url.strip():
        raise _refuse(field, "must be an https URL")
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(field, f"must be at most {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise _refuse(field, "must not contain whitespace or control characters")
    if "\\" in url:
        raise _refuse(field, "must not contain backslashes")
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as exc:
        raise _refuse(field, f"is not a valid URL ({exc})") from exc
    if parts.scheme.lower() != "https":
        raise _refuse(field, "must use https")
    if "@" in parts.netloc:
        raise _refuse(field, "must not contain a user name or password")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise _refuse(field, "must name a host")
    host = _normalise_host(raw_host, field)
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc = f"{netloc}:{port}"
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    normalised = urlunsplit(("https", netloc, parts.path or "/", parts.query, parts.fragment))
    return normalised, host, port, path


def _normalise_host(raw_host: str, field: str) -> str:
    host = raw_host.rstrip(".").lower()
    if "%" in host:
        raise _refuse(field, "must not carry an IPv6 zone or percent-encoding in the host")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None:
        if not is_public_address(host):
            raise _refuse(field, f"host {host} is not a public address")
        return ip.compressed
    if _NUMERIC_HOST.match(host):
        raise _refuse(field, "an IP address host must be written as a plain dotted quad")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise _refuse(field, "host is not a valid domain name") from exc
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or len(labels) < 2 or not all(_LABEL.match(lb) for lb in labels):
        raise _refuse(field, "host must be a fully qualified domain name")
    if labels[-1].isdigit():
        raise _refuse(field, "host must be a fully qualified domain name")
    for suffix in _INTERNAL_SUFFIXES:
        if ascii_host == suffix or ascii_host.endswith("." + suffix):
            raise _refuse(field, f"host {ascii_host} is an internal name")
    return ascii_host


def vet_webhook_url(
    url: str,
    *,
    field: str = "webhook_url",
    resolve: Resolver = resolve_host,
    is_allowed: AddressPolicy = is_public_address,
) -> WebhookTarget:
    """Parse, resolve and vet `url`; the target's addresses are the ones to connect to."""
    normalised, host, port, path = _parse(url, field)
    try:
        # An IP literal is its own (already vetted) address: no lookup.
        addresses = (host,) if _is_ip(host) else tuple(resolve(host, port))
    except (OSError, UnicodeError) as exc:
        raise _refuse(field, f"host {host} cannot be resolved") from exc
    if not addresses:
        raise _refuse(field, f"host {host} cannot be resolved")
    for address in addresses:
        if not is_allowed(address):
            raise _refuse(field, f"host {host} resolves to a non-public address ({address})")
    return WebhookTarget(url=normalised, host=host, port=port, path=path, addresses=addresses)


def check_webhook_url(
    url: str,
    *,
    field: str = "webhook_url",
    resolve: Resolver = resolve_host,
) -> str:
    """The normalised URL if https to public addresses only; else InvalidInputError on `field`.

    Call again at send time (see `open_vetted_connection`): DNS answers change."""
    return vet_webhook_url(url, field=field, resolve=resolve).url


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address, with SNI, Host header and certificate checks for the host name."""

    def __init__(
        self, host: str, port: int, address: str, *, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def open_vetted_connection(
    url: str,
    *,
    field: str = "webhook_url",
    resolve: Resolver = resolve_host,
    timeout: float = 10.0,
    context: ssl.SSLContext | None = None,
    is_allowed: AddressPolicy = is_public_address,
) -> tuple[http.client.HTTPSConnection, WebhookTarget]:
    """Vet `url` now and open an HTTPS connection to the address just vetted (no second lookup).

    Use it at send time: `conn, target = open_vetted_connection(url)`, then
    `conn.request("POST", target.path, body, headers)` and `conn.getresponse()`; do not follow
    redirects. `is_allowed` is for tests that must reach a local server."""
    target = vet_webhook_url(url, field=field, resolve=resolve, is_allowed=is_allowed)
    tls = context or ssl.create_default_context()
    conn = _PinnedHTTPSConnection(
        target.host, target.port, target.addresses[0], timeout=timeout, context=tls
    )
    return conn, target
