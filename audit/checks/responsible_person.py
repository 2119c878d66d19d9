"""responsible_person: the site names a person responsible for the service (phone checks merge later)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from audit.checks._evidence import page_evidence
from audit.checks.findings import Findings
from audit.checks.people import Person, channel_words, names_in, people_in
from audit.criteria import Criteria, Vocabulary
from audit.linkrank import normalise_url
from audit.models import CheckResult, Element, Evidence, PageSnapshot, Reason, SiteSnapshot, Verdict, reason
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
    # A page that names the service only in a section (a contact box that every page repeats, a
    # page of many desks) speaks for it in that section alone.
    section = fold(service_section(page, vocab) or "") if page_names_service else ""
    for text in [el.text for el in blocks] + cards(blocks, vocab, stop) + rows(blocks):
        tied = bool(find_terms(text, vocab.terms("service_entry") + (ties or ())))
        for person in people_in(text, vocab, stop):
            # On a linked page (an organisation chart) the person must be tied to the service itself.
            in_section = not section or fold(person.name) in section
            if tied or (page_names_service and in_section):
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


# Words between a role and the unit it heads ("enhetschef för Gata/park", "leder for Bygg").
_UNIT_LEAD = re.compile(r"^[\s:–-]*(?:(?:för|for|of|på|ved|til|i)\s+)?", re.IGNORECASE)
_UNIT_END = re.compile(r"[,.;:()|\n]")


def other_unit(person: Person, names: tuple[str, ...], labels: tuple[str, ...]) -> str:
    """The unit a responsible role is written with, when it is not the service ("Karin Ås,
    enhetschef Gata/park" on the service page heads streets and parks); '' when the role stands
    alone or names the service ("enhetschef Kontaktcenter", "Enhetschef: Karin Lind")."""
    text, folded = person.text, fold(person.text)
    at = folded.find(fold(person.name))
    words = list(re.finditer(rf"\w*{re.escape(person.role)}\w*", folded))
    if at < 0 or not words:
        return ""
    word = min(words, key=lambda m: abs(m.end() - at))
    rest = _UNIT_END.split(text[word.end() : word.end() + 60], maxsplit=1)[0]
    lead = _UNIT_LEAD.match(rest)
    unit = rest[lead.end() if lead else 0 :].strip()
    if (
        not unit[:1].isupper()
        or find_terms(word.group(0), names)  # "Borgerservicechef" heads the service
        or find_terms(unit.split()[0], labels, whole_word=True)  # "Borgerservicechef Tlf 89 …"
        or fold(unit).startswith(fold(person.name))
        or find_terms(unit, names)
    ):
        return ""
    return unit


def _service_names(page: PageSnapshot, ties: tuple[str, ...] | None, vocab: Vocabulary) -> tuple[str, ...]:
    return vocab.terms("service_entry") + tuple(fold(h.text) for h in page.headings if h.level == 1) + (ties or ())


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    vocab = criteria.vocabulary
    pages = _pages_to_read(site, found, vocab)
    if not pages:
        return CheckResult(Verdict.FAIL, reason("person.no_service_page"))
    unclear: list[tuple[PageSnapshot, Person, Reason]] = []
    staff: list[tuple[PageSnapshot, Person]] = []
    labels = channel_words(vocab)
    for page, ties in pages:
        names = _service_names(page, ties, vocab)  # once per page, not per person
        for person in _people(page, ties, site, criteria):
            unit = other_unit(person, names, labels)
            if person.kind == "responsible" and not unit:
                ev = _evidence(page, person, criteria, "note.person.responsible")
                return CheckResult(
                    Verdict.PASS, reason("person.responsible", name=person.name, role=_role(person)), (ev,)
                )
            if person.kind == "staff":
                staff.append((page, person))
            else:
                why = reason("doubt.other_unit", unit=unit) if unit else reason("doubt.unclear_role")
                unclear.append((page, person, why))
    if unclear:
        page, person, why = unclear[0]
        ev = _evidence(page, person, criteria, "note.person.unclear")
        role = _role(person)
        return CheckResult(
            Verdict.NEEDS_REVIEW, reason("person.unclear", name=person.name, role=role), (ev,), None, why
        )
    document = _unread_document(found, vocab)
    if document is not None:
        page, el = document
        ev = Evidence(el.href, el.text[:300], el.selector, el.landmark, el.box, page.depth, page_url=page.final_url)
        why = reason("person.document", text=el.text[:80])
        return CheckResult(Verdict.NEEDS_REVIEW, why, (ev,), None, reason("doubt.unread_document"))
    if staff:
        page, person = staff[0]
        ev = _evidence(page, person, criteria, "note.person.staff")
        return CheckResult(Verdict.FAIL, reason("person.staff_only", name=person.name, role=_role(person)), (ev,))
    return CheckResult(Verdict.FAIL, reason("person.none", pages=len(pages)))


_DOCUMENTS = (".pdf", ".doc", ".docx", ".odt")


def _unread_document(found: Findings, vocab: Vocabulary) -> tuple[PageSnapshot, Element] | None:
    """A document linked from a service page whose title suggests it names the staff ("Ledere og
    organisasjonskart (PDF)"): documents are not read, so a person in it cannot be ruled out."""
    for m in found.service_pages:
        for el in m.page.elements:
            path = urlsplit(el.href).path.lower() if el.kind == "link" and el.href else ""
            if path.endswith(_DOCUMENTS) and find_terms(f"{el.text} {path}", vocab.person_page_hint):
                return m.page, el
    return None
