"""What a site shows of its customer service, computed once and shared by the five checks (pure).

Like Lighthouse's computed artifacts: the checks would otherwise each re-scan every element of
every page for the same vocabulary. ``analyse`` classifies the homepage's links, buttons and
blocks, finds the service pages among the crawled pages, and remembers why each candidate was
accepted or rejected (decoys are kept as evidence for a fail).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audit.checks.channels import EMAIL, PHONE, find_channels
from audit.criteria import Criteria, Vocabulary
from audit.linkrank import brand_label, is_news_url, normalise_url, same_site
from audit.models import Element, PageSnapshot, SiteSnapshot
from audit.text import find_terms, fold


@dataclass(frozen=True)
class Match:
    """An element or page that names the service, with the words that matched."""

    page: PageSnapshot
    element: Element | None
    matched: tuple[str, ...]
    how: str  # "link", "accessible name", "contact link", "block", "brand", "heading"
    target: PageSnapshot | None = None


@dataclass
class Findings:
    entries: list[Match] = field(default_factory=list)  # homepage links/buttons naming the service
    contact_routes: list[Match] = field(default_factory=list)  # contact link -> service page
    blocks: list[Match] = field(default_factory=list)  # homepage blocks naming service + channel
    service_pages: list[Match] = field(default_factory=list)  # pages whose headings name it
    deeper: list[Match] = field(default_factory=list)  # links naming the service on depth-1 pages
    mentions: list[Match] = field(default_factory=list)  # text naming the service on pages <= 2 deep
    rejected: list[tuple[Match, str]] = field(default_factory=list)  # decoys, with the reason

    @property
    def front_page(self) -> list[Match]:
        """Everything that makes the entry count as being on the front page, best first."""
        return [*self.entries, *self.contact_routes, *self.blocks]


def _service_terms(text: str, vocab: Vocabulary) -> tuple[str, ...]:
    return find_terms(text, vocab.terms("service_entry"))


def decoy_reason(text: str, href: str, page: PageSnapshot, vocab: Vocabulary, element: Element | None = None) -> str:
    """Why a mention of the service is not the municipality's general service, or ''."""
    decoy = find_terms(text, vocab.terms("decoy"))
    if decoy:
        return f"names a different service ({decoy[0]})"
    if href and href.startswith("http") and not same_site(href, page.final_url):
        return "leads to another organisation's site"
    if href and is_news_url(href, vocab):
        return "a news item that mentions the service"
    if element is not None and element.in_article:
        return "a news item that mentions the service"
    return ""


def _pages_by_url(site: SiteSnapshot) -> dict[str, PageSnapshot]:
    out: dict[str, PageSnapshot] = {}
    for page in site.pages:
        for url in (page.via_url, page.url, page.final_url):
            if url:
                out.setdefault(normalise_url(url), page)
    return out


def is_service_page(page: PageSnapshot, vocab: Vocabulary) -> tuple[str, ...]:
    """The words by which the page's title or a heading names the service ('' when it does not)."""
    if page.depth > 0 and is_news_url(page.final_url, vocab):
        return ()
    headings = [h.text for h in page.headings if h.level <= 3 and not h.in_article]
    for text in [page.title if page.depth > 0 else "", *headings]:
        terms = _service_terms(text, vocab)
        if terms and not find_terms(text, vocab.terms("decoy")):
            return terms
    return ()


def _brand_page(page: PageSnapshot, vocab: Vocabulary, municipality: str) -> tuple[str, ...]:
    """A page reached by a brand-named link ("KomIn") that presents itself as the service:
    one sentence of its introduction names both the brand and the service."""
    if page.depth != 1 or not brand_label(page.via_text, vocab, municipality) or _service_terms(page.via_text, vocab):
        return ()
    brand = fold(page.via_text)
    intro = (page.main_text or page.text)[:800]
    for sentence in re.split(r"(?<=[.!?])\s+", intro):
        terms = _service_terms(sentence, vocab)
        if terms and brand in fold(sentence) and not find_terms(sentence, vocab.terms("decoy")):
            return terms
    return ()


