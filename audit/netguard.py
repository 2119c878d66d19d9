"""Refuse navigation to loopback and private addresses unless the user allows it explicitly.

A municipality list is input we do not control: a URL (or a redirect) pointing at 127.0.0.1,
10.0.0.0/8 or a cloud metadata address must not make the crawler reach into the local network.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit


def host_addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses ``host`` resolves to; ``*.localhost`` is loopback without asking DNS."""
    host = host.strip("[]").lower().rstrip(".")  # "foo.localhost." is loopback too
    if host == "localhost" or host.endswith(".localhost"):
        return [ipaddress.ip_address("127.0.0.1")]
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def is_private(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return bool(
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_reserved
        or addr.is_multicast
        or addr.is_unspecified
        # Not "private" to Python, yet not public either: 100.64.0.0/10 (carrier-grade NAT, and
        # Alibaba Cloud's metadata service at 100.100.100.200).
        or not addr.is_global
    )


def private_reason(url: str) -> str | None:
    """Why ``url`` points into a private network, or None when it does not (or cannot resolve)."""
    found = private_address(url)
    return f"{found[0]} resolves to the non-public address {found[1]}" if found else None


def private_address(url: str) -> tuple[str, str] | None:
    """(host, the non-public address it resolves to), or None."""
    return _host_address(urlsplit(url).hostname or "")


@lru_cache(maxsize=4096)
def _host_address(host: str) -> tuple[str, str] | None:
    # Cached per host: the guard runs for every request a page makes, and a page asks the same
    # few hosts dozens of times.
    for addr in host_addresses(host):
        if is_private(addr):
            return host, str(addr)
    return None
