"""What makes a page the service page: one definition, used by the crawler and the checks (pure)."""

from __future__ import annotations

import re

from audit.criteria import Vocabulary
from audit.models import Heading, PageSnapshot
from audit.news import is_news_item, is_news_page
from audit.text import find_terms, fold, label_and_tagline


def service_terms(text: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The service-entry words in ``text``."""
    return find_terms(text, vocab.terms("service_entry"))


_PHRASE_END = re.compile(r"[.!?|·•\n]+")
_QUALIFIER_REACH = 40  # characters around the service word in which a decoy word qualifies it


def qualifying_decoy(text: str, vocab: Vocabulary) -> str:
    """The decoy word that makes every mention of the service in ``text`` someone else's desk
    ("Kundtjänst VA och avfall", "Vesihuollon asiakaspalvelu", "Hedmyrabostäder kundservice"),
    or '' when some mention stands on its own.

    Only words in the same phrase and close to the service word qualify it, so a block that lists
    the matters the contact centre handles ("... frågor om skola, avfall och bygglov") is no decoy.
    """
    folded = fold(text)
    decoys = vocab.terms("decoy")
    found = ""
    for phrase in _PHRASE_END.split(folded):
        for term in service_terms(phrase, vocab):
            for m in re.finditer(rf"(?<!\w){re.escape(term)}", phrase):
                window = phrase[max(0, m.start() - _QUALIFIER_REACH) : m.end() + _QUALIFIER_REACH]
                near = find_terms(window, decoys) or _compound_tails(window, decoys)
                if not near:
                    return ""
                found = found or near[0].removesuffix("$")
    return found


_TAIL_MIN = 6  # shorter words are too often the end of unrelated words


def _compound_tails(window: str, decoys: tuple[str, ...]) -> tuple[str, ...]:
    """Decoy words ending a compound: a company named "Hedmyrabostäder", "Solbyenergi"."""
    words = re.findall(r"\w+", window)
    return tuple(
        t
        for t in decoys
        if len(t) >= _TAIL_MIN
        and " " not in t
        and not t.endswith("$")
        and any(w.endswith(t) and len(w) > len(t) for w in words)
    )


def is_service_page(page: PageSnapshot, vocab: Vocabulary) -> tuple[str, ...]:
    """The words by which the page's title or a heading names the service ('' when it does not)."""
    if page.depth > 0 and is_news_page(page, vocab):
        return ()
    headings = [h.text for h in page.headings if h.level <= 3 and not is_news_item(h)]
    for text in [page.title if page.depth > 0 else "", *headings]:
        terms = service_terms(text, vocab)
        if terms and not qualifying_decoy(text, vocab):
            return terms
    return ()


def service_text(page: PageSnapshot, vocab: Vocabulary) -> str:
    """The text that speaks for the service on its page: its own section (see
    :func:`service_section`), else the whole page."""
    section = service_section(page, vocab)
    return (page.main_text or page.text) if section is None else section


def service_section(page: PageSnapshot, vocab: Vocabulary) -> str | None:
    """On a page of many desks ("Kontakta oss" with sections for building permits, the contact
    centre, water, school transport), the section under the heading that names the service, up to
    the next heading of the same rank: what another desk handles says nothing of this one. None
    when the page as a whole is the service's (its title or main heading names it) or no section
    heading names it. A section outside the main content (a contact box in the footer of every
    page) is read from the whole text.
    """
    headings = [h for h in page.headings if h.level <= 3 and not is_news_item(h)]
    whole = [page.title if page.depth > 0 else "", *(h.text for h in headings if h.level == 1)]
    if any(service_terms(t, vocab) and not qualifying_decoy(t, vocab) for t in whole):
        return None
    for text in dict.fromkeys((page.main_text or page.text, page.text)):
        section = _section_in(text, headings, vocab)
        if section is not None:
            return section
    return None


def _section_in(text: str, headings: list[Heading], vocab: Vocabulary) -> str | None:
    # Each heading is looked for after the one before it, so a jump list at the top of the page or
    # another desk's heading that contains the same words is not taken for it.
    placed: list[tuple[int, int, str]] = []  # (position in text, level, heading)
    cursor = 0
    for h in headings:
        at = _whole_phrase(text, h.text, cursor)
        if at >= 0:
            placed.append((at, h.level, h.text))
            cursor = at + len(h.text)
    for i, (at, level, heading) in enumerate(placed):
        if level == 1 or not service_terms(heading, vocab) or qualifying_decoy(heading, vocab):
            continue
        end = next((later for later, lv, _ in placed[i + 1 :] if lv <= level), len(text))
        return text[at:end]
    return None


def _whole_phrase(text: str, phrase: str, start: int) -> int:
    """Where ``phrase`` stands as whole words in ``text`` from ``start``, or -1."""
    m = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)").search(text, start) if phrase.strip() else None
    return m.start() if m else -1


