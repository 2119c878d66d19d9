"""Is the customer-service entry the rendered page showed also in the HTML the server sent?

When it is not, it appears only once scripts have run: a resident whose scripts fail, are
blocked or are slow to load does not find the service.
"""

from __future__ import annotations

from collections.abc import Mapping

from audit.criteria import Criteria
from audit.linkrank import normalise_url
from audit.models import CheckResult, Evidence, PageSnapshot, SiteSnapshot, Verdict, reason
from audit.text import fold


def check(site: SiteSnapshot, results: Mapping[str, CheckResult], _criteria: Criteria) -> CheckResult:
    entry = results.get("entry_exists")
    if entry is None or entry.verdict is not Verdict.PASS or not entry.evidence:
        return CheckResult(Verdict.NOT_ASSESSED, reason("beside.no_entry"))
    shown = entry.evidence[0]
    page = _page_of(site, shown.page_url)
    if page is None or not shown.url or normalise_url(shown.url) == normalise_url(page.final_url):
        return CheckResult(Verdict.NOT_ASSESSED, reason("beside.entry_not_a_link"), (shown,))
    text = shown.text[:120]
    if page.server_links is None:
        return CheckResult(Verdict.NEEDS_REVIEW, reason("beside.no_server_html", url=page.final_url), (shown,))
    target, words = normalise_url(shown.url), fold(shown.text)
    static = next(
        (s for s in page.server_links if normalise_url(s.href) == target or (words and fold(s.text) == words)), None
    )
    if static is None:
        return CheckResult(Verdict.FAIL, reason("beside.entry_needs_js", text=text), (shown,))
    sent = Evidence(url=static.href, text=static.text[:120], page_url=page.final_url, depth=page.depth)
    return CheckResult(Verdict.PASS, reason("beside.entry_static", text=text), (shown, sent))


def _page_of(site: SiteSnapshot, url: str) -> PageSnapshot | None:
    wanted = normalise_url(url) if url else ""
    return next((p for p in site.pages if normalise_url(p.final_url) == wanted or normalise_url(p.url) == wanted), None)
