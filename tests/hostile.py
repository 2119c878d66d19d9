"""A misbehaving web server on 127.0.0.1: one host name per failure mode (``<mode>.localhost``).

Chromium resolves every ``*.localhost`` name to 127.0.0.1 by itself, so one port serves them all.
Every handler is bounded in time; the server runs in daemon threads and stops with the test.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OK_PAGE = (
    "<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>{title}</title></head><body>"
    "<header><nav><a href='/kontaktcenter/'>Kontaktcenter</a> <a href='/skola/'>Skola</a></nav></header>"
    "<main><h1>{title}</h1><p>Välkommen till kommunen. Här finns nyheter och information för invånare.</p>"
    "{extra}</main><footer><p>Växel 0123-45 67 89</p></footer></body></html>"
)
SERVICE_PAGE = (
    "<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Kontaktcenter</title></head><body>"
    "<main><h1>Kontaktcenter</h1><p>Vi hjälper dig med frågor om skola och omsorg.</p>"
    "<p>Telefon 0123-45 67 00</p><p>E-post kontakt@example.se</p></main></body></html>"
)


def page(title: str = "Testkommun", extra: str = "") -> bytes:
    return OK_PAGE.format(title=title, extra=extra).encode("utf-8")


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: Counter[str] = Counter()
        self.times: dict[str, list[float]] = {}
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, mode: str, path: str = "/") -> str:
        return f"http://{mode}.localhost:{self.port}{path}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _send(
        self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        host = self.headers.get("Host", "")
        mode = "loopback" if host.startswith("127.") else host.split(".")[0]
        key = f"{mode}{self.path}"
        self.server.hits[key] += 1
        self.server.times.setdefault(key, []).append(time.monotonic())
        if self.path == "/robots.txt":
            return self._robots(mode)
        if self.path.startswith("/kontaktcenter"):
            return self._send(200, SERVICE_PAGE.encode())
        handler = getattr(self, f"_mode_{mode.replace('-', '_')}", None)
        if handler is None:
            return self._send(200, page())
        handler()

    def _robots(self, mode: str) -> None:
        if mode == "robots-deny":
            return self._send(200, b"User-agent: *\nDisallow: /\n", "text/plain")
        if mode == "robots-down":
            return self._send(503, b"down", "text/plain")
        return self._send(404, b"", "text/plain")

    # --- failure modes ----------------------------------------------------------------------
    def _mode_hang(self) -> None:
        time.sleep(60)  # accepts, never answers within any test's limits

    def _mode_trickle(self) -> None:
        head = page("Långsam kommun").split(b"</main>")[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(head) + 100000))
        self.end_headers()
        self.wfile.write(head + b"<p>" + b"<a href='/a'>a</a> " * 10)
        self.wfile.flush()
        for _ in range(40):
            time.sleep(0.5)
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return

    def _mode_hanging_iframe(self) -> None:
        self._send(200, page("Iframe", f"<iframe src='http://hang.localhost:{self.server.port}/' title='x'></iframe>"))

    def _mode_loop(self) -> None:
        self._send(302, b"", headers={"Location": "/again"})

    def _mode_challenge(self) -> None:
        body = b"<!doctype html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>"
        self._send(403, body, headers={"cf-mitigated": "challenge", "Server": "cloudflare"})

    def _mode_challenge_once(self) -> None:
        if self.server.hits["challenge_once/"] <= 1:
            return self._mode_challenge()
        self._send(200, page("Efter utmaningen"))

    def _mode_ratelimit(self) -> None:
        if self.server.hits["ratelimit/"] <= 1:
            return self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
        self._send(200, page("Efter 429"))

    def _mode_always429(self) -> None:
        self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})

    def _mode_flaky(self) -> None:
        if self.server.hits["flaky/"] <= 2:
            return self._send(503, b"busy", "text/plain")
        self._send(200, page("Flaky"))

    def _mode_e500(self) -> None:
        self._send(500, b"<h1>Internal error</h1>")

    def _mode_e404(self) -> None:
        self._send(404, b"<h1>Not found</h1>")

    def _mode_empty(self) -> None:
        self._send(200, b"")

    def _mode_pdf(self) -> None:
        self._send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf")

    def _mode_huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(40_000_000))
        self.end_headers()
        try:
            self.wfile.write(b"<html><body>" + b"x" * 10000)
            time.sleep(10)
        except OSError:
            return

    def _mode_latin1(self) -> None:
        body = (
            "<!doctype html><html lang='sv'><head><meta charset='iso-8859-1'><title>Åby kommun</title></head>"
            "<body><header><a href='/kontaktcenter/'>Kontaktcenter</a></header><main><h1>Välkommen till Åby</h1>"
            "<p>Här finns allt om skola, vård och omsorg för invånare i Åby.</p></main></body></html>"
        ).encode("iso-8859-1")
        self._send(200, body, "text/html")

    def _mode_frames(self) -> None:
        if self.path.startswith("/top"):
            return self._send(
                200, b"<html><body><a href='/kontaktcenter/'>Kontaktcenter</a> <p>Meny och mer text</p></body></html>"
            )
        if self.path.startswith("/content"):
            return self._send(200, page("Innehåll"))
        self._send(
            200,
            b"<html><head><title>Ramar</title></head><frameset rows='80,*'><frame src='/top'><frame src='/content'></frameset></html>",
        )

    def _mode_spin(self) -> None:
        self._send(
            200, b"<html><head><title>Spin</title></head><body><p>Hej</p><script>while(true){}</script></body></html>"
        )

    def _mode_spin_once(self) -> None:
        # Spins on the first visit only: a site that ran out of time once, while the machine was busy.
        if self.server.hits["spin-once/"] <= 1:
            return self._mode_spin()
        self._send(200, page())

    def _mode_metarefresh(self) -> None:
        if self.path.startswith("/ny"):
            return self._send(200, page("Ny adress"))
        self._send(
            200,
            b"<html><head><meta http-equiv='refresh' content='0; url=/ny/'><title></title></head><body></body></html>",
        )

    def _mode_metaloop(self) -> None:
        # Two pages with text that send the browser to each other by meta refresh, forever.
        target = "/" if self.path.startswith("/b") else "/b/"
        body = (
            f"<html><head><meta http-equiv='refresh' content='0; url={target}'><title>Loop</title></head>"
            "<body><p>Välkommen till kommunen. Du skickas vidare till rätt sida.</p></body></html>"
        )
        self._send(200, body.encode("utf-8"))

    def _mode_jsredirect(self) -> None:
        if self.path.startswith("/ny"):
            return self._send(200, page("Ny adress"))
        self._send(200, b"<html><head><script>location.replace('/ny/')</script></head><body></body></html>")

    def _mode_jsmenu(self) -> None:
        script = (
            "<script>setTimeout(function(){var a=document.createElement('a');a.href='/kontaktcenter/';"
            "a.textContent='Kontaktcenter';document.querySelector('header').appendChild(a);},300)</script>"
        )
        self._send(
            200,
            f"<!doctype html><html><head><title>JS-meny</title></head><body><header></header><main><h1>JS</h1><p>Innehåll här för invånarna.</p></main>{script}</body></html>".encode(),
        )

    def _mode_shadow(self) -> None:
        # A web-component header whose menu and cookie banner live in open shadow roots.
        script = (
            "<script>customElements.define('site-header', class extends HTMLElement { connectedCallback() {"
            "const r = this.attachShadow({mode: 'open'});"
            "r.innerHTML = \"<header><nav><a href='/kontaktcenter/'>Kontaktcenter</a> <a href='/skola/'>Skola</a></nav></header>\"; }});"
            "customElements.define('consent-box', class extends HTMLElement { connectedCallback() {"
            "const r = this.attachShadow({mode: 'open'});"
            "r.innerHTML = \"<div role='dialog' style='position:fixed;inset:0;background:#fff'><p>Vi använder kakor (cookies).</p>"
            "<button>Acceptera alla</button> <button id='no'>Endast nödvändiga</button></div>\";"
            "r.querySelectorAll('button').forEach(b => b.onclick = () => this.remove()); }});</script>"
        )
        body = (
            "<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Skuggkommun</title></head><body>"
            "<site-header></site-header><main><h1>Skuggkommun</h1><p>Välkommen till kommunen och dess invånare.</p></main>"
            f"<consent-box></consent-box>{script}</body></html>"
        )
        self._send(200, body.encode("utf-8"))

    def _mode_carousel(self) -> None:
        # The entry sits on the third slide of a carousel: inside the window, clipped by its box.
        slides = "".join(
            f"<div style='flex:0 0 400px;height:80px'><a href='{h}'>{t}</a></div>"
            for t, h in (("Skola", "/skola/"), ("Bygglov", "/bygglov/"), ("Kontaktcenter", "/kontaktcenter/"))
        )
        body = (
            "<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Karusellkommun</title></head><body>"
            "<main><h1>Karusellkommun</h1><p>Välkommen till kommunen och dess invånare.</p>"
            f"<div style='width:400px;overflow:hidden'><div style='display:flex;width:1200px'>{slides}</div></div>"
            "</main></body></html>"
        )
        self._send(200, body.encode("utf-8"))

    def _mode_portal(self) -> None:
        # A "public" host whose homepage redirects into the loopback network.
        self._send(302, b"", headers={"Location": f"http://127.0.0.1:{self.server.port}/"})

    def _mode_portalfollow(self) -> None:
        # A "public" homepage whose service link answers with a redirect into the loopback network.
        if self.path.startswith("/kundtjanst"):
            return self._send(302, b"", headers={"Location": f"http://127.0.0.1:{self.server.port}/hemligt/"})
        self._send(200, page("Portalkommun", "<p><a href='/kundtjanst/'>Kundtjänst</a></p>"))

    def _mode_loopback(self) -> None:
        if self.path.startswith("/hemligt"):
            body = (
                "<!doctype html><html><head><title>Kundtjänst</title></head><body><main><h1>Kundtjänst</h1>"
                "<p>HEMLIG INTERN DATA från 127.0.0.1</p></main></body></html>"
            )
            return self._send(200, body.encode("utf-8"))
        self._send(200, page())

    def _mode_xss(self) -> None:
        title = "</title><script>alert(1)</script>"
        body = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            "<header><a href='javascript:alert(3)'>\"'><img src=x onerror=alert(2)> Kontaktcenter</a></header>"
            '<main><h1>=HYPERLINK("http://evil.example","klicka") Kontaktcenter \u202eevil</h1>'
            "<p>Vi hjälper dig med frågor om allt. Telefon +46 8 123 45 67, e-post a@b.se</p></main></body></html>"
        )
        self._send(200, body.encode("utf-8"))
