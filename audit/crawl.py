"""Stage 1, the only code that drives the browser: render each homepage and the pages that matter.

For every municipality: open the homepage in a 1366x768 window (``domcontentloaded`` plus a bounded
settle, never the ``load`` event alone), close a cookie banner with its least-consent choice,
collect links, buttons, headings and text blocks with their layout, take a first-screen and a
full-page screenshot, then follow the most promising same-site links up to two clicks deep
(three from a service page to its organisation page). The result is a :class:`Captured`: the
typed snapshot (or failure) plus the bytes the archive stage writes to disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Response
from playwright.async_api import Error as PlaywrightError

from audit import __version__
from audit.browser import BrowserPool, HostPacer, browser_gone, interrupt_handler
from audit.criteria import Criteria
from audit.errors import Interrupted
from audit.failures import classify_exception, classify_response
from audit.linkrank import Candidate, browse_links, normalise_url, rank_links, same_site
from audit.models import (
    Box,
    ConsentAction,
    CrawlFailure,
    Element,
    Heading,
    Municipality,
    PageSnapshot,
    SiteSnapshot,
    SiteStatus,
)
from audit.netguard import private_reason
from audit.robots import Robots, fetch_robots
from audit.service_page import is_service_page, presents_as_service
from audit.text import find_terms, fold

_COLLECT_JS = Path(__file__).with_name("collect.js").read_text(encoding="utf-8")
_CONSENT_JS = Path(__file__).with_name("consent.js").read_text(encoding="utf-8")
# Main-frame navigations (with a URL seen twice) after which a homepage counts as a redirect loop.
_LOOP_HOPS = 4
DEFAULT_CONTACT_URL = "https://github.com/municipal-service-audit/audit"


def default_user_agent(contact_url: str = DEFAULT_CONTACT_URL) -> str:
    """An honest User-Agent naming the tool and where to learn about it."""
    return f"Mozilla/5.0 (X11; Linux x86_64) Chrome/130 Safari/537.36 municipal-service-audit/{__version__} (+{contact_url})"


@dataclass(frozen=True)
class CrawlOptions:
    concurrency: int = 4
    page_timeout_s: float = 15.0
    site_timeout_s: float = 90.0
    settle_ms: int = 300
    max_pages: int = 10
    follow_per_page: int = 4
    allow_private_network: bool = False
    obey_robots: bool = True
    retries: int = 2
    retry_after_cap_s: float = 10.0
    max_bytes: int = 15_000_000
    full_page_max_px: int = 5000
    per_host: int = 1
    host_delay_s: float = 0.2
    user_agent: str = field(default_factory=default_user_agent)
    chromium: str | None = None
    # Extra Chromium switches, e.g. a proxy for the crawl (--proxy-server=...).
    chromium_args: tuple[str, ...] = ()
    mobile: bool = True


@dataclass(frozen=True)
class WarcEntry:
    """One HTTP exchange or one rendered resource, for the WARC archive."""

    url: str
    kind: str  # "response" (raw HTTP) or "resource" (rendered DOM, screenshot)
    content_type: str
    body: bytes
    status: int = 0
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Captured:
    """What the crawl of one site produced: the record plus the files the archive will write."""

    result: SiteSnapshot | CrawlFailure
    blobs: dict[str, bytes] = field(default_factory=dict)
    warc: list[WarcEntry] = field(default_factory=list)


async def _bounded(awaitable: Awaitable[Any], seconds: float) -> Any:
    """Await an in-page call with a time limit: a frame whose navigation hangs never answers."""
    try:
        return await asyncio.wait_for(awaitable, timeout=seconds)
    except TimeoutError:
        return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SiteCrawler:
    """Crawls one municipality in its own browser context (fresh cookies, bounded memory)."""

    def __init__(self, muni: Municipality, criteria: Criteria, options: CrawlOptions, pacer: HostPacer | None = None) -> None:
        self.pacer = pacer or HostPacer(options.per_host, options.host_delay_s)
        self.muni = muni
        self.criteria = criteria.for_country(muni.country)
        self.vocab = self.criteria.vocabulary
        self.options = options
        self.captured = Captured(result=CrawlFailure(muni, SiteStatus.PAGE_HUNG, "not started"))
        self.started_at = _now()
        self.flags: list[str] = []
        self.prefix = f"snapshots/{muni.id}"
        self._blocked_private: list[str] = []
        self._page_index = 0
        self._document: Response | None = None
        self.home_url = muni.url
        self.robots: Robots | None = None
        self._navigations: list[str] = []
        self._homepage_done = False

    async def run(self, browser: Browser) -> Captured:
        width, height = self.criteria.settings.viewport
        context = await browser.new_context(
            viewport={"width": width, "height": height},
            user_agent=self.options.user_agent,
            service_workers="block",
            accept_downloads=False,
            locale=_locale(self.muni.country),
        )
        try:
            if not self.options.allow_private_network:
                await context.route("**/*", self._guard_private)
            await self._crawl(context)
        finally:
            with contextlib.suppress(Exception):
                await context.close()
        return self.captured

    async def _guard_private(self, route: Any) -> None:
        # Sub-resources and follow-up navigations; redirect hops are checked after the fact,
        # because request interception does not see them (see README, "Security").
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and private_reason(url):
            self._blocked_private.append(url)
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    def _fail(self, status: SiteStatus, detail: str, **extra: Any) -> None:
        self.captured.result = CrawlFailure(
            self.muni, status, detail, url=self.muni.url, started_at=self.started_at,
            finished_at=_now(), **extra,
        )

    async def _crawl(self, context: BrowserContext) -> None:
        if not self.options.allow_private_network:
            reason = await asyncio.to_thread(private_reason, self.muni.url)
            if reason:
                self._fail(SiteStatus.PRIVATE_NETWORK, f"{reason}; use --allow-private-network to permit it")
                return
        if self.options.obey_robots and not await self._robots_allow():
            return
        page = await context.new_page()
        page.on("response", self._remember_document)
        page.on("framenavigated", self._remember_navigation)
        home = await self._open_homepage(page)
        if home is None:
            return
        pages = [home]
        await self._follow(page, pages)
        self.captured.result = SiteSnapshot(
            municipality=self.muni, pages=tuple(pages), started_at=self.started_at,
            finished_at=_now(), user_agent=self.options.user_agent, flags=tuple(self.flags),
        )

    def _remember_navigation(self, frame: Any) -> None:
        # Main-frame navigations of the homepage visit, to tell a client-side redirect loop
        # (meta refresh or script sending the browser back and forth) from an empty page.
        if frame.parent_frame is None and not self._homepage_done:
            self._navigations.append(frame.url)

    def _client_loop(self) -> bool:
        hops = self._navigations
        return len(hops) >= _LOOP_HOPS and len(set(hops)) < len(hops)

    def _remember_document(self, resp: Response) -> None:
        # The main document's response, kept so a navigation that times out (a trickling or
        # oversized body) can still be classified by its status and headers.
        if resp.request.is_navigation_request() and resp.frame.parent_frame is None:
            self._document = resp

    async def _robots_allow(self) -> bool:
        """Obey robots.txt (RFC 9309), fetched with a plain HTTP client under the same guard."""
        robots = await asyncio.to_thread(
            fetch_robots, self.muni.url, self.options.user_agent,
            allow_private=self.options.allow_private_network, timeout_s=self.options.page_timeout_s,
        )
        self.robots = robots
        if robots.refused_hop:
            self._fail(SiteStatus.PRIVATE_NETWORK, f"robots.txt redirected to a non-public address ({robots.refused_hop})")
            return False
        if robots.unreachable:
            self._fail(SiteStatus.ROBOTS_DISALLOWED, f"robots.txt answered HTTP {robots.status}; RFC 9309 says to assume the site is disallowed")
            return False
        if not robots.allows(self.muni.url):
            self._fail(SiteStatus.ROBOTS_DISALLOWED, "robots.txt disallows the homepage for this crawler")
            return False
        return True

    async def _navigate(self, page: Page, url: str, *, settle: bool = True) -> tuple[Response | None, str | None]:
        """Go to ``url``; return the main response, or an error message.

        ``settle`` waits (boundedly) for ``load`` and for scripts to build menus: needed on the
        homepage, whose layout and screenshot are judged; a followed page is read for its text
        and links only, so it is read at DOMContentLoaded plus a short pause.
        """
        await self.pacer.wait_turn(url)
        try:
            resp = await page.goto(url, wait_until="domcontentloaded", timeout=self.options.page_timeout_s * 1000)
        except PlaywrightError as exc:
            if browser_gone(exc):
                raise  # the site is retried on a relaunched browser (see crawl_one)
            return None, str(exc)
        if resp is not None and resp.status >= 400:
            return resp, None  # an error page is classified, not read: no settle needed
        if not settle:
            await page.wait_for_timeout(min(self.options.settle_ms, 150))
            return resp, None
        # A bounded settle: wait for ``load`` but never longer than the settle budget, so a
        # hanging iframe or tracker cannot stall us, then give scripts a moment to build menus.
        with contextlib.suppress(PlaywrightError):
            await page.wait_for_load_state("load", timeout=max(self.options.settle_ms * 2, 600))
        await page.wait_for_timeout(self.options.settle_ms)
        return resp, None

    async def _open_homepage(self, page: Page) -> PageSnapshot | None:
        attempts = 0
        while True:
            attempts += 1
            self._document = None
            resp, error = await self._navigate(page, self.muni.url)
            failure = await self._homepage_failure(page, resp, error)
            if failure is None:
                break
            status, detail, http_status, wait_s = failure
            if wait_s is None or attempts > self.options.retries:
                self._fail(status, detail, http_status=http_status, attempts=attempts, final_url=page.url if page.url != "about:blank" else "")
                return None
            await asyncio.sleep(min(wait_s, self.options.retry_after_cap_s))
        if attempts > 1:
            self.flags.append(f"attempts:{attempts}")
        chain = _redirect_chain(resp) + tuple(u for u in self._client_hops(page) if u)
        private_hop = next((u for u in chain if not self.options.allow_private_network and private_reason(u)), None)
        if private_hop:
            self._fail(SiteStatus.PRIVATE_NETWORK, f"redirected to a non-public address ({private_hop})")
            return None
        self._homepage_done = True
        consent = await self._close_consent(page)
        self.home_url = page.url
        return await self._snapshot(page, resp, depth=0, via=("", ""), chain=chain, consent=consent)

    def _client_hops(self, page: Page) -> tuple[str, ...]:
        # A meta refresh or script redirect leaves the final URL different from the response's.
        return (page.url,) if page.url and page.url != self.muni.url else ()

    async def _homepage_failure(
        self, page: Page, resp: Response | None, error: str | None
    ) -> tuple[SiteStatus, str, int | None, float | None] | None:
        """None when the homepage can be assessed; else (status, detail, http status, retry wait or None)."""
        if error is not None:
            if self._document is not None:
                headers = await self._document.all_headers()
                early = classify_response(self._document.status, headers, "", self.options.max_bytes)
                if early is not None:
                    return early
            status, detail, retry = classify_exception(error)
            if status is SiteStatus.TIMEOUT and self._document is not None:
                # The server answered but the page never finished: either a trickling body
                # (assess what arrived, flagged partial) or a script that never yields.
                links = await self._partial_links(page)
                if links is None:
                    return SiteStatus.PAGE_HUNG, "the page's scripts kept the browser busy and it never answered", self._document.status, None
                if links >= 5:
                    self.flags.append("partial")
                    return None
            return status, detail, None, (2.0 if retry else None)
        if self._blocked_private and not self.options.allow_private_network:
            return SiteStatus.PRIVATE_NETWORK, f"navigation to a non-public address was refused ({self._blocked_private[0]})", None, None
        if resp is None:
            return SiteStatus.EMPTY_PAGE, "the browser received no response", None, None
        headers = await resp.all_headers()
        title = ""
        with contextlib.suppress(PlaywrightError):
            title = await _bounded(page.title(), 2.0) or ""
        verdict = classify_response(resp.status, headers, title, self.options.max_bytes)
        if verdict is not None:
            return verdict
        if self._client_loop():
            return SiteStatus.REDIRECT_LOOP, f"the homepage keeps sending the browser on by meta refresh or script ({len(self._navigations)} navigations, back to {self._navigations[-1]})", resp.status, None
        measured = await self._content_size(page)
        if measured == (0, 0):
            await self._await_client_redirect(page)
            measured = await self._content_size(page)
        if measured is None:
            return SiteStatus.PAGE_HUNG, "the page did not answer", None, None
        text_len, links = measured
        if self._client_loop():
            return SiteStatus.REDIRECT_LOOP, f"the homepage keeps sending the browser on by meta refresh or script ({len(self._navigations)} navigations)", resp.status, None
        if text_len < 20 and links == 0:
            return SiteStatus.EMPTY_PAGE, "the homepage rendered no text and no links", resp.status, None
        return None

    async def _content_size(self, page: Page) -> tuple[int, int] | None:
        """(characters of text, links and frames) of the rendered page; None if it does not answer."""
        js = "() => [(document.body ? document.body.innerText.trim().length : 0), document.links.length + document.querySelectorAll('frame,iframe').length]"
        try:
            got = await _bounded(page.evaluate(js), 3.0)
        except PlaywrightError:
            got = [0, 0]  # the document was replaced mid-call: a redirect is under way
        return None if got is None else (int(got[0]), int(got[1]))

    async def _await_client_redirect(self, page: Page) -> None:
        """An empty page may be a meta refresh or a script redirect that has not fired yet."""
        start = page.url
        with contextlib.suppress(PlaywrightError):
            await page.wait_for_url(lambda url: url != start, timeout=3000)
            await page.wait_for_load_state("domcontentloaded", timeout=self.options.page_timeout_s * 1000)
            await page.wait_for_timeout(self.options.settle_ms)

    async def _partial_links(self, page: Page) -> int | None:
        """How many links the partly loaded page has; None when the page does not answer."""
        try:
            n = await _bounded(page.evaluate("() => document.body ? document.links.length : 0"), 2.0)
        except PlaywrightError:
            return 0
        return None if n is None else int(n)

    async def _close_consent(self, page: Page) -> ConsentAction | None:
        try:
            candidates: list[dict[str, Any]] = await page.evaluate(_CONSENT_JS, {})
        except PlaywrightError:
            return None
        banners = [c for c in candidates if find_terms(c["banner_text"], self.vocab.consent_banner)]
        if not banners:
            return None
        for tier in self.vocab.consent_least:
            for cand in banners:
                label = fold(cand["text"])
                if any(label == w or label.startswith(w + " ") or w in label for w in tier):
                    return await self._click_consent(page, cand)
        return ConsentAction(found=True, closed=False, detail="a cookie banner offered no least-consent choice; left open")

    async def _click_consent(self, page: Page, cand: dict[str, Any]) -> ConsentAction:
        try:
            await page.click(f"[data-audit-consent='{int(cand['index'])}']", timeout=3000)
            await page.wait_for_timeout(300)
        except PlaywrightError as exc:
            return ConsentAction(found=True, clicked=cand["text"], closed=False, detail=str(exc).splitlines()[0])
        still = False
        with contextlib.suppress(PlaywrightError):  # the locator pierces open shadow roots
            still = await page.locator(f"[data-audit-consent='{int(cand['index'])}']").first.is_visible(timeout=1000)
        return ConsentAction(found=True, clicked=cand["text"], closed=not still, detail="" if not still else "the banner stayed visible after the click")

    def _collect_args(self, links_only: bool) -> dict[str, Any]:
        return {"linksOnly": links_only, "newsWords": list(self.vocab.news_heading)}

    async def _collect(self, page: Page, *, links_only: bool = False) -> dict[str, Any]:
        """Run the collector in the main frame and every frame, offsetting frame boxes."""
        data: dict[str, Any] = json.loads(await page.evaluate(_COLLECT_JS, self._collect_args(links_only)))
        for frame in page.frames[1:]:
            if frame.url in ("", "about:blank") or not frame.url.startswith("http"):
                continue  # a frame whose navigation has not committed (or an ad slot) has nothing to read
            try:
                owner = await _bounded(frame.frame_element(), 2.0)
                box = await owner.bounding_box() if owner else None
                raw = await _bounded(frame.evaluate(_COLLECT_JS, self._collect_args(links_only)), 2.0)
                sub = json.loads(raw) if raw else None
            except PlaywrightError:
                continue  # detached frames are out of reach
            if not sub:
                continue  # a frame still loading (or hung) has nothing to give
            dx, dy = (box["x"], box["y"]) if box else (0.0, 0.0)
            for el in sub["elements"]:
                el["frame"] = frame.url
                el["box"]["x"] += dx
                el["box"]["y"] += dy
            data["elements"].extend(sub["elements"])
            if not links_only:
                data["headings"].extend(sub["headings"])
                data["text"] = f"{data['text']} {sub['text']}".strip()
                data["main_text"] = f"{data['main_text']} {sub['main_text']}".strip()
        return data

    async def _snapshot(
        self, page: Page, resp: Response | None, *, depth: int, via: tuple[str, str],
        chain: tuple[str, ...] = (), consent: ConsentAction | None = None, parent: str = "",
    ) -> PageSnapshot:
        name = f"{self.prefix}/page-{self._page_index}"
        self._page_index += 1
        data = await self._collect(page)
        html = await page.content()
        self.captured.blobs[f"{name}.html"] = html.encode("utf-8")
        headers = await resp.all_headers() if resp else {}
        if resp is not None:
            body = b""
            with contextlib.suppress(PlaywrightError):
                body = await resp.body()
            self.captured.warc.append(WarcEntry(resp.url, "response", headers.get("content-type", ""), body, resp.status, tuple(headers.items())))
        self.captured.warc.append(WarcEntry(page.url, "resource", "text/html; charset=utf-8", html.encode("utf-8")))
        shot = full = ""
        mobile: tuple[Element, ...] = ()
        if depth == 0:
            shot, full = await self._screenshots(page, name, data)
            if self.options.mobile:
                mobile = await self._mobile_elements(page)
        flags = ["frameset"] if data.get("frameset") else []
        return PageSnapshot(
            url=via[1] or self.muni.url, final_url=page.url, depth=depth,
            status=resp.status if resp else 0, title=data["title"][:500], lang=data["lang"][:20],
            via_text=via[0], via_url=via[1], parent_url=parent,
            headings=tuple(_heading(h) for h in data["headings"]), news_signals=tuple(data.get("news_signals", ())),
            elements=tuple(_element(e) for e in data["elements"]),
            text=data["text"], main_text=data.get("main_text", ""), redirect_chain=chain,
            content_type=headers.get("content-type", ""), html_file=f"{name}.html",
            screenshot=shot, full_screenshot=full, consent=consent, mobile_elements=mobile,
            viewport=self.criteria.settings.viewport, flags=tuple(flags),
        )

    async def _screenshots(self, page: Page, name: str, data: dict[str, Any]) -> tuple[str, str]:
        width, _ = self.criteria.settings.viewport
        shot, full = f"{name}.png", f"{name}-full.jpg"
        try:
            await page.evaluate("() => window.scrollTo(0, 0)")
            png = await page.screenshot(type="png", timeout=10000)
            self.captured.blobs[shot] = png
            self.captured.warc.append(WarcEntry(f"urn:screenshot:{page.url}", "resource", "image/png", png))
            height = min(int(data.get("scrollHeight") or 0) or 768, self.options.full_page_max_px)
            jpg = await page.screenshot(type="jpeg", quality=45, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}, timeout=15000)
            self.captured.blobs[full] = jpg
        except PlaywrightError:
            self.flags.append("screenshot_failed")
            return (shot if shot in self.captured.blobs else ""), ""
        return shot, full

    async def _mobile_elements(self, page: Page) -> tuple[Element, ...]:
        """Informational: the same links at a 390x844 phone size."""
        w, h = self.criteria.settings.mobile_viewport
        dw, dh = self.criteria.settings.viewport
        try:
            await page.set_viewport_size({"width": w, "height": h})
            await page.wait_for_timeout(150)
            data = json.loads(await page.evaluate(_COLLECT_JS, self._collect_args(True)))
            return tuple(_element(e) for e in data["elements"])
        except PlaywrightError:
            return ()
        finally:
            with contextlib.suppress(PlaywrightError):
                await page.set_viewport_size({"width": dw, "height": dh})

    async def _follow(self, page: Page, pages: list[PageSnapshot]) -> None:
        """Breadth-first over the best candidates, up to max_depth (deeper from service pages).

        When the ranked links reach no service page, browse the site's own navigation as a
        resident would, so a service page two clicks behind "Om kommunen" is still found.
        """
        seen = {normalise_url(pages[0].final_url), normalise_url(self.muni.url)}
        queue: list[tuple[Candidate, int, str]] = [(c, 1, pages[0].final_url) for c in self._candidates(pages[0])]
        browsed = False
        while len(pages) < self.options.max_pages:
            if not queue:
                if browsed or any(_names_service(p, self.criteria) for p in pages[1:]):
                    break
                browsed = True
                extra = browse_links(pages[0].elements, pages[0].final_url, self.vocab)
                queue = [(c, 1, pages[0].final_url) for c in extra if c.url not in seen]
                continue
            cand, depth, parent = queue.pop(0)
            if cand.url in seen:
                continue
            seen.add(cand.url)
            if self.robots is not None and not self.robots.allows(cand.url):
                self.flags.append(f"robots_skipped:{cand.url}")
                continue
            snap = await self._visit(page, cand, depth, parent)
            if snap is None:
                continue
            pages.append(snap)
            service = _names_service(snap, self.criteria)
            limit = self.criteria.settings.person_page_depth if service else self.criteria.settings.max_depth
            if depth < limit:
                found = self._candidates(snap, from_service_page=service)
                # Links that name the service jump the queue: they are what we came for.
                queue = [*((c, depth + 1, snap.final_url) for c in found if c.score >= 10), *queue,
                         *((c, depth + 1, snap.final_url) for c in found if c.score < 10)]

    async def _visit(self, page: Page, cand: Candidate, depth: int, parent: str) -> PageSnapshot | None:
        """Open a followed link; None (and nothing stored) when it fails, leaves the site or went private.

        Request interception does not see redirect hops, so the chain is checked once the
        navigation is over and before anything of the page is read or kept.
        """
        resp, error = await self._navigate(page, cand.url, settle=False)
        if error is not None or resp is None or resp.status >= 400:
            return None
        chain = (*_redirect_chain(resp), page.url)
        if not self.options.allow_private_network and any(private_reason(u) for u in chain):
            self.flags.append(f"private_redirect_refused:{cand.url}")
            return None
        if not (same_site(page.url, self.muni.url) or same_site(page.url, self.home_url)):
            return None
        return await self._snapshot(page, resp, depth=depth, via=(cand.text, cand.url), parent=parent)

    def _candidates(self, snap: PageSnapshot, *, from_service_page: bool = False) -> list[Candidate]:
        ranked = rank_links(snap.elements, snap.final_url, self.vocab, from_service_page=from_service_page, municipality=self.muni.name)
        return ranked[: self.options.follow_per_page]



def _names_service(snap: PageSnapshot, criteria: Criteria) -> bool:
    vocab = criteria.vocabulary
    return bool(is_service_page(snap, vocab)) or bool(snap.depth == 1 and presents_as_service(snap.via_text, snap, vocab))


def _redirect_chain(resp: Response | None) -> tuple[str, ...]:
    chain: list[str] = []
    req = resp.request if resp else None
    while req is not None:
        chain.append(req.url)
        req = req.redirected_from
    return tuple(reversed(chain))


def _element(raw: dict[str, Any]) -> Element:
    b = raw.get("box")
    return Element(
        kind=raw["kind"], text=raw["text"], name=raw.get("name", ""), href=raw.get("href", ""),
        landmark=raw.get("landmark", ""),
        box=Box(round(b["x"], 1), round(b["y"], 1), round(b["width"], 1), round(b["height"], 1)) if b else None,
        visible=bool(raw.get("visible")), hidden_container=bool(raw.get("hidden_container")),
        covered=bool(raw.get("covered")), font_size=float(raw.get("font_size") or 0),
        selector=raw.get("selector", ""), in_article=bool(raw.get("in_article")), frame=raw.get("frame", ""),
        article_main=bool(raw.get("article_main")), dated=bool(raw.get("dated")), news_region=bool(raw.get("news_region")),
    )


def _heading(raw: dict[str, Any]) -> Heading:
    return Heading(
        raw["level"], raw["text"], in_article=bool(raw.get("in_article")), article_main=bool(raw.get("article_main")),
        dated=bool(raw.get("dated")), news_region=bool(raw.get("news_region")),
    )


def _locale(country: str) -> str:
    return {"SE": "sv-SE", "NO": "nb-NO", "DK": "da-DK", "FI": "fi-FI"}.get(country.upper(), "en-GB")


async def crawl_sites(
    municipalities: Sequence[Municipality],
    criteria: Criteria,
    options: CrawlOptions,
    on_done: Callable[[Captured], None],
) -> None:
    """Crawl every municipality with ``options.concurrency`` sites in flight; call ``on_done`` per site.

    A site that exceeds its wall-clock budget is reported as ``page_hung``; a browser crash is
    reported for that site only, the browser is relaunched and the run goes on.

    Ctrl-C (SIGINT, to the process or its whole group) stops the crawl at once: sites in flight
    are cancelled and nothing is recorded for them (a browser torn down by the interrupt must not
    turn healthy sites into failures); :class:`~audit.errors.Interrupted` is raised. A second
    Ctrl-C exits immediately.
    """
    semaphore = asyncio.Semaphore(max(1, options.concurrency))
    pacer = HostPacer(options.per_host, options.host_delay_s)
    done_lock = asyncio.Lock()
    stop = asyncio.Event()

    async def one(pool: BrowserPool, muni: Municipality) -> None:
        async with pacer.slot(muni.url), semaphore:
            if stop.is_set():
                return
            captured = await crawl_one(pool, muni, criteria, options, pacer)
        if stop.is_set():
            return  # never record what an interrupt may have spoiled
        # Archiving (JSON, gzip, fsync) runs in a worker thread so the browser keeps being
        # driven meanwhile; the lock keeps results arriving one at a time.
        async with done_lock:
            await asyncio.to_thread(on_done, captured)

    async def everything() -> None:
        async with BrowserPool(options.chromium, options.chromium_args) as pool:
            await asyncio.gather(*(one(pool, m) for m in municipalities))

    main = asyncio.ensure_future(everything())

    def interrupt() -> None:
        stop.set()
        main.cancel()

    with interrupt_handler(interrupt):
        try:
            await main
        except asyncio.CancelledError:
            if stop.is_set():
                raise Interrupted() from None
            raise


async def crawl_one(pool: BrowserPool, muni: Municipality, criteria: Criteria, options: CrawlOptions, pacer: HostPacer) -> Captured:
    """One site, with a hard time limit; retried once on a relaunched browser if the browser died."""
    first = await _attempt(pool, SiteCrawler(muni, criteria, options, pacer), options, attempt=1)
    if not isinstance(first, PlaywrightError):
        return first
    await pool.relaunch()
    second = await _attempt(pool, SiteCrawler(muni, criteria, options, pacer), options, attempt=2)
    if not isinstance(second, PlaywrightError):
        return second
    return _crash(muni, second, attempts=2)


async def _attempt(pool: BrowserPool, crawler: SiteCrawler, options: CrawlOptions, *, attempt: int) -> Captured | PlaywrightError:
    """The crawl's result, or the error to retry on a new browser (only when the browser died)."""
    muni = crawler.muni
    try:
        browser = await pool.browser()
        return await asyncio.wait_for(crawler.run(browser), timeout=options.site_timeout_s)
    except TimeoutError:
        detail = f"the site did not finish within {options.site_timeout_s:.0f} s (hard limit)"
        return Captured(CrawlFailure(muni, SiteStatus.PAGE_HUNG, detail, url=muni.url, started_at=crawler.started_at, finished_at=_now(), attempts=attempt))
    except PlaywrightError as exc:
        return exc if browser_gone(exc) else _crash(muni, exc, attempts=attempt)


def _crash(muni: Municipality, exc: PlaywrightError, *, attempts: int) -> Captured:
    message = str(exc).splitlines()[0] if str(exc) else repr(exc)
    return Captured(CrawlFailure(muni, SiteStatus.BROWSER_CRASH, f"the browser failed on this site: {message}", url=muni.url, finished_at=_now(), attempts=attempts))
