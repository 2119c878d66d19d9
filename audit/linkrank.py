"""Rank a page's links by how strongly they point to the service page (pure; used by the crawler).

The crawler can afford to open only a few pages per site, so it follows the most promising
same-site links: those whose text, accessible name or URL names the service, then generic contact
links, then (from a service page) links to organisation or staff pages where a responsible person
may be named. Decoys, news items, files and other sites are never followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from audit.criteria import Vocabulary
from audit.models import Element
from audit.news import is_news_item, is_news_url
from audit.service_page import qualifying_decoy
from audit.text import find_terms, fold, label_and_tagline

# A link scoring this much (the weight of naming the service) jumps the crawl's queue.
_FIRST = 10
_ORGANISATION_PAGE = "organisation page"
_FILE_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".jpg", ".png", ".mp4", ".ics")


@dataclass(frozen=True)
class Candidate:
    url: str
    text: str
    score: float
    reason: str
    names_service: bool = False  # the link's own text or accessible name names the service
    first: bool = False  # strong enough to be opened before anything else already queued
    organisation: bool = False  # a service page's link to its organisation or staff page


def same_site(url: str, base: str) -> bool:
    """True when ``url`` is on the same host as ``base`` (ignoring a leading ``www.``)."""
    a, b = urlsplit(url), urlsplit(base)
    if a.scheme not in ("http", "https"):
        return False
    host_a = (a.hostname or "").removeprefix("www.")
    host_b = (b.hostname or "").removeprefix("www.")
    return host_a == host_b and (a.port or 0) == (b.port or 0)


def normalise_url(url: str) -> str:
    """Drop the fragment so the same page is not opened twice."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _brand_like(link: Element, vocab: Vocabulary, municipality: str) -> bool:
    return brand_label(link.text or link.name, vocab, municipality) and urlsplit(link.href).path not in ("", "/")


_TAGLINE_WORDS = 5  # "frågor och ärenden", "neuvonta ja asiointi": a tagline is short


def brand_label(text: str, vocab: Vocabulary, municipality: str) -> bool:
    """A short label such as "Tallmo Direkt", "Hallå Sjöhamn" or "KomIn" that may brand the
    service, alone or with a tagline ("Kompassi – neuvonta ja asiointi"): a name followed by words
    for questions and advice is worth opening even when the name itself says nothing."""
    head, tagline = label_and_tagline(text, vocab.brand_tagline)
    if not tagline:
        return _brand_name(head, vocab, municipality)
    if len(tagline.split()) > _TAGLINE_WORDS or len(head.split()) > 3:
        return False
    return _brand_name(head, vocab, municipality) or bool(find_terms(tagline, vocab.brand_tagline))


def _brand_name(text: str, vocab: Vocabulary, municipality: str) -> bool:
    label = fold(text)
    words = label.replace("-", " ").split()
    if not words or len(words) > 3:
        return False
    # "Servicepunkten", "KvarnPunkten": a brand word may end a compound.
    if find_terms(label, vocab.brand_hint) or any(
        w.endswith(h) and len(w) > len(h) for w in words for h in vocab.brand_hint
    ):
        return True
    town = fold(municipality).split()[0] if municipality.strip() else ""
    if len(town) < 4:
        return False
    # "Tallmo Direkt", "Hallå Sjöhamn", "KvarnPunkten": a short label that carries the town's
    # name but is not the name itself (that is the home link).
    names_town = any(town[:5] == w[:5] for w in words)
    one_compound = len(words) == 1 and not town.startswith(words[0]) and not words[0].startswith(town)
    return names_town and (len(words) in (2, 3) or one_compound)


def score_link(
    link: Element, base: str, vocab: Vocabulary, *, from_service_page: bool, municipality: str = ""
) -> Candidate | None:
    """Score one link, or None when it must not be followed."""
    if link.kind != "link" or not link.href or not same_site(link.href, base):
        return None
    path = urlsplit(link.href).path.lower()
    if path.endswith(_FILE_SUFFIXES):
        return None
    label = f"{link.text} {link.name}"
    url_words = path.replace("/", " ").replace("-", " ").replace("_", " ")
    reasons = _attractions(link, label, url_words, vocab, from_service_page, municipality)
    score = sum(points for points, _ in reasons)
    if score <= 0:
        return None
    score += _penalties(link, label, vocab, from_service_page)
    if score <= 0:
        return None
    names_service = bool(find_terms(label, vocab.terms("service_entry")))
    why = ", ".join(reason for _, reason in reasons)
    organisation = any(reason == _ORGANISATION_PAGE for _, reason in reasons)
    url = normalise_url(link.href)
    return Candidate(url, link.text or link.name, score, why, names_service, score >= _FIRST, organisation)


