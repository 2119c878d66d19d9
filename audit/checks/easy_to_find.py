"""easy_to_find: the front-page entry is visible at first sight in the desktop window."""

from __future__ import annotations

import dataclasses

from audit.checks._evidence import match_evidence
from audit.checks.findings import Findings, Match
from audit.criteria import Criteria
from audit.models import CheckResult, Element, Evidence, PageSnapshot, Reason, SiteSnapshot, Verdict, reason


def covering(el: Element, page: PageSnapshot | None) -> Reason:
    """What lies over the element, named so a web editor can find it."""
    if el.covered_by.startswith("overlay:") and page is not None:
        index = int(el.covered_by.split(":", 1)[1])
        if index < len(page.overlays):
            o = page.overlays[index]
            # A pop-up's backdrop has no words; the dialog over it names the pop-up.
            text = o.text or next((other.text for other in page.overlays if other.text), "")
            return reason("obstacle.covered_by_popup", text=text[:80], selector=o.selector)
    if el.covered_by:
        return reason("obstacle.covered_by_element", selector=el.covered_by)
    return reason("obstacle.covered")


def obstacle(el: Element, criteria: Criteria, page: PageSnapshot | None = None) -> Reason | None:
    """Why the element is not visible at first sight, or None when it is."""
    width, height = criteria.settings.viewport
    s = criteria.settings
    if el.hidden_container:
        return reason("obstacle.hidden")
    if not el.visible or el.box is None:
        return reason("obstacle.not_rendered")
    b = el.box
    if b.width < s.min_box_px or b.height < s.min_box_px:
        return reason("obstacle.clipped", width=round(b.width), height=round(b.height))
    if b.y >= height or b.x >= width or b.x + b.width <= 0 or b.y + b.height <= 0:
        return reason("obstacle.outside_first_screen", y=round(b.y), window=height)
    if el.covered:
        return covering(el, page)
    if 0 < el.font_size < s.min_font_px:
        return reason("obstacle.too_small", px=round(el.font_size))
    return None


def _straddles_fold(el: Element, criteria: Criteria) -> bool:
    _, height = criteria.settings.viewport
    return el.box is not None and el.box.y < height < el.box.y + el.box.height and el.box.y + el.box.height / 2 > height


def phone_note(site: SiteSnapshot, el: Element, criteria: Criteria) -> Reason | None:
    """Informational: is the same entry visible at first sight on a 390x844 phone screen?"""
    if not site.homepage.mobile_elements:
        return None
    width, height = criteria.settings.mobile_viewport
    same = [m for m in site.homepage.mobile_elements if m.kind == el.kind and m.text == el.text and m.href == el.href]
    if not same:
        return reason("phone.not_found")
    phone_criteria = dataclasses.replace(
        criteria, settings=dataclasses.replace(criteria.settings, viewport=(width, height))
    )
    obstacles = [obstacle(m, phone_criteria) for m in same]
    if any(o is None for o in obstacles):
        return reason("phone.visible")
    first = next(o for o in obstacles if o is not None)
    return reason("phone.not_visible", why=first.nested())


def _with_phone_note(m: Match, site: SiteSnapshot, criteria: Criteria, note: Reason | None = None) -> Evidence:
    ev = match_evidence(m, criteria, note=note)
    return dataclasses.replace(ev, phone=phone_note(site, m.element, criteria) if m.element is not None else None)


_REGIONS = ("header", "nav", "main", "aside", "footer")


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    candidates: list[Match] = [m for m in found.front_page if m.element is not None]
    if not candidates:
        return CheckResult(Verdict.FAIL, reason("easy.no_entry"))
    problems: list[tuple[Match, Reason]] = []
    for m in candidates:
        assert m.element is not None
        why = obstacle(m.element, criteria, m.page)
        if why is None:
            return _visible(m, site, criteria)
        problems.append((m, why))
    result = CheckResult(
        Verdict.FAIL,
        reason("easy.not_visible", why=problems[0][1].nested()),
        tuple(_with_phone_note(p, site, criteria, note=w) for p, w in problems[:3]),
    )
    consent = site.homepage.consent
    consent_open = consent is not None and consent.found and not consent.closed
    if consent_open and any(p.element is not None and p.element.covered for p, _ in problems):
        return result.doubted(reason("doubt.consent_open"))
    return result


def _visible(m: Match, site: SiteSnapshot, criteria: Criteria) -> CheckResult:
    """A pass, or "needs review" when the entry is cut by the bottom edge of the window."""
    assert m.element is not None
    evidence = (_with_phone_note(m, site, criteria),)
    if _straddles_fold(m.element, criteria):
        return CheckResult(
            Verdict.NEEDS_REVIEW, reason("easy.cut_by_fold"), evidence, Verdict.PASS, reason("doubt.cut_by_fold")
        )
    region = m.element.landmark if m.element.landmark in _REGIONS else "page"
    return CheckResult(Verdict.PASS, reason("easy.visible", region={"word": f"region.{region}"}), evidence)
