"""View of what a municipality page shows beside the score: the accessibility statement, the
entry without JavaScript, and the axe-core WCAG scan of its homepage and service page."""

from __future__ import annotations

from dataclasses import dataclass

from audit.messages import render
from audit.models import CriterionOutcome, Evidence, SiteResult, WcagPage
from audit.report.i18n import Strings
from audit.report.safety import clean_text
from audit.report.view import Fact, Mark, link, mark_for

IMPACTS = ("critical", "serious", "moderate", "minor")


@dataclass(frozen=True)
class BesideItem:
    """One informational verdict with its reason and evidence."""

    id: str
    label: str
    mark: Mark
    reason: str
    evidence: tuple[tuple[Fact, ...], ...]


@dataclass(frozen=True)
class WcagRow:
    impact: str
    rule: str
    count: int
    help: str
    help_href: str | None  # the rule's help page, checked to be a safe http(s) address
    first: str  # the first element's selector


@dataclass(frozen=True)
class WcagPageView:
    """The scan of one page: counts by impact and one row per rule."""

    label: str
    facts: tuple[Fact, ...]  # the page, then elements in violation per impact
    rows: tuple[WcagRow, ...]
    error: str


@dataclass(frozen=True)
class BesideView:
    items: tuple[BesideItem, ...]
    pages: tuple[WcagPageView, ...]
    scanned: bool


def build_beside(site: SiteResult, t: Strings) -> BesideView | None:
    """None for a site not assessed (nothing beside a score that was never given)."""
    if not site.assessed:
        return None
    items = tuple(_item(o, t) for o in site.beside)
    return BesideView(items, tuple(_page(p, t) for p in site.wcag), bool(site.wcag))


def _item(outcome: CriterionOutcome, t: Strings) -> BesideItem:
    return BesideItem(
        id=outcome.criterion,
        label=t(f"beside_{outcome.criterion}"),
        mark=mark_for(outcome, t),
        reason=clean_text(render(outcome.reason, t.lang)),
        evidence=tuple(_evidence(ev, t) for ev in outcome.evidence),
    )


def _evidence(ev: Evidence, t: Strings) -> tuple[Fact, ...]:
    target, page = link(ev.url), link(ev.page_url)
    facts = [Fact(t("ev_url"), target.text, target.href)] if target.text else []
    if page.text and page.text != target.text:
        facts.append(Fact(t("ev_on_page"), page.text, page.href))
    if ev.text:
        facts.append(Fact(t("ev_text"), "\u201c" + clean_text(ev.text, 200) + "\u201d"))
    if ev.selector:
        facts.append(Fact(t("ev_selector"), clean_text(ev.selector, 200)))
    return tuple(facts)


def _page(page: WcagPage, t: Strings) -> WcagPageView:
    counts = dict.fromkeys(IMPACTS, 0)
    for rule in page.violations:
        counts[rule.impact if rule.impact in counts else "minor"] += rule.count
    rows = tuple(
        WcagRow(
            impact=t(f"impact_{r.impact}") if r.impact in IMPACTS else clean_text(r.impact, 20),
            rule=clean_text(r.rule, 80),
            count=r.count,
            help=clean_text(r.help, 300),
            help_href=link(r.help_url).href,
            first=clean_text(r.nodes[0].target, 200) if r.nodes else "",
        )
        for r in page.violations
    )
    address = link(page.url)
    return WcagPageView(
        label=t(f"wcag_page_{page.role}") if page.role in ("homepage", "service") else clean_text(page.role, 40),
        facts=(
            Fact(t("ev_on_page"), address.text, address.href),
            *(Fact(t(f"impact_{i}"), str(counts[i])) for i in IMPACTS),
        ),
        rows=rows,
        error=t("wcag_error", error=clean_text(page.error, 300)) if page.error else "",
    )
