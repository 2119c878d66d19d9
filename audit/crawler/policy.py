"""What a site allows the crawler to do: robots.txt, the private-network guard, and pacing.

The guard refuses loopback, private and other non-public addresses: before the homepage is
opened, on every request a page makes (request interception), and on the redirect chain of every
navigation once it is over (interception does not see redirect hops; a page that went private is
then discarded with nothing kept). ``--allow-private-network`` lifts it for sites one hosts oneself.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from playwright.async_api import Route

from audit.crawl_types import CrawlOptions
from audit.models import Reason, SiteStatus, reason
from audit.netguard import private_address, private_reason
from audit.robots import Robots, fetch_robots


class HostPacer:
    """Politeness: at most ``per_host`` sites of one host at once, and a pause between its pages."""

    def __init__(self, per_host: int, delay_s: float) -> None:
        self.per_host = max(1, per_host)
        self.delay_s = delay_s
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._last: dict[str, float] = {}

    def slot(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        return self._slots.setdefault(host, asyncio.Semaphore(self.per_host))

    async def wait_turn(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        now = time.monotonic()
        ready = self._last.get(host, 0.0) + self.delay_s
        self._last[host] = max(now, ready)
        if ready > now:
            await asyncio.sleep(ready - now)


class SitePolicy:
    """The rules one site's crawl obeys, and what they refused."""

    def __init__(self, options: CrawlOptions) -> None:
        self.options = options
        self.robots: Robots | None = None
        self.blocked: list[str] = []  # requests refused by the private-network guard

    @property
    def guarded(self) -> bool:
        return not self.options.allow_private_network

    async def homepage_refusal(self, url: str) -> tuple[str, str] | None:
        """(host, address) when the homepage itself must not be opened (a private address), or None."""
        if not self.guarded:
            return None
        return await asyncio.to_thread(private_address, url)

    async def guard_request(self, route: Route) -> None:
        """Request interception: sub-resources and navigations to private addresses are aborted."""
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and private_reason(url):
            self.blocked.append(url)
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    def private_hop(self, chain: tuple[str, ...]) -> str | None:
        """The first address of a redirect chain that is not public (None when all are, or unguarded)."""
        if not self.guarded:
            return None
        return next((u for u in chain if u and private_reason(u)), None)

    async def read_robots(self, url: str) -> Robots:
        self.robots = await asyncio.to_thread(
            fetch_robots,
            url,
            self.options.user_agent,
            allow_private=self.options.allow_private_network,
            timeout_s=self.options.page_timeout_s,
        )
        return self.robots

    async def refusal(self, url: str) -> tuple[SiteStatus, Reason] | None:
        """Why the site must not be crawled: a private homepage address, or robots.txt; else None."""
        private = await self.homepage_refusal(url)
        if private:
            return SiteStatus.PRIVATE_NETWORK, reason("failure.private_address", host=private[0], address=private[1])
        if not self.options.obey_robots:
            return None
        robots = await self.read_robots(url)
        if robots.refused_hop:
            return SiteStatus.PRIVATE_NETWORK, reason("failure.robots_private", url=robots.refused_hop)
        if robots.unreachable:
            return SiteStatus.ROBOTS_DISALLOWED, reason("failure.robots_unavailable", http=robots.status)
        if not robots.allows(url):
            return SiteStatus.ROBOTS_DISALLOWED, reason("failure.robots_disallowed")
        return None

    def may_open(self, url: str) -> bool:
        """robots.txt allows ``url`` (always true when robots.txt is not obeyed)."""
        return self.robots is None or self.robots.allows(url)
