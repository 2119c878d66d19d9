"""What a homepage that cannot be assessed failed of: an error page, a block or challenge, a
redirect loop by meta refresh or script, a page that stays empty or never answers, or only part of
a page that trickled in (assessed from what arrived)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Response

from audit.crawler.pool import bounded
from audit.failures import classify_exception, classify_response
from audit.models import Reason, SiteStatus, reason

if TYPE_CHECKING:
    from audit.crawler.navigation import Navigator

# The fewest links a partly arrived page must show to be assessed from what arrived.
_PARTIAL_LINKS = 5


@dataclass(frozen=True)
class Verdict:
    status: SiteStatus
    why: Reason
    http_status: int | None
    retry_after: float | None  # seconds to wait before trying again; None: no retry


# Assessable from what arrived: the body was still trickling in at the time limit.
PARTIAL = Verdict(SiteStatus.OK, reason("partial"), None, None)


class HomepageJudge:
    """Judges the navigation a :class:`~audit.crawler.navigation.Navigator` just made."""

    def __init__(self, nav: Navigator) -> None:
        self.nav = nav

    async def judge(self, resp: Response | None, error: str | None) -> Verdict | None:
        """None when the homepage can be assessed, PARTIAL when only part of it arrived."""
        if error is not None:
            return await self._judge_error(error)
        if self.nav.policy.guarded and self.nav.policy.blocked:
            return Verdict(
                SiteStatus.PRIVATE_NETWORK,
                reason("failure.private_request", url=self.nav.policy.blocked[0]),
                None,
                None,
            )
        if resp is None:
            return Verdict(SiteStatus.EMPTY_PAGE, reason("failure.no_response"), None, None)
        title = ""
        with contextlib.suppress(PlaywrightError):
            title = await bounded(self.nav.page.title(), 2.0) or ""
        early = classify_response(
            resp.status, await resp.all_headers(), title, self.nav.options.max_bytes, self.nav.challenge_titles
        )
        if early is not None:
            return Verdict(*early)
        return await self._judge_content(resp.status)

    async def _judge_error(self, error: str) -> Verdict | None:
        if self.nav.document is not None:
            early = classify_response(
                self.nav.document.status, await self.nav.document.all_headers(), "", self.nav.options.max_bytes
            )
            if early is not None:
                return Verdict(*early)
        status, why, retry = classify_exception(error)
        if status is SiteStatus.TIMEOUT and self.nav.document is not None:
            # The server answered but the page never finished: either a trickling body
            # (assess what arrived, flagged partial) or a script that never yields.
            links = await self._count(self._LINKS_JS)
            if links is None:
                return Verdict(SiteStatus.PAGE_HUNG, reason("failure.scripts_busy"), self.nav.document.status, None)
            if links >= _PARTIAL_LINKS:
                return PARTIAL
        return Verdict(status, why, None, 2.0 if retry else None)

    async def _still_moving(self) -> None:
        """A page that navigated again after loading is a client redirect under way: give it up to
        three seconds to land, or to show that it goes round in a loop."""
        for _ in range(6):
            if len(self.nav.hops) <= 1 or self.nav.client_loop():
                return
            before = len(self.nav.hops)
            await self.nav.page.wait_for_timeout(500)
            if len(self.nav.hops) == before:
                return

    async def _judge_content(self, http_status: int) -> Verdict | None:
        loop = Verdict(SiteStatus.REDIRECT_LOOP, reason("failure.client_redirect_loop"), http_status, None)
        await self._still_moving()
        if self.nav.client_loop():
            return loop
        measured = await self._content_size()
        if measured == (0, 0):
            await self._await_client_redirect()
            measured = await self._content_size()
        if measured is None:
            return Verdict(SiteStatus.PAGE_HUNG, reason("failure.no_answer"), None, None)
        if self.nav.client_loop():
            return loop
        text_len, links = measured
        if text_len < 20 and links == 0:
            return Verdict(SiteStatus.EMPTY_PAGE, reason("failure.empty_page"), http_status, None)
        return None

    _SIZE_JS = "() => [(document.body ? document.body.innerText.trim().length : 0), document.links.length + document.querySelectorAll('frame,iframe').length]"
    _LINKS_JS = "() => document.body ? document.links.length : 0"

    async def _content_size(self) -> tuple[int, int] | None:
        """(characters of text, links and frames) of the rendered page; None if it does not answer."""
        try:
            got = await bounded(self.nav.page.evaluate(self._SIZE_JS), 3.0)
        except PlaywrightError:
            got = [0, 0]  # the document was replaced mid-call: a redirect is under way
        return None if got is None else (int(got[0]), int(got[1]))

    async def _count(self, js: str) -> int | None:
        try:
            n = await bounded(self.nav.page.evaluate(js), 2.0)
        except PlaywrightError:
            return 0
        return None if n is None else int(n)

    async def _await_client_redirect(self) -> None:
        """An empty page may be a meta refresh or a script redirect that has not fired yet."""
        start = self.nav.page.url
        with contextlib.suppress(PlaywrightError):
            await self.nav.page.wait_for_url(lambda u: u != start, timeout=3000)
            await self.nav.page.wait_for_load_state("domcontentloaded", timeout=self.nav.options.page_timeout_s * 1000)
            await self.nav.page.wait_for_timeout(self.nav.options.settle_ms)
