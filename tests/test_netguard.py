"""Refusing private and loopback addresses. IP literals and *.localhost only: no DNS lookups,
except ``*.invalid``, which resolvers answer negatively at once (RFC 6761)."""

from __future__ import annotations

import ipaddress
import time

import pytest

from audit.netguard import host_addresses, is_private, private_reason


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1/", "127.0.0.1"),
        ("http://127.8.9.10:8080/x", "127.8.9.10"),
        ("https://10.1.2.3/", "10.1.2.3"),
        ("http://172.16.5.4/", "172.16.5.4"),
        ("http://192.168.0.1/", "192.168.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),  # cloud metadata
        ("http://100.100.100.200/latest/meta-data/", "100.100.100.200"),  # carrier-grade NAT range
        ("http://[::1]/", "::1"),
        ("http://[fe80::1]/", "fe80::1"),
        ("http://[fd00::5]/", "fd00::5"),
        ("http://0.0.0.0/", "0.0.0.0"),
        ("http://224.0.0.1/", "224.0.0.1"),
        ("http://user:pw@10.0.0.1:81/", "10.0.0.1"),
        ("http://foo.localhost/", "127.0.0.1"),
        ("http://LOCALHOST:3000/", "127.0.0.1"),
        ("http://foo.localhost./", "127.0.0.1"),  # the trailing dot: still loopback to a browser
    ],
)
def test_private_addresses_are_refused(url: str, address: str) -> None:
    reason = private_reason(url)
    assert reason is not None
    assert reason.endswith(f"non-public address {address}")


@pytest.mark.parametrize("url", ["http://8.8.8.8/", "https://1.1.1.1:443/", "http://[2001:4860::8888]/"])
def test_public_addresses_are_allowed(url: str) -> None:
    assert private_reason(url) is None


def test_localhost_names_resolve_without_dns() -> None:
    assert host_addresses("kommune.localhost") == [ipaddress.ip_address("127.0.0.1")]
    assert host_addresses("[::1]") == [ipaddress.ip_address("::1")]
    assert host_addresses("8.8.8.8") == [ipaddress.ip_address("8.8.8.8")]


def test_is_private() -> None:
    assert is_private(ipaddress.ip_address("192.168.1.1"))
    assert is_private(ipaddress.ip_address("::"))
    assert not is_private(ipaddress.ip_address("8.8.4.4"))
    assert not is_private(ipaddress.ip_address("2a00:1450:4001::1"))


def test_unresolvable_host_is_not_private_and_fails_fast() -> None:
    started = time.monotonic()
    assert host_addresses("nothing.invalid") == []
    assert private_reason("http://nothing.invalid/") is None
    assert time.monotonic() - started < 3
