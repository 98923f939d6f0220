"""Webhook URL guard: https to public addresses only; every SSRF spelling is refused by field."""

from __future__ import annotations

import pytest

from common.adapters.http.outbound_urls import (
    check_webhook_url,
    is_public_address,
    vet_webhook_url,
)
from common.domain.errors import InvalidInputError


def resolves_to(*addresses: str):
    def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


PUBLIC = resolves_to("93.184.216.34")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://hooks.example.com/in?a=1", "https://hooks.example.com/in?a=1"),
        ("HTTPS://Hooks.Example.COM./x", "https://hooks.example.com/x"),
        ("https://hooks.example.com", "https://hooks.example.com/"),
        ("https://hooks.example.com:8443/x", "https://hooks.example.com:8443/x"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://8.8.8.8/x", "https://8.8.8.8/x"),
        ("https://[2001:4860:4860::8888]/x", "https://[2001:4860:4860::8888]/x"),
    ],
    ids=["plain", "case-and-trailing-dot", "no-path", "port", "idna", "ipv4-literal", "ipv6"],
)
def test_public_https_urls_are_accepted_and_normalised(url, expected):
    assert check_webhook_url(url, resolve=PUBLIC) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "ftp://hooks.example.com/x",
        "javascript:alert(1)",
        "https://user:secret@hooks.example.com/",
        "https://hooks.example.com@169.254.169.254/",
        "https://169.254.169.254/computeMetadata/v1/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://localhost/",
        "https://api.localhost/",
        "https://printer.local/",
        "https://127.0.0.1/",
        "https://10.1.2.3/",
        "https://172.16.0.1/",
        "https://192.168.1.1/",
        "https://100.64.0.1/",
        "https://0.0.0.0/",
        "https://224.0.0.1/",
        "https://240.0.0.1/",
        "https://255.255.255.255/",
        "https://2130706433/",
        "https://0177.0.0.1/",
        "https://0x7f000001/",
        "https://0x7f.1/",
        "https://127.1/",
        "https://[::1]/",
        "https://[::]/",
        "https://[fd00::1]/",
        "https://[fe80::1]/",
        "https://[fe80::1%25eth0]/",
        "https://[ff02::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://[64:ff9b::a9fe:a9fe]/",
        "https://[2002:a9fe:a9fe::1]/",
        "https://hooks.example.com:99999/",
        "https://hooks example.com/",
        "https://hooks.example.com/\r\nX-Injected: 1",
        "https:\\\\hooks.example.com\\x",
        "https:///path-only",
        "https://intranet/",
        "",
        "https://" + "a" * 2100 + ".example.com/",
    ],
)
def test_non_public_or_tricky_urls_are_refused_naming_the_field(url):
    with pytest.raises(InvalidInputError) as info:
        check_webhook_url(url, field="series.webhook_url", resolve=PUBLIC)
    assert "series.webhook_url" in info.value.fields


@pytest.mark.parametrize(
    "addresses",
    [
        ("169.254.169.254",),
        ("10.0.0.7",),
        ("93.184.216.34", "127.0.0.1"),
        ("::ffff:10.0.0.1",),
        ("fd12:3456::1",),
        ("100.100.100.100",),
    ],
    ids=["metadata", "private", "one-of-many-private", "mapped-private", "ula", "cgnat"],
)
def test_names_resolving_to_any_non_public_address_are_refused(addresses):
    with pytest.raises(InvalidInputError) as info:
        check_webhook_url("https://hooks.example.com/x", resolve=resolves_to(*addresses))
    assert "non-public" in info.value.fields["webhook_url"]


def test_names_that_do_not_resolve_are_refused():
    def fails(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(InvalidInputError, match="cannot be resolved"):
        check_webhook_url("https://nowhere.example.com/", resolve=fails)
    with pytest.raises(InvalidInputError, match="cannot be resolved"):
        check_webhook_url("https://nowhere.example.com/", resolve=resolves_to())


def test_rebinding_is_caught_when_the_url_is_vetted_again_at_send_time():
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    assert check_webhook_url("https://rebind.example.com/", resolve=rebinding)
    with pytest.raises(InvalidInputError, match="non-public"):
        vet_webhook_url("https://rebind.example.com/", resolve=rebinding)


def test_the_vetted_target_carries_the_addresses_to_connect_to():
    target = vet_webhook_url(
        "https://hooks.example.com:8443/in?x=1", resolve=resolves_to("93.184.216.34")
    )
    assert (target.host, target.port, target.path) == ("hooks.example.com", 8443, "/in?x=1")
    assert target.addresses == ("93.184.216.34",)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("169.254.169.254", False),
        ("fe80::1", False),
        ("2001:db8::1", False),
        ("192.0.2.1", False),
        ("not-an-ip", False),
    ],
)
def test_address_classification(address, public):
    assert is_public_address(address) is public
