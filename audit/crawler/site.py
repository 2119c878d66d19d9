"""One municipality, start to end, in its own browser context (fresh cookies, bounded memory).

Check the homepage address and robots.txt, open the homepage, close a cookie banner, record the
homepage, then open the links :class:`~audit.follow.FollowPlan` chooses until it has none left or
the page budget is spent. The result is a :class:`~audit.crawl_types.Captured`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page

from audit.beside.statement import statement_link
from audit.crawl_types import Captured, CrawlOptions
from audit.crawler import wcag
from audit.crawler.capture import Recorder
from audit.crawler.consent import close_consent
from audit.crawler.menus import open_empty_menus
from audit.crawler.navigation import Navigator, Opened, redirect_chain
from audit.crawler.policy import HostPacer, SitePolicy
from audit.criteria import Criteria, Vocabulary
from audit.follow import FollowPlan, Step
from audit.linkrank import Candidate, same_site
from audit.messages import render
from audit.models import CrawlFailure, Municipality, PageSnapshot, Reason, SiteSnapshot, SiteStatus, reason

_LOCALES = {"SE": "sv-SE", "NO": "nb-NO", "DK": "da-DK", "FI": "fi-FI"}


def locale_for(muni: Municipality) -> str:
    """The browser language of a resident: the country's, or Swedish in Finland when the list
    gives the municipality's Swedish name first (a Swedish-speaking majority)."""
    if muni.country.upper() == "FI" and re.match(r"^[^–/]*\b(kommun|stad)\b", muni.name, re.IGNORECASE):
        return "sv-FI"
    return _LOCALES.get(muni.country.upper(), "en-GB")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Followed pages are read for their text, links and styles, never seen on a screenshot: their
