"""robots.txt, fetched with a plain HTTP client and read as RFC 9309 says (via Protego).

robots.txt is a text file: a browser tab for it would cost a renderer and a screenshot-capable
page for nothing. The client sends the crawler's own User-Agent, follows at most five redirects
and checks every hop against the private-network guard *before* connecting to it. Rules are
matched the RFC 9309 way: the longest matching rule wins, ``*`` and ``$`` are wildcards (the
standard library's parser takes the first rule and knows neither).
"""

from __future__ import annotations

import functools
import http.client
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from protego import Protego

from audit.netguard import private_reason

AGENT_TOKEN = "municipal-service-audit"
_MAX_BYTES = 512_000  # RFC 9309: crawlers must read at least 500 KiB
_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Robots:
    """What robots.txt says for this crawler; ``status`` is the HTTP status (0: not reachable)."""

    status: int
    rules: Protego | None = None
    refused_hop: str = ""

    @property
    def unavailable(self) -> bool:
        """RFC 9309: a 4xx (or no answer at all) means there are no restrictions."""
        return self.rules is None and not self.unreachable

    @property
    def unreachable(self) -> bool:
        """RFC 9309: a 5xx means the site must be assumed fully disallowed."""
        return self.status >= 500

    def allows(self, url: str) -> bool:
        if self.unreachable:
            return False
        return self.rules is None or bool(self.rules.can_fetch(url, AGENT_TOKEN))


def robots_url(page_url: str) -> str:
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def fetch_robots(page_url: str, user_agent: str, *, allow_private: bool, timeout_s: float) -> Robots:
    """Fetch and parse the robots.txt of ``page_url``'s host (blocking; run it in a thread)."""
    url = robots_url(page_url)
    for _ in range(_MAX_REDIRECTS + 1):
        if not allow_private and private_reason(url):
            return Robots(0, refused_hop=url)
        try:
            status, location, body = _get(url, user_agent, timeout_s)
        except (OSError, http.client.HTTPException, ValueError):
            return Robots(0)  # not reachable: the homepage's own navigation will say why
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        if 200 <= status < 300:
            return Robots(status, Protego.parse(body.decode("utf-8", "replace")))
        return Robots(status)
    return Robots(0)  # a redirect loop: treated as unavailable


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every robots.txt (loading the CA store costs milliseconds)."""
    return ssl.create_default_context()


def _get(url: str, user_agent: str, timeout_s: float) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    # RFC 6761: *.localhost is loopback; resolve it as Chromium does instead of asking DNS.
    connect_to = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(connect_to, parts.port or 443, timeout=timeout_s, context=_tls_context())
    elif parts.scheme == "http":
        conn = http.client.HTTPConnection(connect_to, parts.port or 80, timeout=timeout_s)
    else:
        raise ValueError(f"not an http(s) URL: {url}")
    try:
        path = parts.path or "/"
        conn.request(
            "GET",
            path + (f"?{parts.query}" if parts.query else ""),
            headers={
                "Host": parts.netloc,
                "User-Agent": user_agent,
                "Accept": "text/plain,*/*;q=0.5",
            },
        )
        resp = conn.getresponse()
        body = resp.read(_MAX_BYTES) if resp.status < 300 else b""
        return resp.status, resp.getheader("Location") or "", body
    finally:
        conn.close()
