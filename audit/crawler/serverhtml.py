"""The links of the HTML the server sent, read before any script ran.

A resident whose scripts fail, are blocked or are still loading sees this page. Comparing its
links with the rendered page's tells whether the customer-service entry needs JavaScript.

The body is decoded as Beautiful Soup would (declared charset, then detection) and parsed by
lxml's HTML parser into a tree walked directly: building a Beautiful Soup tree of every page cost
more Python time than anything else the crawler does per page.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import lxml.html
from bs4 import UnicodeDammit
from lxml import etree

from audit.models import StaticLink
from audit.text import clean

_MAX_LINKS = 2000  # a navigation rarely has more; a bounded record keeps site.json small
# Text inside these is no link text (Beautiful Soup's get_text leaves it out the same way).
_NOT_TEXT = frozenset({"script", "style", "template", "rt", "rp"})
_PARSER = lxml.html.HTMLParser(encoding="utf-8")


def static_links(body: bytes, base_url: str, content_type: str) -> tuple[StaticLink, ...] | None:
    """Every ``<a href>`` of an HTML body with its text and absolute target; None for non-HTML."""
    if not body or "html" not in (content_type or "text/html").lower():
        return None
    document = _parse(body)
    if document is None:
        return ()
    base = next((b for b in document.iter("base") if b.get("href") is not None), None)
    root = urljoin(base_url, str(base.get("href"))) if base is not None else base_url
    links: list[StaticLink] = []
    anchors = (a for a in document.iter("a") if a.get("href") is not None)
    for anchor, _ in zip(anchors, range(_MAX_LINKS), strict=False):
        href = urljoin(root, str(anchor.get("href")).strip())
        if urlsplit(href).scheme in ("http", "https"):
            text = clean(_text(anchor) or str(anchor.get("aria-label", "")) or str(anchor.get("title", "")))
            links.append(StaticLink(text[:200], href))
    return tuple(links)


def _parse(body: bytes) -> etree._Element | None:
    markup = UnicodeDammit(body, is_html=True).unicode_markup
    if not markup or not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup.encode("utf-8"), parser=_PARSER)
    except etree.ParserError:  # nothing but comments or whitespace
        return None


def _text(anchor: etree._Element) -> str:
    """The anchor's text nodes joined by spaces, leaving out scripts, styles and comments."""
    parts: list[str] = []
    stack: list[etree._Element | str] = [anchor]
    while stack:
        node = stack.pop()
        if isinstance(node, str):  # a tail, queued after its element's subtree
            parts.append(node)
            continue
        if not isinstance(node.tag, str) or node.tag in _NOT_TEXT:
            continue  # a comment's or a script's own text is no link text (its tail is)
        if node.text:
            parts.append(node.text)
        for child in reversed(node):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return " ".join(parts)
