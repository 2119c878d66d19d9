"""entry_exists: the service entry appears on the homepage or on a page at most two clicks away."""

from __future__ import annotations

from audit.checks._evidence import match_evidence
from audit.checks.findings import NEWS_REASON, Findings
from audit.criteria import Criteria
from audit.models import CheckResult, Element, SiteSnapshot, Verdict


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    best = found.front_page[:1] or found.service_pages[:1] or found.deeper[:1] or found.mentions[:1]
    if best:
        m = best[0]
        # A link naming the service on a deeper page leads one click further; a mention is on the page itself.
        depth = m.page.depth + (1 if m.how == "link" and m.page.depth > 0 else 0)
        where = "on the homepage" if m.page.depth == 0 else f"{depth} click(s) from the homepage"
        return CheckResult(Verdict.PASS, f"The service is named {where} ({', '.join(m.matched)}).", (match_evidence(m, criteria),))
    if found.rejected:
        m, why = found.rejected[0]
        result = CheckResult(
            Verdict.FAIL,
            f"Only a mention that does not count: {why}.",
            tuple(match_evidence(r, criteria, note=reason) for r, reason in found.rejected[:3]),
        )
    else:
        pages = len(site.pages)
        result = CheckResult(Verdict.FAIL, f"No customer-service entry was found on the homepage or the {pages - 1} page(s) followed from it.")
    doubt = _doubt(site, found)
    return result.doubted(doubt) if doubt else result


def _doubt(site: SiteSnapshot, found: Findings) -> str:
    """Why a fail rests on thin evidence: parts of the site left unread, or candidates set aside
    as news on a date alone."""
    unread = next((f.split(":", 1)[1] for f in site.flags if f.startswith("unread_sections:")), "")
    if unread:
        return f"{unread} section(s) of the site's navigation were left unread (page budget), the service may be there."
    dated_only = [m for m, why in found.rejected if why == NEWS_REASON and m.element is not None and _news_by_date_only(m.element)]
    if dated_only and len(dated_only) == len(found.rejected):
        return "the only candidates were set aside as news because their card carries a date, on a page that is no news listing."
    return ""


def _news_by_date_only(el: Element) -> bool:
    return el.dated and not el.news_region