def analyse(site: SiteSnapshot, criteria: Criteria) -> Findings:
    vocab = criteria.vocabulary
    home = site.homepage
    by_url = _pages_by_url(site)
    found = Findings()
    for page in site.pages:
        if page.depth > criteria.settings.max_depth:
            continue
        heading_terms = is_service_page(page, vocab)
        terms = heading_terms or _brand_page(page, vocab, site.municipality.name)
        if terms:
            found.service_pages.append(Match(page, None, terms, "heading" if heading_terms else "brand"))
    service_urls = {normalise_url(m.page.final_url): m.page for m in found.service_pages}
    service_urls.update({normalise_url(m.page.via_url): m.page for m in found.service_pages if m.page.via_url})
    for el in home.elements:
        _classify_home_element(el, home, vocab, by_url, service_urls, found)
    for page in site.pages:
        if page.depth == 1:
            for el in page.elements:
                if el.kind == "link" and _service_terms(f"{el.text} {el.name}", vocab) and not decoy_reason(f"{el.text} {el.name}", el.href, page, vocab, el):
                    found.deeper.append(Match(page, el, _service_terms(f"{el.text} {el.name}", vocab), "link"))
    for page in site.pages:
        if 0 < page.depth <= criteria.settings.max_depth and not is_news_url(page.final_url, vocab):
            for el in page.elements:
                terms = _service_terms(el.text, vocab) if el.kind == "block" and el.landmark not in ("header", "nav", "footer") else ()
                if terms and not decoy_reason(el.text, "", page, vocab, el):
                    found.mentions.append(Match(page, el, terms, "mention"))
                    break
    found.service_pages.sort(key=lambda m: (m.page.depth, m.how != "heading"))
    return found


def _reachable(text: str, vocab: Vocabulary) -> bool:
    """The block says how to reach the service: a phone number, e-mail, address or opening hours."""
    if PHONE.search(text) or EMAIL.search(text):
        return True
    channels = find_channels(text, vocab)
    return "address" in channels.found or bool(channels.hours)


def _is_brand_link(el: Element, target: PageSnapshot, found: Findings) -> bool:
    same_label = bool(target.via_text) and fold(target.via_text) == fold(el.text or el.name)
    return same_label and any(m.page is target and m.how == "brand" for m in found.service_pages)


def _classify_home_element(
    el: Element, home: PageSnapshot, vocab: Vocabulary, by_url: dict[str, PageSnapshot],
    service_urls: dict[str, PageSnapshot], found: Findings,
) -> None:
    label = f"{el.text} {el.name}".strip()
    target = service_urls.get(normalise_url(el.href)) if el.href else None
    if el.kind in ("link", "button"):
        terms = _service_terms(el.text, vocab)
        how = "link"
        if not terms:
            terms, how = _service_terms(el.name, vocab), "accessible name"
        if terms:
            reason = decoy_reason(label, el.href, home, vocab, el)
            match = Match(home, el, terms, how, target)
            if reason:
                found.rejected.append((match, reason))
            else:
                found.entries.append(match)
            return
        if target is not None and _is_brand_link(el, target, found):
            found.entries.append(Match(home, el, ("brand: " + (el.text or el.name),), "brand", target))
            return
        if target is not None and find_terms(label, vocab.terms("contact_link"), whole_word=True):
            found.contact_routes.append(Match(home, el, find_terms(label, vocab.terms("contact_link"), whole_word=True), "contact link", target))
        return
    if el.kind == "block":
        terms = _service_terms(el.text, vocab)
        if terms and _reachable(el.text, vocab):
            reason = decoy_reason(el.text, "", home, vocab, el)
            if reason:
                found.rejected.append((Match(home, el, terms, "block"), reason))
            else:
                found.blocks.append(Match(home, el, terms, "block"))
