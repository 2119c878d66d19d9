"""responsible_person: the site names a person responsible for the service (phone checks merge later)."""

from __future__ import annotations

from audit.checks._evidence import page_evidence
from audit.checks.findings import Findings, is_service_page
from audit.checks.people import Person, people_in
from audit.criteria import Criteria
from audit.linkrank import normalise_url
from audit.models import CheckResult, Evidence, PageSnapshot, SiteSnapshot, Verdict
from audit.text import find_terms, fold

_REGIONS_SKIPPED = ("header", "nav", "footer")


def _pages_to_read(site: SiteSnapshot, found: Findings) -> list[tuple[PageSnapshot, bool]]:
    """Service pages, then pages linked from them; the flag says whether it is a service page."""
    service = [m.page for m in found.service_pages]
    urls = {normalise_url(p.final_url) for p in service}
    linked = [p for p in site.pages if p not in service and p.parent_url and normalise_url(p.parent_url) in urls]
    return [(p, True) for p in service] + [(p, False) for p in linked]


def _people(page: PageSnapshot, on_service_page: bool, site: SiteSnapshot, criteria: Criteria) -> list[Person]:
    vocab = criteria.vocabulary
    stop = frozenset(fold(w) for w in site.municipality.name.split()) | frozenset(fold(page.title).split()[:1])
    out: list[Person] = []
    page_names_service = on_service_page or bool(is_service_page(page, vocab))
    for el in page.elements:
        if el.kind != "block" or el.landmark in _REGIONS_SKIPPED:
            continue
        for person in people_in(el.text, vocab, stop):
            # On a linked page (an organisation chart) the person must be tied to the service itself.
            if page_names_service or find_terms(el.text, vocab.terms("service_entry")):
                out.append(person)
    return out


def _evidence(page: PageSnapshot, person: Person, criteria: Criteria, note: str) -> Evidence:
    ev = page_evidence(page, criteria, around=person.name, matched=(person.role,), note=note)
    return Evidence(**{**ev.__dict__, "text": person.text[:300]})


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    pages = _pages_to_read(site, found)
    if not pages:
        return CheckResult(Verdict.FAIL, "No service page was found where a responsible person could be named.")
    unclear: list[tuple[PageSnapshot, Person]] = []
    staff: list[tuple[PageSnapshot, Person]] = []
    for page, on_service in pages:
        for person in _people(page, on_service, site, criteria):
            if person.kind == "responsible":
                return CheckResult(Verdict.PASS, f"{person.name} is named with the role \"{person.role}\".", (_evidence(page, person, criteria, "responsible person"),))
            (unclear if person.kind == "unclear" else staff).append((page, person))
    if unclear:
        page, person = unclear[0]
        return CheckResult(Verdict.NEEDS_REVIEW, f"{person.name} is named as \"{person.role}\"; whether this person is responsible for the service needs review.", (_evidence(page, person, criteria, "unclear role"),))
    if staff:
        page, person = staff[0]
        return CheckResult(Verdict.FAIL, f"Only staff without responsibility are named ({person.name}, {person.role}).", (_evidence(page, person, criteria, "staff, not responsible"),))
    return CheckResult(Verdict.FAIL, f"No person responsible for the service is named on the {len(pages)} service page(s) read.")