# pictures are not fetched. Blocked inside Chromium, so no request crosses into Python.
_PICTURES = tuple(
    f"*.{ext}" for ext in ("png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "mp4", "webm")
)


async def _skip_images(context: BrowserContext, page: Page) -> None:
    with contextlib.suppress(Exception):  # only a saving: without it the pages load in full
        session = await context.new_cdp_session(page)
        await session.send("Network.enable")
        await session.send("Network.setBlockedURLs", {"urls": list(_PICTURES)})


async def _before_following(
    context: BrowserContext, page: Page, home: PageSnapshot, vocab: Vocabulary, flags: list[str]
) -> PageSnapshot:
    """Once the homepage is recorded: the links of menus filled on opening, and no more pictures."""
    home = await open_empty_menus(page, home, vocab, flags)
    await _skip_images(context, page)
    return home


def _settle(task: asyncio.Future[Any]) -> None:
    """Cancel a task still running; read the error of one that failed unawaited (not logged twice)."""
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()


class SiteCrawler:
    """Crawls one municipality; :meth:`run` always ends with a snapshot or a failure."""

    def __init__(
        self, muni: Municipality, criteria: Criteria, options: CrawlOptions, pacer: HostPacer | None = None
    ) -> None:
        self.muni, self.options = muni, options
        self.criteria = criteria.for_country(muni.country)
        self.pacer = pacer or HostPacer(options.per_host, options.host_delay_s)
        self.policy = SitePolicy(options)
        self.started_at = now()
        self.captured = Captured(
            result=CrawlFailure(muni, SiteStatus.PAGE_HUNG, "not started", reason=reason("failure.not_started"))
        )
        self.recorder = Recorder(self.captured, f"snapshots/{muni.id}", self.criteria, options)
        self.flags: list[str] = []
        self.browser_version = ""

    async def run(self, browser: Browser) -> Captured:
        self.browser_version = f"{browser.browser_type.name.capitalize()} {browser.version}"
        # robots.txt and the address check are network round trips: they run while the browser
        # prepares the tab, and nothing is opened in it before they have answered.
        refusal = asyncio.ensure_future(self.policy.refusal(self.muni.url))
        context: BrowserContext | None = None
        try:
            context = await self._new_context(browser)
            page = await context.new_page()
            refused = await refusal
            if refused:
                self._fail(*refused)
            else:
                await self._crawl(context, page)
        finally:
            _settle(refusal)
            if context is not None:
                with contextlib.suppress(Exception):
                    await context.close()
        return self.captured

    async def _new_context(self, browser: Browser) -> BrowserContext:
        width, height = self.criteria.settings.viewport
        context = await browser.new_context(
            viewport={"width": width, "height": height},
            user_agent=self.options.user_agent,
            service_workers="block",
            accept_downloads=False,
            locale=locale_for(self.muni),
        )
        if self.policy.guarded:
            await context.route("**/*", self.policy.guard_request)
        return context

    def _fail(self, status: SiteStatus, why: Reason, **extra: Any) -> None:
        self.captured.result = CrawlFailure(
            self.muni,
            status,
            render(why),
            url=self.muni.url,
            started_at=self.started_at,
            finished_at=now(),
            reason=why,
            **extra,
        )

    async def _crawl(self, context: BrowserContext, page: Page) -> None:
        navigator = Navigator(page, self.options, self.pacer, self.policy, self.criteria.vocabulary.challenge_title)
        opened = await navigator.open_homepage(self.muni.url, self.criteria.settings.first_sight_ms)
        if not isinstance(opened, Opened):
            self._fail(
                opened.status,
                opened.why,
                http_status=opened.http_status,
                attempts=opened.attempts,
                final_url=opened.final_url,
            )
            return
        if opened.attempts > 1:
            self.flags.append(f"attempts:{opened.attempts}")
        if opened.partial:
            self.flags.append("partial")
        consent = await close_consent(page, self.criteria.vocabulary)
        home = await self.recorder.snapshot(
            page, opened.response, depth=0, url=self.muni.url, chain=opened.chain, consent=consent
        )
        if self.options.wcag:
            home = replace(home, wcag=await wcag.scan(page, "homepage"))
        home = await _before_following(context, page, home, self.criteria.vocabulary, self.flags)
        pages = [home, *await self._follow(page, navigator, home)]
        statement = await self._statement(page, navigator, home) if self.options.wcag else None
        self.captured.result = SiteSnapshot(
            municipality=self.muni,
            pages=tuple(pages),
            started_at=self.started_at,
            finished_at=now(),
            user_agent=self.options.user_agent,
            browser_version=self.browser_version,
            flags=(*self.flags, *self.recorder.flags),
            statement=statement,
        )

    async def _follow(self, page: Page, navigator: Navigator, home: PageSnapshot) -> list[PageSnapshot]:
        plan = FollowPlan(self.criteria, self.muni.name, self.options.follow_per_page)
        plan.start(home, self.muni.url)
        pages: list[PageSnapshot] = []
        # Browsing the navigation for a service nobody names earns a few more pages.
        while 1 + len(pages) < self.options.max_pages + (self.options.browse_pages if plan.browsed else 0):
            step = plan.next()
            if step is None:
                return pages
            if not self.policy.may_open(step.candidate.url):
                self.flags.append(f"robots_skipped:{step.candidate.url}")
                continue
            snap = await self._visit(page, navigator, step, home.final_url)
            if snap is not None:
                known = plan.found_service
                plan.opened(snap, step)
                if self.options.wcag and plan.found_service and not known:  # the first service page
                    snap = replace(snap, wcag=await wcag.scan(page, "service"))
                pages.append(snap)
        left = plan.unvisited()
        if left:
            self.flags.append(f"page_budget:{left}")
        unread = plan.unread_sections()
        if unread and not plan.found_service:
            self.flags.append(f"unread_sections:{unread}")
        return pages

    async def _statement(self, page: Page, navigator: Navigator, home: PageSnapshot) -> PageSnapshot | None:
        """The accessibility statement the homepage links to, opened beside the crawl (never
        among the pages the five checks read)."""
        link = statement_link(home, self.criteria.vocabulary)
        if link is None or not self.policy.may_open(link.href):
            return None
        step = Step(Candidate(link.href, link.text or link.name, 0.0, "statement"), 1, home.final_url)
        snap = await self._visit(page, navigator, step, home.final_url)
        if snap is None:
            self.flags.append("statement_failed")
        return snap

    async def _visit(self, page: Page, navigator: Navigator, step: Step, home_url: str) -> PageSnapshot | None:
        """Open a followed link; None (and nothing kept) when it fails, leaves the site or went private.

        Request interception does not see redirect hops, so the chain is checked once the
        navigation is over and before anything of the page is read or kept.
        """
        url = step.candidate.url
        resp, error = await navigator.goto(url, settle=False)
        if error is not None or resp is None or resp.status >= 400:
            self.flags.append(f"follow_failed:{url}")
            return None
        if self.policy.private_hop((*redirect_chain(resp), page.url)):
            self.flags.append(f"private_redirect_refused:{url}")
            return None
        if not (same_site(page.url, self.muni.url) or same_site(page.url, home_url)):
            return None
        return await self.recorder.snapshot(
            page, resp, depth=step.depth, url=url, via=(step.candidate.text, url), parent=step.parent
        )
