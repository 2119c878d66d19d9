"""easy_to_find: the front-page entry is visible at first sight in the desktop window."""

from __future__ import annotations

from audit.checks._evidence import match_evidence
from audit.checks.findings import Findings, Match
from audit.criteria import Criteria
from audit.models import CheckResult, Element, SiteSnapshot, Verdict


def obstacle(el: Element, criteria: Criteria) -> str:
    """Why the element is not visible at first sight, or '' when it is."""
    width, height = criteria.settings.viewport
    s = criteria.settings
    if el.hidden_container:
        return "inside a hidden or collapsed container (a closed menu, display:none, aria-hidden)"
    if not el.visible or el.box is None:
        return "not rendered visibly"
    b = el.box
    if b.width < s.min_box_px or b.height < s.min_box_px:
        return f"clipped to {b.width:.0f}x{b.height:.0f} px (visually hidden)"
    if b.y >= height or b.x >= width or b.x + b.width <= 0 or b.y + b.height <= 0:
        return f"below or beside the first screen (at y={b.y:.0f} px; the window is {height} px high)"
    if el.covered:
        return "covered by another element (a pop-up or overlay)"
    if 0 < el.font_size < s.min_font_px:
        return f"text too small to read ({el.font_size:.0f} px)"
    return ""


def _straddles_fold(el: Element, criteria: Criteria) -> bool:
    _, height = criteria.settings.viewport
    return el.box is not None and el.box.y < height < el.box.y + el.box.height and el.box.y + el.box.height / 2 > height


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    candidates: list[Match] = [m for m in found.front_page if m.element is not None]
    if not candidates:
        return CheckResult(Verdict.FAIL, "There is no entry on the homepage to be seen.")
    problems: list[tuple[Match, str]] = []
    for m in candidates:
        assert m.element is not None
        why = obstacle(m.element, criteria)
        if not why:
            if _straddles_fold(m.element, criteria):
                return CheckResult(Verdict.NEEDS_REVIEW, "The entry is cut by the bottom edge of the first screen.", (match_evidence(m, criteria),))
            return CheckResult(Verdict.PASS, f"Visible at first sight in the {m.element.landmark or 'page'} without scrolling or clicking.", (match_evidence(m, criteria),))
        problems.append((m, why))
    m, why = problems[0]
    return CheckResult(
        Verdict.FAIL,
        f"The entry is not visible at first sight: {why}.",
        tuple(match_evidence(p, criteria, note=w) for p, w in problems[:3]),
    )
