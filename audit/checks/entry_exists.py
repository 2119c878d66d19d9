"""entry_exists: the service entry appears on the homepage or on a page at most two clicks away."""

from __future__ import annotations

from audit.checks._evidence import match_evidence
from audit.checks.findings import NEWS_REASON, Findings
from audit.criteria import Criteria
from audit.models import CheckResult, Element, Reason, SiteSnapshot, Verdict, reason
from audit.text import as_written


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    best = found.front_page[:1] or found.service_pages[:1] or found.deeper[:1] or found.mentions[:1]
    if best:
        m = best[0]
        ev = match_evidence(m, criteria)
        words = list(ev.matched)
        if m.page.depth == 0:
            return CheckResult(Verdict.PASS, reason("entry.on_homepage", words=words), (ev,))
        # A link naming the service on a deeper page leads one click further; a mention is on the page itself.
        clicks = m.page.depth + (1 if m.how == "link" else 0)
        return CheckResult(Verdict.PASS, reason("entry.deeper", clicks=clicks, words=words), (ev,))
    if found.rejected:
        m, why = found.rejected[0]
        result = CheckResult(
            Verdict.FAIL,
            reason("entry.only_decoys", why=why.nested()),
            tuple(match_evidence(r, criteria, note=w) for r, w in found.rejected[:3]),
        )
    else:
        result = CheckResult(Verdict.FAIL, reason("entry.none", pages=len(site.pages) - 1))
    doubt = _doubt(site, found)
    return result.doubted(doubt) if doubt else result


def _doubt(site: SiteSnapshot, found: Findings) -> Reason | None:
    """Why a fail rests on thin evidence: likely parts of the site left unread, or candidates set
    aside as news on a date alone."""
    unread = next((f.split(":", 1)[1] for f in site.flags if f.startswith("unread_sections:")), "")
    if unread:
        return reason("doubt.unread_sections", count=int(unread))
    dated_only = [
        m
        for m, why in found.rejected
        if why.code == NEWS_REASON and m.element is not None and _news_by_date_only(m.element)
    ]
    if dated_only and len(dated_only) == len(found.rejected):
        return reason(
            "doubt.news_by_date",
            words=list(as_written(dated_only[0].element.text, dated_only[0].matched)) if dated_only[0].element else [],
        )
    return None


def _news_by_date_only(el: Element) -> bool:
    return el.dated and not el.news_region
