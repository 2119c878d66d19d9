"""entry_exists: the service entry appears on the homepage or on a page at most two clicks away."""

from __future__ import annotations

from audit.checks._evidence import match_evidence
from audit.checks.findings import Findings
from audit.criteria import Criteria
from audit.models import CheckResult, SiteSnapshot, Verdict


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    best = found.front_page[:1] or found.service_pages[:1] or found.deeper[:1] or found.mentions[:1]
    if best:
        m = best[0]
        depth = m.page.depth + (1 if m.element is not None and m.page.depth > 0 else 0)
        where = "on the homepage" if m.page.depth == 0 else f"{depth} click(s) from the homepage"
        return CheckResult(Verdict.PASS, f"The service is named {where} ({', '.join(m.matched)}).", (match_evidence(m, criteria),))
    if found.rejected:
        m, why = found.rejected[0]
        return CheckResult(
            Verdict.FAIL,
            f"Only a mention that does not count: {why}.",
            tuple(match_evidence(r, criteria, note=reason) for r, reason in found.rejected[:3]),
        )
    pages = len(site.pages)
    return CheckResult(Verdict.FAIL, f"No customer-service entry was found on the homepage or the {pages - 1} page(s) followed from it.")