def presents_as_service(label: str, page: PageSnapshot, vocab: Vocabulary) -> tuple[str, ...]:
    """The service words by which ``page`` presents ``label`` as the service, or ().

    A local brand ("KomIn", "Torget", "Servicepunkten") counts when the page it leads to says what
    it is: the title, a main heading or a sentence of the introduction starts with the label and
    names the service right after it ("KomIn – kommunens medborgarkontor", "Torget er kommunens
    servicetorg"). Whether the heading names the service too does not matter.
    """
    brand = fold(label_and_tagline(label, vocab.brand_tagline)[0])
    if not brand or len(brand.split()) > 4:
        return ()
    intro = (page.main_text or page.text)[:800]
    texts = [page.title, *(h.text for h in page.headings if h.level <= 2), *re.split(r"(?<=[.!?])\s+", intro)]
    for text in texts:
        folded = fold(text)
        at = re.search(rf"(?<!\w){re.escape(brand)}(?!\w)", folded)
        if at is None or at.start() > 30:
            continue
        after = text[at.end() : at.end() + 120] if len(folded) == len(text) else folded[at.end() : at.end() + 120]
        while fold(after).lstrip().startswith(brand):  # a breadcrumb and a heading repeat the name
            after = after.lstrip()[len(brand) :]
        after = after[:90]
        terms = service_terms(after, vocab)
        if terms and _presented(after, terms, vocab) and not qualifying_decoy(text, vocab):
            return terms
    return ()


_PRESENTING_MARK = re.compile(r"[–—:,(]|\s-\s")


def _presented(after: str, terms: tuple[str, ...], vocab: Vocabulary) -> bool:
    """The words between a name and the service word present the one as the other ("Torget er
    kommunens servicetorg", "KomIn – kommunens medborgarkontor"). A section page headed "Borger"
    whose first tile is "Borgerservice" says nothing of the kind."""
    folded = fold(after)
    starts = [m.start() for t in terms for m in [re.search(rf"(?<!\w){re.escape(t)}", folded)] if m]
    gap = (folded[: min(starts)] if starts else folded).strip()
    # The mark or verb must follow the name at once: in "Kontakta Ormsberga kommun Växel: 0934-…
    # Kundcenter" the colon belongs to "Växel", and nothing presents the one as the other.
    first_word = gap.split()[0] if gap.split() else ""
    return bool(_PRESENTING_MARK.match(gap) or find_terms(first_word, vocab.presenting, whole_word=True))


def brand_page(page: PageSnapshot, vocab: Vocabulary) -> tuple[str, ...]:
    """A page that presents a local brand as the service: the label of the link that led to it
    (one click from the homepage) or its own main heading ("Åsland Direkte") is presented as the
    service by its title, heading or introduction ("Åsland Direkte er kommunens innbyggerservice")."""
    if page.depth == 0:
        return ()
    labels = [h.text for h in page.headings if h.level == 1]
    if page.depth == 1 and page.via_text and not service_terms(page.via_text, vocab):
        labels.insert(0, page.via_text)
    for label in labels:
        terms = presents_as_service(label, page, vocab)
        if terms:
            return terms
    return ()


def service_page_terms(page: PageSnapshot, vocab: Vocabulary) -> tuple[tuple[str, ...], str]:
    """The words by which a page is the service page, and how ("heading" or "brand"); ((), "") if it is not.

    The one definition of "service page", used by the crawler to steer and by the checks to judge.
    """
    if _reached_as_decoy(page, vocab) or company_page(page, vocab):
        return (), ""
    terms = is_service_page(page, vocab)
    if terms:
        return terms, "heading"
    terms = brand_page(page, vocab) if not is_news_page(page, vocab) else ()
    return (terms, "brand") if terms else ((), "")


def company_page(page: PageSnapshot, vocab: Vocabulary) -> str:
    """The legal form when the page is a company's own ("Tervaniemen Vuokratalot Oy – asiakaspalvelu",
    or a heading "Tallåsenhem" whose text says "Tallåsenhem AB är kommunens bostadsbolag"): the
    customer service it names is the company's. '' when it is not."""
    if page.depth == 0 or not vocab.company_form:
        return ""
    forms = "|".join(re.escape(f) for f in vocab.company_form)
    text = fold(page.main_text or page.text)
    for heading in (h.text for h in page.headings if h.level == 1):
        name = fold(label_and_tagline(heading)[0])
        found = re.search(rf"\s({forms})$", name) or (
            re.search(rf"(?<!\w){re.escape(name)}\s+({forms})(?![\w/])", text) if name else None
        )
        if found:
            return found.group(1)
    return ""


def _reached_as_decoy(page: PageSnapshot, vocab: Vocabulary) -> bool:
    """The link that led here named another desk ("Havøy Eiendom KF – kundesenter for
    leietakere"): the page is that desk's, whatever its own shorter title says."""
    via = page.via_text
    return bool(via and service_terms(via, vocab) and qualifying_decoy(via, vocab))
