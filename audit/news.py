"""Telling news from a page's own content (pure).

A mention of the service in a news item ("Kontaktcenter has new opening hours") is not an entry,
but many CMSs (WordPress themes such as Municipio, Sitevision, Drupal) wrap every page's own
content in ``<article>``, so ``<article>`` alone proves nothing. News is recognised from real
signals only: a news URL path, a region named or headed as news, a dated item that is not the
page's main content, or a page that declares itself a news article in its metadata.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from audit.criteria import Vocabulary
from audit.models import Element, Heading, PageSnapshot
from audit.text import fold

# Page metadata that marks a news article (og:type "article" alone does not: CMSs set it on every page).
_NEWS_PAGE_SIGNALS = frozenset(
    {
        "published_time",
        "ld:newsarticle",
        "ld:blogposting",
        "ld:reportagenewsarticle",
        "ld:analysisnewsarticle",
    }
)
_NEWS_BODY_CLASSES = (
    "body:single-post",
    "body:single-news",
    "body:node--type-news",
    "body:node-type-news",
    "body:page-node-type-news",
)


def is_news_url(url: str, vocab: Vocabulary) -> bool:
    """A path segment (other than the page's own slug) names news: /nyheter/..., /aktuellt/2026/..."""
    segments = [fold(s) for s in urlsplit(url).path.split("/") if s]
    return any(seg in vocab.news_path or seg.split("-")[0] in vocab.news_path for seg in segments[:-1] or segments)


def is_news_item(item: Element | Heading) -> bool:
    """The element or heading belongs to a news item or listing, judged from collected facts."""
    return item.news_region or item.dated


def is_news_page(page: PageSnapshot, vocab: Vocabulary) -> bool:
    """The page is itself a news article (by its URL or by what its metadata says)."""
    if page.depth > 0 and is_news_url(page.final_url, vocab):
        return True
    signals = {s.lower() for s in page.news_signals}
    return bool(signals & _NEWS_PAGE_SIGNALS) or any(s.startswith(_NEWS_BODY_CLASSES) for s in signals)
