"""A tiny static web server for the fictional demo and test sites.

One server port serves many sites. Each site gets its own host name, ``<slug>.localhost``, which
Chromium (and most resolvers) map to 127.0.0.1 by themselves, so a site can link to another
"domain" (for example the municipal energy company) without any DNS set-up.

Routing contract:

* ``Host: <slug>.localhost[:port]`` is served from the directory ``root/<slug>/``. A Host header
  that is not of that form, or a slug without a directory, gets 404.
* A directory is served through its ``index.html``; a directory requested without a trailing
  slash is redirected (301) to the slashed URL, so relative links resolve as in a real CMS.
* A missing file gets 404. A path that resolves outside the site directory (``..``, symlinks)
  gets 404 as well: nothing outside ``root/<slug>/`` is ever read.
* ``root/<slug>/_server.json`` is never served. When present it sets per-site behaviour:

  - ``status`` (int): the HTTP status of every HTML response of the site (e.g. 500 or 403);
  - ``headers`` (object): extra headers on every HTML response (e.g. ``{"cf-mitigated": "challenge"}``);
  - ``charset`` (string or null): the charset in the Content-Type of text responses; ``null``
    sends ``text/html`` with no charset at all (for Latin-1 pages that declare it in a meta tag).
    Absent means ``utf-8``.
  - ``delay_ms`` (int): wait this long before answering an HTML request (a slow CMS);
  - ``trickle`` (object ``{"chunks": N, "interval_ms": M}``): send an HTML body in N pieces,
    M ms apart (slow chunked HTML; the headers go out at once);
  - ``rate_limit`` (object ``{"first": N, "retry_after": S}``): the first N HTML requests to the
    site get ``429 Too Many Requests`` with ``Retry-After: S``, later ones are served normally;
  - ``paths`` (object): per-path overrides keyed by the request path (``"/kontakt/"``), each
    with any of ``status``, ``headers``, ``delay_ms``, ``trickle``; a ``Location`` header with a
    3xx status makes a redirect, whether or not a file exists at that path.

* In HTML responses the literal text ``{port}`` is replaced by the server's port, so a static page
  can link to a sibling site (``http://solvik-energi.localhost:{port}/``) whatever port was chosen.

The server only ever binds 127.0.0.1 and never logs to stderr.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote, urlsplit

__all__ = ["DemoServer", "free_closed_port"]

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
}
SETTINGS_FILE = "_server.json"
_HOST_RE = re.compile(r"^(?P<slug>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.localhost\.?(?::\d+)?$")


class _SiteSettings:
    """The parsed ``_server.json`` of one site (defaults when the file is absent)."""

    def __init__(self, data: dict[str, Any]) -> None:
        status = data.get("status", 200)
        self.status: int = int(status)
        headers = data.get("headers") or {}
        self.headers: dict[str, str] = {str(k): str(v) for k, v in headers.items()}
        charset = data.get("charset", "utf-8")
        self.charset: str | None = None if charset is None else str(charset)
        self.delay_ms: int = int(data.get("delay_ms", 0))
        trickle = data.get("trickle") or {}
        self.chunks: int = max(1, int(trickle.get("chunks", 1)))
        self.interval_ms: int = int(trickle.get("interval_ms", 0))
        limit = data.get("rate_limit") or {}
        self.limited_first: int = int(limit.get("first", 0))
        self.retry_after: str = str(limit.get("retry_after", 1))
        self.paths: dict[str, dict[str, Any]] = dict(data.get("paths") or {})

    def for_path(self, path: str) -> _SiteSettings:
        """These settings with the overrides of ``path`` applied (``self`` when there are none)."""
        extra = self.paths.get(path)
        if not extra:
            return self
        merged = _SiteSettings({})
        merged.__dict__.update(self.__dict__)
        if "status" in extra:
            merged.status = int(extra["status"])
        merged.headers = {**self.headers, **{str(k): str(v) for k, v in (extra.get("headers") or {}).items()}}
        merged.delay_ms = int(extra.get("delay_ms", self.delay_ms))
        trickle = extra.get("trickle")
        if trickle:
            merged.chunks = max(1, int(trickle.get("chunks", 1)))
            merged.interval_ms = int(trickle.get("interval_ms", 0))
        return merged

    @classmethod
    def load(cls, site_dir: Path) -> _SiteSettings:
        path = site_dir / SETTINGS_FILE
        if not path.is_file():
            return cls({})
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError(f"{path}: expected a JSON object")
        return cls(data)


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows the root of the sites it serves."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        self.root = root.resolve()
        self.html_requests: dict[str, int] = {}  # per site, for ``rate_limit``
        self.counter_lock = threading.Lock()
        super().__init__(address, _Handler)

    def count_html_request(self, site: str) -> int:
        """How many HTML requests the site has had, this one included."""
        with self.counter_lock:
            self.html_requests[site] = self.html_requests.get(site, 0) + 1
            return self.html_requests[site]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that drops a connection mid-response is normal; anything else is reported."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Serves ``root/<slug>/`` by the Host header; see the module docstring for the contract."""

    server: _Server
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _serve(self, send_body: bool) -> None:
        site_dir = self._site_dir()
        if site_dir is None:
            self._plain(HTTPStatus.NOT_FOUND, "Unknown site", send_body)
            return
        raw_path = unquote(urlsplit(self.path).path)
        settings = _SiteSettings.load(site_dir).for_path(raw_path)
        if 300 <= settings.status < 400 and "Location" in settings.headers:
            self._redirect(settings, send_body)
            return
        target = self._target(site_dir, raw_path)
        if target is None:
            return  # answered already (404 or a redirect to the slashed folder URL)
        if not target.is_file():
            self._plain(HTTPStatus.NOT_FOUND, "Not found", send_body)
            return
        ctype = CONTENT_TYPES.get(target.suffix.lower(), "application/octet-stream")
        if ctype == "text/html":
            self._serve_html(target, site_dir, settings, send_body)
        else:
            self._send_file(HTTPStatus.OK, target.read_bytes(), ctype, settings, send_body)

    def _target(self, site_dir: Path, raw_path: str) -> Path | None:
        """The file a path names inside the site, or None once a 404 or a redirect was sent."""
        parts = [p for p in raw_path.split("/") if p not in ("", ".")]
        target = (site_dir.joinpath(*parts) if parts else site_dir).resolve()
        if SETTINGS_FILE in parts or (target != site_dir and not target.is_relative_to(site_dir)):
            self._plain(HTTPStatus.NOT_FOUND, "Not found", True)
            return None
        if target.is_dir() and not raw_path.endswith("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", raw_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return target / "index.html" if target.is_dir() else target

    def _serve_html(self, target: Path, site_dir: Path, settings: _SiteSettings, send_body: bool) -> None:
        if settings.delay_ms:
            time.sleep(settings.delay_ms / 1000)
        if settings.limited_first and self.server.count_html_request(site_dir.name) <= settings.limited_first:
            self._rate_limited(settings, send_body)
            return
        body = target.read_bytes().replace(b"{port}", str(self.server.server_address[1]).encode("ascii"))
        self._send_file(HTTPStatus(settings.status), body, "text/html", settings, send_body)

    def _send_file(self, status: HTTPStatus, body: bytes, ctype: str, settings: _SiteSettings, send_body: bool) -> None:
        is_html = ctype == "text/html"
        if ctype.startswith("text/") and settings.charset:
            ctype = f"{ctype}; charset={settings.charset}"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if is_html:
            for name, value in settings.headers.items():
                self.send_header(name, value)
        self.end_headers()
        if not send_body:
            return
        if is_html and settings.chunks > 1:
            self._trickle(body, settings)
        else:
            self.wfile.write(body)

    def _trickle(self, body: bytes, settings: _SiteSettings) -> None:
        """Write the body in ``settings.chunks`` pieces with a pause between them."""
        size = -(-len(body) // settings.chunks)
        for start in range(0, len(body), size):
            if start:
                time.sleep(settings.interval_ms / 1000)
            self.wfile.write(body[start : start + size])
            self.wfile.flush()

    def _redirect(self, settings: _SiteSettings, send_body: bool) -> None:
        location = settings.headers["Location"].replace("{port}", str(self.server.server_address[1]))
        self.send_response(settings.status)
        for name, value in settings.headers.items():
            self.send_header(name, location if name == "Location" else value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _rate_limited(self, settings: _SiteSettings, send_body: bool) -> None:
        body = b"<html><body><h1>429 Too Many Requests</h1></body></html>"
        self.send_response(HTTPStatus.TOO_MANY_REQUESTS)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Retry-After", settings.retry_after)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _site_dir(self) -> Path | None:
        """The directory of the site named by the Host header, or None."""
        match = _HOST_RE.match((self.headers.get("Host") or "").strip().lower())
        if match is None:
            return None
        site_dir = (self.server.root / match.group("slug")).resolve()
        if not site_dir.is_dir() or not site_dir.is_relative_to(self.server.root):
            return None
        return site_dir

    def _plain(self, status: HTTPStatus, text: str, send_body: bool) -> None:
        body = f"{status.value} {text}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class DemoServer:
    """Serves every ``root/<slug>/`` directory as ``http://<slug>.localhost:<port>/``.

    Use as a context manager (``with DemoServer(root) as server: ...``) or call :meth:`start`
    and :meth:`stop`. ``port=0`` picks a free port; :attr:`port` is valid after :meth:`start`.
    """

    def __init__(self, root: Path, port: int = 0) -> None:
        self.root = Path(root)
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Bind 127.0.0.1 and serve in a daemon thread. Idempotent."""
        if self._server is not None:
            return
        if not self.root.is_dir():
            raise FileNotFoundError(f"demo root {self.root} is not a directory")
        self._server = _Server(("127.0.0.1", self._requested_port), self.root)
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port. Safe to call twice."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    @property
    def port(self) -> int:
        """The bound port; raises RuntimeError before :meth:`start`."""
        if self._server is None:
            raise RuntimeError("DemoServer is not started")
        return int(self._server.server_address[1])

    def url_for(self, slug: str) -> str:
        """The homepage URL of one site: ``http://<slug>.localhost:<port>/``."""
        return f"http://{slug}.localhost:{self.port}/"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def free_closed_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (connecting to it is refused).

    The port is bound and released at once, so it is free at return time; another process could
    in principle take it later, which is acceptable for test fixtures.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
