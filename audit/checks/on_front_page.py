"""on_front_page: the homepage names the service in a link, button, contact route or block."""

from __future__ import annotations

from audit.checks._evidence import match_evidence
from audit.checks.findings import Findings
from audit.criteria import Criteria
from audit.models import CheckResult, SiteSnapshot, Verdict, reason

_HOW = {"link": "front.link", "accessible name": "front.accessible_name", "brand": "front.brand"}


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
    if found.service_pages or found.deeper:
        m = (found.service_pages or found.deeper)[0]
        ev = match_evidence(m, criteria, note=reason("note.deeper"))
        return CheckResult(Verdict.FAIL, reason("front.deeper_only", via=m.page.via_text, url=m.page.final_url), (ev,))
    return CheckResult(Verdict.FAIL, reason("front.none"))
