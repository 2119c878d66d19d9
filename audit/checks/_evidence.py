"""Turn a match into the evidence record a sceptical reader needs (pure)."""

from __future__ import annotations

from audit.checks.findings import Match
from audit.criteria import Criteria
from audit.models import Evidence, PageSnapshot
from audit.text import snippet


def page_evidence(page: PageSnapshot, criteria: Criteria, *, around: str = "", note: str = "", matched: tuple[str, ...] = ()) -> Evidence:
    return Evidence(
        url=page.final_url,
        text=page.title,
        region="page",
        depth=page.depth,
        matched=matched,
        snippet=snippet(page.main_text or page.text, around, criteria.settings.snippet_chars),
        screenshot=page.screenshot,
        note=note,
    )


def match_evidence(match: Match, criteria: Criteria, *, note: str = "") -> Evidence:
    if match.element is None:
        return page_evidence(match.page, criteria, around=match.matched[0] if match.matched else "", note=note or f"found by {match.how}", matched=match.matched)
    el = match.element
    target = match.target
    return Evidence(
        url=el.href or match.page.final_url,
        text=(el.text or el.name)[:300],
        selector=el.selector,
        region=el.landmark or "body",
        box=el.box,
        depth=match.page.depth,
        matched=match.matched,
        snippet=snippet(target.main_text or target.text, match.matched[0] if match.matched else "", criteria.settings.snippet_chars) if target else "",
        screenshot=match.page.screenshot,
        note=note or f"{match.how} on {'the homepage' if match.page.depth == 0 else match.page.final_url}",
    )
