"""responsible_person: the site names a person responsible for the service (phone checks merge later)."""

from __future__ import annotations

from urllib.parse import urlsplit

from audit.checks._evidence import page_evidence
from audit.checks.findings import Findings
from audit.checks.people import Person, names_in, people_in
from audit.criteria import Criteria, Vocabulary
from audit.linkrank import normalise_url
from audit.models import CheckResult, Element, Evidence, PageSnapshot, SiteSnapshot, Verdict, reason
from audit.service_page import service_page_terms, service_section
from audit.text import as_written, find_terms, fold

_REGIONS_SKIPPED = ("header", "nav", "footer")


def _pages_to_read(
    site: SiteSnapshot, found: Findings, vocab: Vocabulary
) -> list[tuple[PageSnapshot, tuple[str, ...] | None]]:
    """Service pages, then pages linked from them.

    With each page the names that tie a person to the service there: None on a service page
    (everyone named there is), else the service page's own main heading (a brand such as
    "Åsland Direkte" names the service on an organisation chart as well as a service word does).
    """
    service = {normalise_url(m.page.final_url): m.page for m in found.service_pages}
    out: list[tuple[PageSnapshot, tuple[str, ...] | None]] = [(p, None) for p in service.values()]
    for page in site.pages:
        parent = service.get(normalise_url(page.parent_url)) if page.parent_url else None
        if parent is not None and page not in service.values():
            ties = tuple(fold(h.text) for h in parent.headings if h.level == 1 and len(h.text) <= 60)
            out.append((page, None if _own_staff_page(page, parent, vocab) else ties))
    return out


def _own_staff_page(page: PageSnapshot, parent: PageSnapshot, vocab: Vocabulary) -> bool:
    """A staff page ("Henkilökunta", "Ansatte") under the service page's own address
    ("/servicepunkt/" -> "/servicepunkt/personal/"): everyone listed there works for the service.
    An organisation chart elsewhere must still tie a person to the service in its own words."""
    below = urlsplit(normalise_url(parent.final_url)).path.rstrip("/")
    path = urlsplit(normalise_url(page.final_url)).path.rstrip("/")
    heading = next((h.text for h in page.headings if h.level == 1), page.title)
    # A page of many desks ("Kontakt oss") is not the service's own: its staff list is everyone's.
    own = service_section(parent, vocab) is None
    return (
        below.count("/") >= 1 and path.startswith(below + "/") and own and bool(find_terms(heading, vocab.staff_page))
    )


def _people(page: PageSnapshot, ties: tuple[str, ...] | None, site: SiteSnapshot, criteria: Criteria) -> list[Person]:
    vocab = criteria.vocabulary
    stop = frozenset(fold(w) for w in site.municipality.name.split()) | frozenset(fold(page.title).split()[:1])
    out: list[Person] = []
    page_names_service = ties is None or bool(service_page_terms(page, vocab)[0])
    links = [el for el in page.elements if el.kind in ("link", "button") and el.box is not None]
    blocks = [
        el
        for el in page.elements
        if el.kind == "block" and el.landmark not in _REGIONS_SKIPPED and not _link_bar(el, links)
    ]
    for text in [el.text for el in blocks] + cards(blocks, vocab, stop) + rows(blocks):
        for person in people_in(text, vocab, stop):
            # On a linked page (an organisation chart) the person must be tied to the service itself.
            if page_names_service or find_terms(text, vocab.terms("service_entry") + (ties or ())):
                out.append(person)
    return out


# A block whose text is at least this share link texts is a bar of links ("Lyssna Lättläst Other
# languages In English Kontakta oss"): its capitalised words are labels, not a person's name.
_LINK_SHARE = 0.8


def _link_bar(block: Element, links: list[Element]) -> bool:
    b = block.box
    if b is None or not block.text.strip():
        return False
    inside = [
        el.text
        for el in links
        if el.box is not None  # for the type checker; ``links`` holds placed elements only
        and b.x - 1 <= el.box.x
        and el.box.x + el.box.width <= b.x + b.width + 1
        and b.y - 1 <= el.box.y
        and el.box.y + el.box.height <= b.y + b.height + 1
        and el.text
        and el.text in block.text
    ]
    return sum(len(t.replace(" ", "")) for t in inside) >= _LINK_SHARE * len(block.text.replace(" ", ""))


