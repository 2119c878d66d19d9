"""What a site shows of its customer service, computed once and shared by the five checks (pure).

Like Lighthouse's computed artifacts: the checks would otherwise each re-scan every element of
every page for the same vocabulary. ``analyse`` classifies the homepage's links, buttons and
blocks, finds the service pages among the crawled pages, and remembers why each candidate was
accepted or rejected (decoys are kept as evidence for a fail).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit.checks.channels import EMAIL, PHONE, find_channels
from audit.criteria import Criteria, Vocabulary
from audit.linkrank import normalise_url, same_site
from audit.models import Element, PageSnapshot, Reason, SiteSnapshot, reason
from audit.news import is_news_item, is_news_page, is_news_url
from audit.service_page import company_page, presents_as_service, qualifying_decoy, service_page_terms, service_terms
from audit.text import as_written, find_terms, fold


@dataclass(frozen=True)
class Match:
    """An element or page that names the service, with the words that matched."""

    page: PageSnapshot
    element: Element | None
    matched: tuple[str, ...]
    how: str  # "link", "accessible name", "contact link", "block", "brand", "card", "heading"
    target: PageSnapshot | None = None


@dataclass
class Findings:
    entries: list[Match] = field(default_factory=list)  # homepage links/buttons naming the service
    contact_routes: list[Match] = field(default_factory=list)  # contact link -> service page
    blocks: list[Match] = field(default_factory=list)  # homepage blocks naming service + channel
    service_pages: list[Match] = field(default_factory=list)  # pages whose headings name it
    deeper: list[Match] = field(default_factory=list)  # links naming the service on depth-1 pages
    mentions: list[Match] = field(default_factory=list)  # text naming the service on pages <= 2 deep
    rejected: list[tuple[Match, Reason]] = field(default_factory=list)  # decoys, with the reason
    # homepage contact links that were followed to a page that does not present the service
    dead_ends: list[Match] = field(default_factory=list)

    @property
    def front_page(self) -> list[Match]:
        """Everything that makes the entry count as being on the front page, best first."""
        return [*self.entries, *self.contact_routes, *self.blocks]


_service_terms = service_terms
NEWS_REASON = "decoy.news"
NEWS_URL_REASON = "decoy.news_url"


def decoy_reason(
    text: str, href: str, page: PageSnapshot, vocab: Vocabulary, element: Element | None = None
) -> Reason | None:
    """Why a mention of the service is not the municipality's general service, or None."""
    decoy = qualifying_decoy(text, vocab)
    if decoy:
        return reason("decoy.other_service", word=as_written(text, (decoy,))[0])
    if href and href.startswith("http") and not same_site(href, page.final_url):
        return reason("decoy.other_site", url=href)
    if href and is_news_url(href, vocab):
        return reason(NEWS_URL_REASON)
    if element is not None and is_news_item(element):
        return reason(NEWS_REASON)
    return None


def _pages_by_url(site: SiteSnapshot) -> dict[str, PageSnapshot]:
    out: dict[str, PageSnapshot] = {}
    for page in site.pages:
        for url in (page.via_url, page.url, page.final_url):
            if url:
                out.setdefault(normalise_url(url), page)
    return out


def desk_page(page: PageSnapshot, vocab: Vocabulary) -> str:
    """The decoy word when the page is another desk's or a company's own page ("Kundeservice –
    Havøy kommunale eiendom", "Tallåsenhem AB"): a mention of "kundeservice" in its text is that
    desk, not the municipality's service."""
    for text in (page.title, *(h.text for h in page.headings if h.level == 1)):
        if service_terms(text, vocab):
            decoy = qualifying_decoy(text, vocab)
            if decoy:
                return decoy
    return company_page(page, vocab)


def _leads_to_desk(href: str, by_url: dict[str, PageSnapshot], vocab: Vocabulary) -> Reason | None:
    """A link naming the service ("Tallåsenhem kundtjänst", "Kundesenter") whose page, once
    opened, is another desk's or a company's own is that desk's entry, not the municipality's."""
    target = by_url.get(normalise_url(href)) if href else None
    word = desk_page(target, vocab) if target is not None and target.depth > 0 else ""
    if not word or target is None:
        return None
    written = as_written(f"{target.title} {target.main_text or target.text}", (word,))
    return reason("decoy.other_service", word=written[0] if written else word)


def analyse(site: SiteSnapshot, criteria: Criteria) -> Findings:
    vocab = criteria.vocabulary
    home = site.homepage
    found = Findings()
    reach = [p for p in site.pages if p.depth <= criteria.settings.max_depth]
    for page in reach:
        terms, how = service_page_terms(page, vocab)
        if terms:
            found.service_pages.append(Match(page, None, terms, how))
    service_urls = {normalise_url(m.page.final_url): m.page for m in found.service_pages}
    service_urls.update({normalise_url(m.page.via_url): m.page for m in found.service_pages if m.page.via_url})
    by_url = _pages_by_url(site)
    for el in home.elements:
        _classify_home_element(el, home, vocab, by_url, service_urls, found)
    for page in reach:
        if page.depth > 0 and not desk_page(page, vocab):
            if page.depth == 1:
                found.deeper += _links_naming_service(page, vocab, by_url)
            if not is_news_page(page, vocab):
                found.mentions += _first_mention(page, vocab, by_url)
    found.service_pages.sort(key=lambda m: (m.page.depth, m.how != "heading"))
    return found


