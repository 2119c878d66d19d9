"""on_front_page: the homepage names the service in a link, button, contact route or block."""

from __future__ import annotations

from audit.checks._evidence import match_evidence
from audit.checks.findings import Findings, Match
from audit.criteria import Criteria
from audit.models import CheckResult, Evidence, SiteSnapshot, Verdict, reason

_HOW = {"link": "front.link", "accessible name": "front.accessible_name", "brand": "front.brand", "card": "front.card"}


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    if found.entries:
        m = found.entries[0]
        text = (m.element.text or m.element.name)[:80] if m.element else ""
        return CheckResult(
            Verdict.PASS, reason(_HOW[m.how], text=text), tuple(match_evidence(x, criteria) for x in found.entries[:3])
        )
    if found.contact_routes:
        m = found.contact_routes[0]
        text = (m.element.text or m.element.name)[:80] if m.element else ""
        target = m.target.final_url if m.target else ""
        return CheckResult(
            Verdict.PASS, reason("front.contact_route", text=text, url=target), (match_evidence(m, criteria),)
        )
    if found.blocks:
        m = found.blocks[0]
        return CheckResult(Verdict.PASS, reason("front.block"), (match_evidence(m, criteria),))
    # A contact link that was followed and did not lead to the service is shown with the page it led to.
    visited = tuple(_dead_end(m, criteria) for m in _distinct(found.dead_ends)[:3])
    if found.service_pages or found.deeper:
        m = (found.service_pages or found.deeper)[0]
        ev = match_evidence(m, criteria, note=reason("note.deeper"))
        why = reason("front.deeper_only", via=m.page.via_text, url=m.page.final_url)
        return CheckResult(Verdict.FAIL, why, (ev, *visited))
    return CheckResult(Verdict.FAIL, reason("front.none"), visited)


def _distinct(matches: list[Match]) -> list[Match]:
    seen: set[str] = set()
    out = []
    for m in matches:
        url = m.target.final_url if m.target else ""
        if url not in seen:
            seen.add(url)
            out.append(m)
    return out


def _dead_end(m: Match, criteria: Criteria) -> Evidence:
    target = m.target
    text = (m.element.text or m.element.name)[:80] if m.element else ""
    note = reason(
        "note.contact_dead_end", text=text, url=target.final_url if target else "", title=target.title if target else ""
    )
    return match_evidence(m, criteria, note=note)