# Lines closer than this (px) and starting this close to each other's left edge form one card.
_CARD_GAP = 24
_CARD_INDENT = 60
_SAME_LINE = 3  # px between the tops of cells of one table row


def cards(blocks: list[Element], vocab: Vocabulary, stop: frozenset[str]) -> list[str]:
    """Contact cards written as separate lines ("Hege Mo Larsen" / "Leder for Servicetorget"),
    joined into one text per person: consecutive lines stacked closely in one column, cut
    before a line that names a second person."""
    out: list[str] = []
    card: list[Element] = []
    named = False
    for el in blocks:
        has_name = bool(names_in(el.text, vocab, stop))
        if card and (not _below(card[-1], el) or (named and has_name) or len(card) == 4):
            if len(card) > 1:
                out.append(", ".join(e.text for e in card))
            card, named = [], False
        card.append(el)
        named = named or has_name
    if len(card) > 1:
        out.append(", ".join(e.text for e in card))
    return out


def rows(blocks: list[Element]) -> list[str]:
    """Lines of a table or a row of columns ("Service og arkiv (Tenestetorget)" | "Randi Øvrebø
    (einingsleiar)"): blocks side by side on one line, joined left to right, so a person in one
    cell is tied to the unit named in the next."""
    placed = sorted(
        (el for el in blocks if el.box is not None and el.box.height > 0), key=lambda e: e.box.y if e.box else 0
    )
    lines: list[list[Element]] = []
    for el in placed:
        if lines and el.box and lines[-1][0].box and abs(el.box.y - lines[-1][0].box.y) <= _SAME_LINE:
            lines[-1].append(el)
        else:
            lines.append([el])
    joined = []
    for line in lines:
        if 1 < len(line) <= 6:
            joined.append(" | ".join(e.text for e in sorted(line, key=lambda e: e.box.x if e.box else 0)))
    return joined


def _below(upper: Element, lower: Element) -> bool:
    a, b = upper.box, lower.box
    if a is None or b is None or a.height <= 0 or b.height <= 0:
        return False
    gap = b.y - (a.y + a.height)
    return -2 <= gap <= _CARD_GAP and abs(a.x - b.x) <= _CARD_INDENT


def _evidence(page: PageSnapshot, person: Person, criteria: Criteria, note: str) -> Evidence:
    ev = page_evidence(page, criteria, around=person.name, matched=(person.role,), note=reason(note))
    return Evidence(**{**ev.__dict__, "text": person.text[:300], "matched": as_written(person.text, (person.role,))})


def _role(person: Person) -> str:
    """The role as the site wrote it ("Enhetschef", not the folded "enhetschef")."""
    return as_written(person.text, (person.role,))[0]


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    pages = _pages_to_read(site, found, criteria.vocabulary)
    if not pages:
        return CheckResult(Verdict.FAIL, reason("person.no_service_page"))
    unclear: list[tuple[PageSnapshot, Person]] = []
    staff: list[tuple[PageSnapshot, Person]] = []
    for page, ties in pages:
        for person in _people(page, ties, site, criteria):
            if person.kind == "responsible":
                ev = _evidence(page, person, criteria, "note.person.responsible")
                return CheckResult(
                    Verdict.PASS, reason("person.responsible", name=person.name, role=_role(person)), (ev,)
                )
            (unclear if person.kind == "unclear" else staff).append((page, person))
    if unclear:
        page, person = unclear[0]
        ev = _evidence(page, person, criteria, "note.person.unclear")
        return CheckResult(
            Verdict.NEEDS_REVIEW,
            reason("person.unclear", name=person.name, role=_role(person)),
            (ev,),
            None,
            reason("doubt.unclear_role"),
        )
    if staff:
        page, person = staff[0]
        ev = _evidence(page, person, criteria, "note.person.staff")
        return CheckResult(Verdict.FAIL, reason("person.staff_only", name=person.name, role=_role(person)), (ev,))
    return CheckResult(Verdict.FAIL, reason("person.none", pages=len(pages)))
