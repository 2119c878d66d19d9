"""robots.txt read as RFC 9309 says, fetched with a plain HTTP client on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from audit.robots import fetch_robots

UA = "Mozilla/5.0 municipal-service-audit/0.1 (+https://example.org)"
FILES = {
    "root-only": "User-agent: *\nDisallow: /\nAllow: /$\n",
    "privat": "User-agent: *\nDisallow: /privat\nAllow: /privat/kontakt\n",
    "pdf": "User-agent: *\nDisallow: /*.pdf$\n",
    "named": "User-agent: municipal-service-audit\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
}


class _Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        mode = (self.headers.get("Host") or "").split(".")[0]
        _Handler.seen.append((mode, self.headers.get("User-Agent", "")))
        if mode == "down":
            return self._send(503, b"")
        if mode == "gone":
            return self._send(404, b"")
        if mode == "hop":
            self.send_response(302)
            self.send_header("Location", f"http://10.0.0.1:{self.server.server_address[1]}/robots.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        self._send(200, FILES[mode].encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()


def _robots(port: int, mode: str, *, allow_private: bool = True):
    return fetch_robots(f"http://{mode}.localhost:{port}/", UA, allow_private=allow_private, timeout_s=5)


def test_the_longest_rule_wins_so_allow_root_only_keeps_the_homepage(port: int) -> None:
    robots = _robots(port, "root-only")
    assert robots.allows(f"http://root-only.localhost:{port}/")
    assert not robots.allows(f"http://root-only.localhost:{port}/kontakt/")


def test_a_longer_allow_opens_a_path_inside_a_disallowed_one(port: int) -> None:
    robots = _robots(port, "privat")
    assert robots.allows(f"http://privat.localhost:{port}/privat/kontakt")
    assert not robots.allows(f"http://privat.localhost:{port}/privat/arkiv")


def test_wildcards_and_end_anchors_are_understood(port: int) -> None:
    robots = _robots(port, "pdf")
    assert not robots.allows(f"http://pdf.localhost:{port}/blanketter/ansokan.pdf")
    assert robots.allows(f"http://pdf.localhost:{port}/blanketter/ansokan.pdf.html")


def test_a_group_naming_the_crawler_applies_to_it(port: int) -> None:
    assert not _robots(port, "named").allows(f"http://named.localhost:{port}/")


def test_status_codes_follow_rfc_9309(port: int) -> None:
    down, gone = _robots(port, "down"), _robots(port, "gone")
    assert down.unreachable and not down.allows(f"http://down.localhost:{port}/")
    assert gone.unavailable and gone.allows(f"http://gone.localhost:{port}/")


def test_the_crawlers_user_agent_is_sent(port: int) -> None:
    _robots(port, "pdf")
    assert ("pdf", UA) in _Handler.seen


def test_a_redirect_into_a_private_network_is_refused_before_connecting(port: int, monkeypatch) -> None:
    # Treat the test host as public (it stands for a municipality's server); its robots.txt
    # redirects to 10.0.0.1, which must be refused before any connection is attempted.
    import audit.robots
    from audit.netguard import private_reason

    monkeypatch.setattr(
        audit.robots, "private_reason", lambda url: None if ".localhost" in url else private_reason(url)
    )
    robots = _robots(port, "hop", allow_private=False)
    assert robots.refused_hop == f"http://10.0.0.1:{port}/robots.txt"
    assert robots.status == 0
