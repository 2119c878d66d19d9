"""Opening pages: bounded waits, retries with backoff, and what a failed homepage failed of.

Never the ``load`` event alone (a hanging iframe blocks it forever): ``domcontentloaded`` plus a
bounded settle on the homepage, whose layout is judged; a short pause on followed pages, which
are read for text and links. Connection errors, 5xx and 429 are retried (``Retry-After``
honoured, capped); DNS, TLS, redirect loops and timeouts are not.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page, Response

from audit.crawl_types import CrawlOptions
from audit.crawler.policy import HostPacer, SitePolicy
from audit.crawler.pool import browser_gone
from audit.failures import classify_exception, classify_response
from audit.models import Reason, SiteStatus, reason

# Main-frame navigations (with a URL seen twice) after which a homepage counts as a redirect loop.
_LOOP_HOPS = 3
# The fewest links a partly arrived page must show to be assessed from what arrived.
_PARTIAL_LINKS = 5


async def bounded(awaitable: Any, seconds: float) -> Any:
    """Await an in-page call with a time limit: a frame whose navigation hangs never answers."""
    try:
        return await asyncio.wait_for(awaitable, timeout=seconds)
    except TimeoutError:
        return None


@dataclass(frozen=True)
class Opened:
    """The homepage could be assessed."""

    response: Response | None
    chain: tuple[str, ...]
    attempts: int
    partial: bool


@dataclass(frozen=True)
class Refused:
    """The homepage could not be assessed, and why."""

    status: SiteStatus
    why: Reason
    http_status: int | None = None
    attempts: int = 1
    final_url: str = ""


@dataclass(frozen=True)
class _Verdict:
    status: SiteStatus
    why: Reason
    http_status: int | None
    retry_after: float | None  # seconds to wait before trying again; None: no retry


# Assessable from what arrived: the body was still trickling in at the time limit.
_PARTIAL = _Verdict(SiteStatus.OK, reason("partial"), None, None)


def redirect_chain(resp: Response | None) -> tuple[str, ...]:
    """Every URL the navigation went through, first to last (HTTP redirects only)."""
    chain: list[str] = []
    req = resp.request if resp else None
    while req is not None:
        chain.append(req.url)
        req = req.redirected_from
    return tuple(reversed(chain))


class Navigator:
    """Drives one tab of one site's crawl."""

    def __init__(self, page: Page, options: CrawlOptions, pacer: HostPacer, policy: SitePolicy, challenge_titles: tuple[str, ...] = ()) -> None:
        self.page, self.options, self.pacer, self.policy = page, options, pacer, policy
        self.challenge_titles = challenge_titles
        self._document: Response | None = None
        self._hops: list[str] = []
        self._watch_hops = True
        page.on("response", self._remember_document)
        page.on("framenavigated", self._remember_hop)

    def _remember_document(self, resp: Response) -> None:
        # The main document's response, kept so a navigation that times out (a trickling or
        # oversized body) can still be classified by its status and headers.
        if resp.request.is_navigation_request() and resp.frame.parent_frame is None:
            self._document = resp

    def _remember_hop(self, frame: Frame) -> None:
        # Main-frame navigations of the homepage visit, to tell a client-side redirect loop
        # (meta refresh or script sending the browser back and forth) from an empty page.
        if frame.parent_frame is None and self._watch_hops:
            self._hops.append(frame.url)

    def _client_loop(self) -> bool:
        return len(self._hops) >= _LOOP_HOPS and len(set(self._hops)) < len(self._hops)

    async def goto(self, url: str, *, settle: bool, first_sight_ms: int = 0) -> tuple[Response | None, str | None]:
        """Go to ``url``; the main response, or an error message.

        ``first_sight_ms``: with ``settle``, the page is not read before this long after the
        navigation began, so what a resident sees at first sight (a pop-up included) is what is judged.
        """
        await self.pacer.wait_turn(url)
        began = time.monotonic()
        try:
            resp = await self.page.goto(url, wait_until="domcontentloaded", timeout=self.options.page_timeout_s * 1000)
        except PlaywrightError as exc:
            if browser_gone(exc):
                raise  # the site is retried on a relaunched browser (see runner.crawl_one)
            return None, str(exc)
        if resp is not None and resp.status >= 400:
            return resp, None  # an error page is classified, not read: no settle needed
        if not settle:
            await self.page.wait_for_timeout(min(self.options.settle_ms, 150))
            return resp, None
        # A bounded settle: wait for ``load`` but never longer than the settle budget, so a
        # hanging iframe or tracker cannot stall us, then give scripts a moment to build menus.
        with contextlib.suppress(PlaywrightError):
            await self.page.wait_for_load_state("load", timeout=max(self.options.settle_ms * 2, 600))
        await self.page.wait_for_timeout(self.options.settle_ms)
        left_ms = first_sight_ms - (time.monotonic() - began) * 1000
        if left_ms > 0:
            await self.page.wait_for_timeout(left_ms)
        return resp, None

    async def open_homepage(self, url: str, first_sight_ms: int = 0) -> Opened | Refused:
        """Open the homepage, retrying what may pass; the redirect chain is checked for private hops."""
        attempts, partial = 0, False
        while True:
            attempts += 1
            self._document, self._hops = None, []
            resp, error = await self.goto(url, settle=True, first_sight_ms=first_sight_ms)
            verdict = await self._judge(resp, error)
            if verdict is None or verdict is _PARTIAL:
                partial = verdict is _PARTIAL
                break
            if verdict.retry_after is None or attempts > self.options.retries:
                final = self.page.url if self.page.url != "about:blank" else ""
                return Refused(verdict.status, verdict.why, verdict.http_status, attempts, final)
            await asyncio.sleep(min(verdict.retry_after, self.options.retry_after_cap_s))
        self._watch_hops = False
        # A meta refresh or script redirect leaves the final URL different from the response's.
        client_hop = (self.page.url,) if self.page.url and self.page.url != url else ()
        chain = redirect_chain(resp) + client_hop
        hop = self.policy.private_hop(chain)
        if hop:
            return Refused(SiteStatus.PRIVATE_NETWORK, reason("failure.private_redirect", url=hop), attempts=attempts)
        return Opened(resp, chain, attempts, partial)

    async def _judge(self, resp: Response | None, error: str | None) -> _Verdict | None:
        """None when the homepage can be assessed, _PARTIAL when only part of it arrived."""
        if error is not None:
            return await self._judge_error(error)
        if self.policy.guarded and self.policy.blocked:
            return _Verdict(SiteStatus.PRIVATE_NETWORK, reason("failure.private_request", url=self.policy.blocked[0]), None, None)
        if resp is None:
            return _Verdict(SiteStatus.EMPTY_PAGE, reason("failure.no_response"), None, None)
        title = ""
        with contextlib.suppress(PlaywrightError):
            title = await bounded(self.page.title(), 2.0) or ""
        early = classify_response(resp.status, await resp.all_headers(), title, self.options.max_bytes, self.challenge_titles)
        if early is not None:
            return _Verdict(*early)
        return await self._judge_content(resp.status)

    async def _judge_error(self, error: str) -> _Verdict | None:
        if self._document is not None:
            early = classify_response(self._document.status, await self._document.all_headers(), "", self.options.max_bytes)
            if early is not None:
                return _Verdict(*early)
        status, why, retry = classify_exception(error)
        if status is SiteStatus.TIMEOUT and self._document is not None:
            # The server answered but the page never finished: either a trickling body
            # (assess what arrived, flagged partial) or a script that never yields.
            links = await self._count(self._LINKS_JS)
            if links is None:
                return _Verdict(SiteStatus.PAGE_HUNG, reason("failure.scripts_busy"), self._document.status, None)
            if links >= _PARTIAL_LINKS:
                return _PARTIAL
        return _Verdict(status, why, None, 2.0 if retry else None)

    async def _still_moving(self) -> None:
        """A page that navigated again after loading is a client redirect under way: give it up to
        three seconds to land, or to show that it goes round in a loop."""
        for _ in range(6):
            if len(self._hops) <= 1 or self._client_loop():
                return
            before = len(self._hops)
            await self.page.wait_for_timeout(500)
            if len(self._hops) == before:
                return

    async def _judge_content(self, http_status: int) -> _Verdict | None:
        loop = _Verdict(SiteStatus.REDIRECT_LOOP, reason("failure.client_redirect_loop"), http_status, None)
        await self._still_moving()
        if self._client_loop():
            return loop
        measured = await self._content_size()
        if measured == (0, 0):
            await self._await_client_redirect()
            measured = await self._content_size()
        if measured is None:
            return _Verdict(SiteStatus.PAGE_HUNG, reason("failure.no_answer"), None, None)
        if self._client_loop():
            return loop
        text_len, links = measured
        if text_len < 20 and links == 0:
            return _Verdict(SiteStatus.EMPTY_PAGE, reason("failure.empty_page"), http_status, None)
        return None

    _SIZE_JS = "() => [(document.body ? document.body.innerText.trim().length : 0), document.links.length + document.querySelectorAll('frame,iframe').length]"
    _LINKS_JS = "() => document.body ? document.links.length : 0"

    async def _content_size(self) -> tuple[int, int] | None:
        """(characters of text, links and frames) of the rendered page; None if it does not answer."""
        try:
            got = await bounded(self.page.evaluate(self._SIZE_JS), 3.0)
        except PlaywrightError:
            got = [0, 0]  # the document was replaced mid-call: a redirect is under way
        return None if got is None else (int(got[0]), int(got[1]))

    async def _count(self, js: str) -> int | None:
        try:
            n = await bounded(self.page.evaluate(js), 2.0)
        except PlaywrightError:
            return 0
        return None if n is None else int(n)

    async def _await_client_redirect(self) -> None:
        """An empty page may be a meta refresh or a script redirect that has not fired yet."""
        start = self.page.url
        with contextlib.suppress(PlaywrightError):
            await self.page.wait_for_url(lambda u: u != start, timeout=3000)
            await self.page.wait_for_load_state("domcontentloaded", timeout=self.options.page_timeout_s * 1000)
            await self.page.wait_for_timeout(self.options.settle_ms)
