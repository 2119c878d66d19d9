"""What the crawl stage is asked to do and what it hands on, without importing the browser.

:class:`CrawlOptions` configures the crawl; :class:`Captured` is one site's result: the typed
record (a :class:`~audit.models.SiteSnapshot` or a :class:`~audit.models.CrawlFailure`) plus the
bytes the archive stage writes to disk (rendered DOM, screenshots, WARC records).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit import __version__
from audit.models import CrawlFailure, SiteSnapshot

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
    browse_pages: int = 6  # more pages when the navigation must be browsed for an unnamed service
    follow_per_page: int = 4
    allow_private_network: bool = False
    obey_robots: bool = True
    retries: int = 2
    retry_after_cap_s: float = 10.0
    max_bytes: int = 15_000_000
    full_page_max_px: int = 5000
    full_page_scale: float = 0.75  # the whole-page JPEG's size against the page's CSS pixels
    per_host: int = 1
    host_delay_s: float = 0.2
    user_agent: str = field(default_factory=default_user_agent)
    chromium: str | None = None
    # Extra Chromium switches, e.g. a proxy for the crawl (--proxy-server=...).
    chromium_args: tuple[str, ...] = ()
    mobile: bool = True
    # axe-core on the homepage and the service page, and the accessibility statement opened.
    wcag: bool = False


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
