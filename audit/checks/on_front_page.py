"""on_front_page: the homepage names the service in a link, button, contact route or block."""

from __future__ import annotations

from audit.checks._evidence import match_evidence
from audit.checks.findings import Findings
from audit.criteria import Criteria
from audit.models import CheckResult, SiteSnapshot, Verdict


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    if found.entries:
        m = found.entries[0]
        return CheckResult(Verdict.PASS, f"The homepage has a {m.how} naming the service: \"{(m.element.text or m.element.name)[:80] if m.element else ''}\".", tuple(match_evidence(x, criteria) for x in found.entries[:3]))
    if found.contact_routes:
        m = found.contact_routes[0]
        target = m.target.final_url if m.target else ""
        return CheckResult(Verdict.PASS, f"The homepage's contact link leads in one click to the service page ({target}).", (match_evidence(m, criteria),))
    if found.blocks:
        m = found.blocks[0]
        return CheckResult(Verdict.PASS, "The homepage has a block naming the service with a way to reach it.", (match_evidence(m, criteria),))
    if found.service_pages or found.deeper:
        m = (found.service_pages or found.deeper)[0]
        return CheckResult(Verdict.FAIL, f"The service exists but the homepage does not name it; it is reached via \"{m.page.via_text}\".", (match_evidence(m, criteria, note="deeper than the homepage"),))
    return CheckResult(Verdict.FAIL, "The homepage does not name the service.")