def _attractions(
    link: Element, label: str, url_words: str, vocab: Vocabulary, from_service_page: bool, municipality: str
) -> list[tuple[float, str]]:
    """What makes a link worth following, with its weight."""
    out: list[tuple[float, str]] = []
    if find_terms(label, vocab.terms("service_entry")):
        out.append((10, "names the service"))
    elif find_terms(url_words, vocab.terms("service_entry")):
        out.append((6, "URL names the service"))
    elif _card_names_service(link, vocab):
        out.append((7, "its card names the service"))
    if find_terms(label, vocab.terms("contact_link"), whole_word=True):
        out.append((5, "contact link"))
    elif find_terms(url_words, vocab.terms("contact_link")):
        out.append((3, "contact URL"))
    if not out and link.landmark != "footer" and _brand_like(link, vocab, municipality):
        out.append((2, "possible brand name"))
    if not out and _preset_search(link) and find_terms(label, vocab.brand_tagline, whole_word=True):
        # "Pas og kørekort" -> /soeg/?q=pas: the site's own search, preset with the desk's tasks,
        # lists the service page among its results.
        out.append((2, "preset search for the service's tasks"))
    if from_service_page and find_terms(f"{label} {url_words}", vocab.person_page_hint):
        # The service page's own text ("Åsland Direkte i organisasjonen") says more than the
        # site-wide menu that every page repeats ("Politikk og organisasjon").
        out.append((6 if link.landmark in ("main", "") else 4, _ORGANISATION_PAGE))
    return out


_SEARCH_QUERY = re.compile(r"(?:^|&)(?:q|query|search|s|haku|sok|soeg|sog)=[^&]+", re.IGNORECASE)


def _preset_search(link: Element) -> bool:
    return bool(_SEARCH_QUERY.search(urlsplit(link.href).query))


def _penalties(link: Element, label: str, vocab: Vocabulary, from_service_page: bool) -> float:
    """Decoys, switchboards and news items sink; the site's own menu rises a little."""
    change = 0.0
    if find_terms(label, vocab.terms("decoy")) or find_terms(label, vocab.terms("switchboard"), whole_word=True):
        change -= 8
    if is_news_url(link.href, vocab) or is_news_item(link):
        change -= 6
    if link.landmark in ("header", "nav") and not from_service_page:
        change += 1
    return change


def _in_navigation(link: Element) -> bool:
    """Header, nav and footer links, and the utility bar at the very top of the page."""
    top_bar = link.landmark == "" and link.box is not None and link.box.y < 200
    return link.landmark in ("header", "nav", "footer") or top_bar


def _card_names_service(link: Element, vocab: Vocabulary) -> bool:
    """A "Läs mer" link in a card headed by the service. Menus and footers are left out: their
    columns hold many links under one heading, and the service is named there for itself."""
    if not link.context or link.landmark in ("nav", "footer"):
        return False
    return bool(find_terms(link.context, vocab.terms("service_entry"))) and not qualifying_decoy(link.context, vocab)


def browse_links(
    links: tuple[Element, ...], base: str, vocab: Vocabulary, *, within: str = "navigation"
) -> list[Candidate]:
    """The site's own navigation, "about the municipality" sections first, then in page order:
    where a resident who did not see the service named would click next. Used only when the
    ranked links reached no service page. ``within="main"`` reads a section page's own content
    instead of the menu every page repeats."""
    out: dict[str, Candidate] = {}
    for link in links:
        if link.kind != "link" or not link.href:
            continue
        index = find_terms(link.text or link.name, vocab.service_index)
        where = _in_navigation(link) if within == "navigation" else link.landmark == within
        if not (where or (within == "navigation" and index)):  # an A–Z of services, wherever it is
            continue
        path = urlsplit(link.href).path
        if (
            not same_site(link.href, base)
            or path in ("", "/")
            or path.lower().endswith(_FILE_SUFFIXES)
            or is_news_url(link.href, vocab)
        ):
            continue
        label = link.text or link.name
        if find_terms(label, vocab.browse_never):
            continue  # privacy, cookies, the accessibility statement, log-in: no service lives there
        url = normalise_url(link.href)
        first = bool(find_terms(label, vocab.browse_first))
        # The index of services first, then "about" sections; the main menu before the footer: a
        # footer repeats the menu's sections or lists fine print.
        score = 1.5 if index else 1.0 if first else 0.5 if link.landmark != "footer" else 0.2
        if url not in out or score > out[url].score:
            out[url] = Candidate(url, label, score, "site navigation")
    return sorted(out.values(), key=lambda c: -c.score)


def likely_sections(candidates: list[Candidate], vocab: Vocabulary) -> set[str]:
    """The browse candidates where a resident would look for the service first: "about the
    municipality" sections and contact pages. Left unread, they make a "not found" doubtful."""
    return {
        c.url for c in candidates if c.score >= 1.0 or find_terms(c.text, vocab.terms("contact_link"), whole_word=True)
    }


def rank_links(
    links: tuple[Element, ...], base: str, vocab: Vocabulary, *, from_service_page: bool = False, municipality: str = ""
) -> list[Candidate]:
    """Distinct candidate URLs, best first (ties keep page order)."""
    best: dict[str, Candidate] = {}
    for link in links:
        cand = score_link(link, base, vocab, from_service_page=from_service_page, municipality=municipality)
        if cand and (cand.url not in best or cand.score > best[cand.url].score):
            best[cand.url] = cand
    return sorted(best.values(), key=lambda c: -c.score)
