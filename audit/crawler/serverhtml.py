"""The links of the HTML the server sent, read before any script ran.

A resident whose scripts fail, are blocked or are still loading sees this page. Comparing its
links with the rendered page's tells whether the customer-service entry needs JavaScript.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.filter import SoupStrainer

from audit.models import StaticLink
from audit.text import clean

_MAX_LINKS = 2000  # a navigation rarely has more; a bounded record keeps site.json small


def static_links(body: bytes, base_url: str, content_type: str) -> tuple[StaticLink, ...] | None:
    """Every ``<a href>`` of an HTML body with its text and absolute target; None for non-HTML."""
    if not body or "html" not in (content_type or "text/html").lower():
        return None
    soup = BeautifulSoup(body, "lxml", parse_only=SoupStrainer(["a", "base"]))
    base = soup.find("base", href=True)
    root = urljoin(base_url, str(base["href"])) if base is not None else base_url
    links: list[StaticLink] = []
    for anchor in soup.find_all("a", href=True)[:_MAX_LINKS]:
        href = urljoin(root, str(anchor["href"]).strip())
        if urlsplit(href).scheme in ("http", "https"):
            text = clean(anchor.get_text(" ") or str(anchor.get("aria-label", "")) or str(anchor.get("title", "")))
            links.append(StaticLink(text[:200], href))
    return tuple(links)