def _links_naming_service(page: PageSnapshot, vocab: Vocabulary, by_url: dict[str, PageSnapshot]) -> list[Match]:
    """Links on a page one click deep that name the service (and are no decoy)."""
    out = []
    for el in page.elements:
        label = f"{el.text} {el.name}"
        terms = _service_terms(label, vocab) if el.kind == "link" else ()
        if terms and not (decoy_reason(label, el.href, page, vocab, el) or _leads_to_desk(el.href, by_url, vocab)):
            out.append(Match(page, el, terms, "link"))
    return out


def _first_mention(page: PageSnapshot, vocab: Vocabulary, by_url: dict[str, PageSnapshot]) -> list[Match]:
    """The first text block of the page's own content that names the service."""
    links = {fold(el.text): el.href for el in page.elements if el.kind == "link" and el.href and el.text}
    for el in page.elements:
        if el.kind != "block" or el.landmark in ("header", "nav", "footer"):
            continue
        terms = _service_terms(el.text, vocab)
        # A block that is only a link's text is that link, judged by where it leads.
        href = links.get(fold(el.text), "")
        if terms and not (decoy_reason(el.text, href, page, vocab, el) or _leads_to_desk(href, by_url, vocab)):
            return [Match(page, el, terms, "mention")]
    return []


def _reachable(text: str, vocab: Vocabulary) -> bool:
    """The block says how to reach the service: a phone number, e-mail, address or opening hours."""
    if PHONE.search(text) or EMAIL.search(text):
        return True
    channels = find_channels(text, vocab)
    return "address" in channels.found or bool(channels.hours)


def _brand_terms(el: Element, target: PageSnapshot, vocab: Vocabulary) -> tuple[str, ...]:
    """A link that names no service but leads to a service page presenting its label as the service."""
    return presents_as_service(el.text or el.name, target, vocab)


def _unnamed_entry(el: Element, home: PageSnapshot, vocab: Vocabulary, target: PageSnapshot | None) -> Match | None:
    """A link to the service page whose own words do not name it: a brand, or a card's link."""
    if target is None:
        return None
    brand = _brand_terms(el, target, vocab)
    if brand:
        return Match(home, el, brand, "brand", target)
    card = _card_terms(el, home, vocab)
    return Match(home, el, card, "card", target) if card else None


def _card_terms(el: Element, home: PageSnapshot, vocab: Vocabulary) -> tuple[str, ...]:
    """A "Read more" link to the service page in a card or slide whose heading names the service
    ("Innbyggerservice hjelper deg … Les mer"): the card is the entry."""
    if el.kind != "link" or el.landmark not in ("main", ""):
        return ()  # a menu item's "card" is its submenu, which names everything under it
    terms = _service_terms(el.context, vocab)
    if not terms or decoy_reason(el.context, el.href, home, vocab, el):
        return ()
    return terms


def _contact_link(
    el: Element,
    home: PageSnapshot,
    label: str,
    vocab: Vocabulary,
    target: PageSnapshot | None,
    by_url: dict[str, PageSnapshot],
    found: Findings,
) -> None:
    """A contact link leads to the service page (a route) or, once followed, somewhere else."""
    contact = find_terms(label, vocab.terms("contact_link"), whole_word=True)
    if target is not None and contact:
        found.contact_routes.append(Match(home, el, contact, "contact link", target))
    elif contact and el.href and normalise_url(el.href) in by_url:
        found.dead_ends.append(Match(home, el, contact, "contact link", by_url[normalise_url(el.href)]))


def _classify_home_element(
    el: Element,
    home: PageSnapshot,
    vocab: Vocabulary,
    by_url: dict[str, PageSnapshot],
    service_urls: dict[str, PageSnapshot],
    found: Findings,
) -> None:
    label = f"{el.text} {el.name}".strip()
    target = service_urls.get(normalise_url(el.href)) if el.href else None
    if el.kind in ("link", "button"):
        terms = _service_terms(el.text, vocab)
        how = "link"
        if not terms:
            terms, how = _service_terms(el.name, vocab), "accessible name"
        if terms:
            why = decoy_reason(label, el.href, home, vocab, el) or _leads_to_desk(el.href, by_url, vocab)
            match = Match(home, el, terms, how, target)
            if why:
                found.rejected.append((match, why))
            else:
                found.entries.append(match)
            return
        unnamed = _unnamed_entry(el, home, vocab, target)
        if unnamed is not None:
            found.entries.append(unnamed)
            return
        _contact_link(el, home, label, vocab, target, by_url, found)
        return
    if el.kind == "block":
        terms = _service_terms(el.text, vocab)
        if terms and _reachable(el.text, vocab):
            why = decoy_reason(el.text, "", home, vocab, el)
            if why:
                found.rejected.append((Match(home, el, terms, "block"), why))
            else:
                found.blocks.append(Match(home, el, terms, "block"))
