"""Every municipality: concurrency, hard time limits, crash recovery and Ctrl-C."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence

from playwright.async_api import Error as PlaywrightError

from audit.crawl_types import Captured, CrawlOptions
from audit.crawler.policy import HostPacer
from audit.crawler.pool import BrowserPool, browser_gone, interrupt_handler
from audit.crawler.site import SiteCrawler, now
from audit.criteria import Criteria
from audit.errors import Interrupted
from audit.messages import render
from audit.models import CrawlFailure, Municipality, SiteSnapshot, SiteStatus, reason


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
    crawl = _Crawl(criteria, options, on_done)
    main = asyncio.ensure_future(crawl.everything(municipalities))

    def interrupt() -> None:
        crawl.stop.set()
        main.cancel()

    with interrupt_handler(interrupt):
        try:
            await main
        except asyncio.CancelledError:
            if crawl.stop.is_set():
                raise Interrupted() from None
            raise


class _Crawl:
    """The sites of one crawl: a few at a time, one host at a time, archived one by one."""

    def __init__(self, criteria: Criteria, options: CrawlOptions, on_done: Callable[[Captured], None]) -> None:
        self.criteria, self.options, self.on_done = criteria, options, on_done
        self.semaphore = asyncio.Semaphore(max(1, options.concurrency))
        self.pacer = HostPacer(options.per_host, options.host_delay_s)
        self.done_lock = asyncio.Lock()
        self.stop = asyncio.Event()
        self.hung: list[Municipality] = []

    async def everything(self, municipalities: Sequence[Municipality]) -> None:
        async with BrowserPool(self.options.chromium, self.options.chromium_args) as pool:
            await asyncio.gather(*(self.one(pool, m) for m in municipalities))
            # A site that ran out of time while the machine was busy gets one more try at the
            # end, when fewer sites compete for it; only that try is recorded.
            hung, self.hung = self.hung, []
            await asyncio.gather(*(self.one(pool, m, last_try=True) for m in hung))

    async def one(self, pool: BrowserPool, muni: Municipality, *, last_try: bool = False) -> None:
        async with self.pacer.slot(muni.url), self.semaphore:
            if self.stop.is_set():
                return
            captured = await crawl_one(pool, muni, self.criteria, self.options, self.pacer)
        if self.stop.is_set():
            return  # never record what an interrupt may have spoiled
        if _ran_out_of_time(captured) and not last_try:
            self.hung.append(muni)
            return
        if last_try:
            captured = _second_attempt(captured)
        # Archiving (JSON, gzip, fsync) runs in a worker thread so the browser keeps being
        # driven meanwhile; the lock keeps results arriving one at a time.
        async with self.done_lock:
            await asyncio.to_thread(self.on_done, captured)


async def crawl_one(
    pool: BrowserPool, muni: Municipality, criteria: Criteria, options: CrawlOptions, pacer: HostPacer
) -> Captured:
    """One site, with a hard time limit; retried once on a relaunched browser if the browser died."""
    first = await _attempt(pool, SiteCrawler(muni, criteria, options, pacer), options, attempt=1)
    if not isinstance(first, PlaywrightError):
        return first
    await pool.relaunch()
    second = await _attempt(pool, SiteCrawler(muni, criteria, options, pacer), options, attempt=2)
    if not isinstance(second, PlaywrightError):
        return second
    return _crash(muni, second, attempts=2)


async def _attempt(
    pool: BrowserPool, crawler: SiteCrawler, options: CrawlOptions, *, attempt: int
) -> Captured | PlaywrightError:
    """The crawl's result, or the error to retry on a new browser (only when the browser died)."""
    muni = crawler.muni
    try:
        browser = await pool.browser()
        return await asyncio.wait_for(crawler.run(browser), timeout=options.site_timeout_s)
    except TimeoutError:
        why = reason("failure.site_time_limit", seconds=round(options.site_timeout_s))
        return Captured(
            CrawlFailure(
                muni,
                SiteStatus.PAGE_HUNG,
                render(why),
                url=muni.url,
                started_at=crawler.started_at,
                finished_at=now(),
                attempts=attempt,
                reason=why,
            )
        )
    except PlaywrightError as exc:
        return exc if browser_gone(exc) else _crash(muni, exc, attempts=attempt)


def _ran_out_of_time(captured: Captured) -> bool:
    return isinstance(captured.result, CrawlFailure) and captured.result.status is SiteStatus.PAGE_HUNG


def _second_attempt(captured: Captured) -> Captured:
    """The end-of-run try, counted as one more attempt and flagged on a site it could read."""
    result = captured.result
    if isinstance(result, CrawlFailure):
        again: SiteSnapshot | CrawlFailure = dataclasses.replace(result, attempts=result.attempts + 1)
    else:
        again = dataclasses.replace(result, flags=(*result.flags, "retried_after_time_limit"))
    return dataclasses.replace(captured, result=again)


def _crash(muni: Municipality, exc: PlaywrightError, *, attempts: int) -> Captured:
    message = str(exc).splitlines()[0] if str(exc) else repr(exc)
    why = reason("failure.browser", error=message[:200])
    return Captured(
        CrawlFailure(
            muni, SiteStatus.BROWSER_CRASH, render(why), url=muni.url, finished_at=now(), attempts=attempts, reason=why
        )
    )
