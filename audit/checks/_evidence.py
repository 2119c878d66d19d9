"""Turn a match into the evidence record a sceptical reader needs (pure)."""

from __future__ import annotations

from audit.checks.findings import Match
from audit.criteria import Criteria
from audit.models import Evidence, PageSnapshot, Reason, reason
from audit.text import as_written, snippet


def page_evidence(
    page: PageSnapshot,
    criteria: Criteria,
    *,
    around: str = "",
    note: Reason | None = None,
    matched: tuple[str, ...] = (),
) -> Evidence:
    body = page.main_text or page.text
    return Evidence(
        url=page.final_url,
        text=page.title,
        region="page",
        depth=page.depth,
        matched=as_written(f"{page.title} {body}", matched),
        snippet=snippet(body, around, criteria.settings.snippet_chars),
        screenshot=page.screenshot,
        note=note,
        page_url=page.final_url,
        full_screenshot=page.full_screenshot,
    )


def match_evidence(match: Match, criteria: Criteria, *, note: Reason | None = None) -> Evidence:
    if match.element is None:
        around = match.matched[0] if match.matched else ""
        return page_evidence(
            match.page,
            criteria,
            around=around,
            note=note or reason(f"note.found_by.{match.how}"),
            matched=match.matched,
        )
    el = match.element
    target = match.target
    label = f"{el.text} {el.name}"
    place = reason("note.on_homepage") if match.page.depth == 0 else reason("note.on_page", url=match.page.final_url)
    return Evidence(
        url=el.href or match.page.final_url,
        text=(el.text or el.name)[:300],
        selector=el.selector,
        region=el.landmark or "body",
        box=el.box,
        depth=match.page.depth,
        matched=as_written(
            label if match.how != "brand" else f"{label} {target.title if target else ''}", match.matched
        ),
        snippet=snippet(
            target.main_text or target.text, match.matched[-1] if match.matched else "", criteria.settings.snippet_chars
        )
        if target
        else "",
        screenshot=match.page.screenshot,
        note=note or reason(f"note.found_as.{match.how.replace(' ', '_')}", where=place.nested()),
        page_url=match.page.final_url,
        full_screenshot=match.page.full_screenshot,
    )
