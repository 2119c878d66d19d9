"""Opening pages: bounded waits and retries with backoff (what a failed homepage failed of is
judged in :mod:`audit.crawler.homepage`).

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

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page, Response

from audit.crawl_types import CrawlOptions
from audit.crawler.homepage import PARTIAL, HomepageJudge
from audit.crawler.policy import HostPacer, SitePolicy
from audit.crawler.pool import browser_gone
from audit.models import Reason, SiteStatus, reason

# Main-frame navigations (with a URL seen twice) after which a homepage counts as a redirect loop.
_LOOP_HOPS = 3


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

    def __init__(
        self,
        page: Page,
        options: CrawlOptions,
        pacer: HostPacer,
        policy: SitePolicy,
        challenge_titles: tuple[str, ...] = (),
    ) -> None:
        self.page, self.options, self.pacer, self.policy = page, options, pacer, policy
        self.challenge_titles = challenge_titles
        self.document: Response | None = None
        self.hops: list[str] = []
        # Only while the homepage is opened: a listener makes every response of the page cross
        # from the browser into Python, which the followed pages do not need.
        page.on("response", self._remember_document)
        page.on("framenavigated", self._remember_hop)

    def _remember_document(self, resp: Response) -> None:
        # The main document's response, kept so a navigation that times out (a trickling or
        # oversized body) can still be classified by its status and headers.
        if resp.request.is_navigation_request() and resp.frame.parent_frame is None:
            self.document = resp

    def _remember_hop(self, frame: Frame) -> None:
        # Main-frame navigations of the homepage visit, to tell a client-side redirect loop
        # (meta refresh or script sending the browser back and forth) from an empty page.
        if frame.parent_frame is None:
            self.hops.append(frame.url)

    def _stop_watching(self) -> None:
        self.page.remove_listener("response", self._remember_document)
        self.page.remove_listener("framenavigated", self._remember_hop)

    def client_loop(self) -> bool:
        """The main frame went round in a loop: a URL came back after several navigations."""
        return len(self.hops) >= _LOOP_HOPS and len(set(self.hops)) < len(self.hops)

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
            # A followed page is read for its text and links; a short pause lets scripts that
            # build the content after DOMContentLoaded finish (``load`` comes too early for them).
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
            self.document, self.hops = None, []
            resp, error = await self.goto(url, settle=True, first_sight_ms=first_sight_ms)
            verdict = await HomepageJudge(self).judge(resp, error)
            if verdict is None or verdict is PARTIAL:
                partial = verdict is PARTIAL
                break
            if verdict.retry_after is None or attempts > self.options.retries:
                final = self.page.url if self.page.url != "about:blank" else ""
                return Refused(verdict.status, verdict.why, verdict.http_status, attempts, final)
            await asyncio.sleep(min(verdict.retry_after, self.options.retry_after_cap_s))
        self._stop_watching()
        # A meta refresh or script redirect leaves the final URL different from the response's.
        client_hop = (self.page.url,) if self.page.url and self.page.url != url else ()
        chain = redirect_chain(resp) + client_hop
        hop = self.policy.private_hop(chain)
        if hop:
            return Refused(SiteStatus.PRIVATE_NETWORK, reason("failure.private_redirect", url=hop), attempts=attempts)
        return Opened(resp, chain, attempts, partial)
