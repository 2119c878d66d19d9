"""easy_to_find: the front-page entry is visible at first sight in the desktop window."""

from __future__ import annotations

import dataclasses

from audit.checks._evidence import match_evidence
from audit.checks.findings import Findings, Match
from audit.criteria import Criteria
from audit.models import CheckResult, Element, Evidence, PageSnapshot, SiteSnapshot, Verdict


def covering(el: Element, page: PageSnapshot | None) -> str:
    """What lies over the element, named so a web editor can find it."""
    if el.covered_by.startswith("overlay:") and page is not None:
        index = int(el.covered_by.split(":", 1)[1])
        if index < len(page.overlays):
            o = page.overlays[index]
            text = f" \"{o.text[:80]}\"" if o.text else ""
            return f"a pop-up or overlay{text} ({o.selector})"
    if el.covered_by:
        return f"another element ({el.covered_by})"
    return "another element (a pop-up or overlay)"


def obstacle(el: Element, criteria: Criteria, page: PageSnapshot | None = None) -> str:
    """Why the element is not visible at first sight, or '' when it is."""
    width, height = criteria.settings.viewport
    s = criteria.settings
    if el.hidden_container:
        return "inside a hidden or collapsed container (a closed menu, display:none, visibility:hidden)"
    if not el.visible or el.box is None:
        return "not rendered visibly"
    b = el.box
    if b.width < s.min_box_px or b.height < s.min_box_px:
        return f"clipped to {b.width:.0f}x{b.height:.0f} px (visually hidden)"
    if b.y >= height or b.x >= width or b.x + b.width <= 0 or b.y + b.height <= 0:
        return f"below or beside the first screen (at y={b.y:.0f} px; the window is {height} px high)"
    if el.covered:
        return f"covered by {covering(el, page)}"
    if 0 < el.font_size < s.min_font_px:
        return f"text too small to read ({el.font_size:.0f} px)"
    return ""


def _straddles_fold(el: Element, criteria: Criteria) -> bool:
    _, height = criteria.settings.viewport
    return el.box is not None and el.box.y < height < el.box.y + el.box.height and el.box.y + el.box.height / 2 > height


def phone_note(site: SiteSnapshot, el: Element, criteria: Criteria) -> str:
    """Informational: is the same entry visible at first sight on a 390x844 phone screen?"""
    if not site.homepage.mobile_elements:
        return ""
    width, height = criteria.settings.mobile_viewport
    same = [m for m in site.homepage.mobile_elements if m.kind == el.kind and m.text == el.text and m.href == el.href]
    if not same:
        return "on a phone screen (390x844): not found"
    phone_criteria = dataclasses.replace(criteria, settings=dataclasses.replace(criteria.settings, viewport=(width, height)))
    why = min((obstacle(m, phone_criteria) for m in same), key=len)
    return f"on a phone screen (390x844): {why or 'visible at first sight'} (informational)"


def _with_phone_note(m: Match, site: SiteSnapshot, criteria: Criteria, note: str = "") -> Evidence:
    ev = match_evidence(m, criteria, note=note)
    extra = phone_note(site, m.element, criteria) if m.element is not None else ""
    return dataclasses.replace(ev, note="; ".join(x for x in (ev.note, extra) if x))


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    candidates: list[Match] = [m for m in found.front_page if m.element is not None]
    if not candidates:
        return CheckResult(Verdict.FAIL, "There is no entry on the homepage to be seen.")
    problems: list[tuple[Match, str]] = []
    for m in candidates:
        assert m.element is not None
        why = obstacle(m.element, criteria, m.page)
        if not why:
            if _straddles_fold(m.element, criteria):
                return CheckResult(Verdict.NEEDS_REVIEW, "The entry is cut by the bottom edge of the first screen.", (_with_phone_note(m, site, criteria),))
            return CheckResult(Verdict.PASS, f"Visible at first sight in the {m.element.landmark or 'page'} without scrolling or clicking.", (_with_phone_note(m, site, criteria),))
        problems.append((m, why))
    m, why = problems[0]
    result = CheckResult(
        Verdict.FAIL,
        f"The entry is not visible at first sight: {why}.",
        tuple(_with_phone_note(p, site, criteria, note=w) for p, w in problems[:3]),
    )
    consent = site.homepage.consent
    if consent is not None and consent.found and not consent.closed and any(p.element is not None and p.element.covered for p, _ in problems):
        return result.doubted("a cookie banner could not be closed with a least-consent choice, so what it covers could not be seen.")
    return result
