"""View models of the overview page (index.html) and the method page (method.html)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean

from markupsafe import Markup

from audit.messages import render, word
from audit.models import CriterionOutcome, SiteResult, Verdict, reason
from audit.report import charts
from audit.report.compare import Change
from audit.report.i18n import Strings
from audit.report.safety import clean_text
from audit.report.view import (
    ChangeView,
    Link,
    Mark,
    Run,
    change_view,
    format_time,
    link,
    mark_for,
    rank_labels,
    site_name,
)


@dataclass(frozen=True)
class Chart:
    """An SVG chart plus the same numbers as a table (caption, column heads, rows)."""

    id: str
    title: str
    svg: Markup
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Cell:
    """A ranked-table criterion cell: which criterion, and its mark."""

    criterion: str
    mark: Mark


@dataclass(frozen=True)
class RankedRow:
    """One row of the ranked table."""

    id: str
    name: str
    region: str
    rank: int
    rank_label: str
    score: int
    provisional: bool
    needs_review: bool
    cells: tuple[Cell, ...]
    page: str | None
    change: ChangeView | None
    rank_range: str = ""  # "may end 1–9" while verdicts are pending


@dataclass(frozen=True)
class OtherRow:
    """A municipality in the not-assessed list or the call list."""

    id: str
    name: str
    region: str
    status: str
    detail: str
    hint: str
    phone: str
    url: Link
    page: str | None


@dataclass(frozen=True)
class Overview:
    """Everything index.html shows."""

    lead: str
    notes: tuple[str, ...]
    figures: tuple[tuple[str, str], ...]
    charts: tuple[Chart, ...]
    rows: tuple[RankedRow, ...]
    regions: tuple[str, ...]
    scores: tuple[int, ...]
    legend: tuple[Mark, ...]
    not_assessed: tuple[OtherRow, ...]
    calls: tuple[OtherRow, ...]
    compared_with: str
    max_score: int
    preliminary: str
    byline: str
    averages_note: str
    summary: tuple[str, ...]
    inquiries: Chart | None = None
    wcag: tuple[Chart, ...] = ()  # the axe-core scan beside the score, when the run made one
    wcag_intro: str = ""


def _ranked(run: Run) -> list[SiteResult]:
    ranked = [s for s in run.sites if s.assessed]
    big = 10**9  # an assessed site without a rank (should not happen) goes last, not first
    return sorted(ranked, key=lambda s: (s.rank or big, site_name(s).casefold(), s.municipality.id))


def _unranked(run: Run) -> list[SiteResult]:
    rest = [s for s in run.sites if not s.assessed]
    return sorted(rest, key=lambda s: (site_name(s).casefold(), s.municipality.id))


def build_overview(
    run: Run,
    t: Strings,
    pages: Mapping[str, str],
    changes: Mapping[str, Change] | None,
    previous_finished: object = None,
) -> Overview:
    """The index page's content. ``pages`` maps ids to page links (ids without a page are
    shown without a link); ``changes`` is None unless a previous run was given, whose
    ``finished_at`` is ``previous_finished``."""
    ranked = _ranked(run)
    labels = rank_labels(run.sites)
    rows = tuple(_row(s, run, t, labels, pages, changes) for s in ranked)
    scores = [s.score or 0 for s in ranked]
    settled = [s.score or 0 for s in ranked if s.settled]
    return Overview(
        lead=_lead(run, t, scores, settled),
        notes=_notes(ranked, t),
        figures=_figures(run, t, scores, settled),
        charts=(
            _histogram(t, scores, run.max_score),
            _pass_rates(run, t, ranked),
            _regions(run, t),
        ),
        rows=rows,
        regions=tuple(sorted({r.region for r in rows}, key=str.casefold)),
        scores=tuple(range(run.max_score + 1)),
        legend=tuple(mark_for_key(k, t) for k in ("pass", "fail", "needs_review", "awaiting")),
        not_assessed=tuple(_other(s, t, pages) for s in _unranked(run)),
        calls=tuple(_other(s, t, pages) for s in ranked if s.awaiting_phone_check),
        compared_with=_compared_with(t, changes, previous_finished),
        max_score=run.max_score,
        preliminary=_preliminary(ranked, t),
        byline=byline(run, t),
        averages_note=_averages_note(t, settled, scores),
        summary=press_summary(run, t, ranked, settled),
        inquiries=_inquiries(run, t),
        wcag=_wcag_charts(run, t),
        wcag_intro=t("wcag_section_intro", version=clean_text(run.meta.get("axe_version"), 20) or "\u2013"),
    )


_TOP_RULES = 10


def _averages_note(t: Strings, settled: Sequence[int], scores: Sequence[int]) -> str:
    return t("averages_note", settled=len(settled), assessed=len(scores)) if len(settled) < len(scores) else ""


def _wcag_charts(run: Run, t: Strings) -> tuple[Chart, ...]:
    """Elements in violation per municipality, and the rules violated in most municipalities."""
    scanned = [s for s in run.sites if s.assessed and s.wcag]
    if not scanned:
        return ()
    per_site = sorted(
        ((site_name(s), sum(r.count for p in s.wcag for r in p.violations)) for s in scanned),
        key=lambda pair: (-pair[1], pair[0].casefold()),
    )
    bars = [charts.Bar(name, float(n), str(n)) for name, n in per_site]
    title = t("chart_wcag_sites_title")
    svg = charts.horizontal_bars(
        "chart-wcag-sites", title, t("chart_wcag_sites_desc"), bars, max(max(b.value for b in bars), 1.0)
    )
    sites_chart = Chart(
        "chart-wcag-sites", title, svg, (t("col_name"), t("col_violations")), tuple((n, str(c)) for n, c in per_site)
    )
    rules = Counter(rule for s in scanned for rule in {v.rule for p in s.wcag for v in p.violations})
    common = sorted(rules.items(), key=lambda pair: (-pair[1], pair[0]))[:_TOP_RULES]
    rule_bars = [charts.Bar(clean_text(rule, 60), float(n), str(n)) for rule, n in common]
    title = t("chart_wcag_rules_title")
    svg = charts.horizontal_bars("chart-wcag-rules", title, t("chart_wcag_rules_desc"), rule_bars, float(len(scanned)))
    rows = tuple((clean_text(rule, 60), str(n)) for rule, n in common)
    return sites_chart, Chart("chart-wcag-rules", title, svg, (t("col_rule"), t("col_municipalities")), rows)


def _inquiries(run: Run, t: Strings) -> Chart | None:
    """Response times to mystery-shopper inquiries: median working days, shares within 1 and 3."""
    if run.inquiries is None:
        return None
    names = {s.municipality.id: site_name(s) for s in run.sites}
    bars, rows = [], []
    for entry in run.inquiries:
        name = names.get(str(entry.get("municipality_id")), clean_text(entry.get("municipality_id"), 64))
        median = entry.get("median_days")
        shown = t.number(float(median)) if isinstance(median, (int, float)) else "\u2013"
        bars.append(charts.Bar(name, float(median) if isinstance(median, (int, float)) else 0.0, shown))
        rows.append(
            (
                name,
                f"{entry.get('answered', 0)} / {entry.get('sent', 0)}",
                shown,
                t.percent(float(entry.get("within_one") or 0.0)),
                t.percent(float(entry.get("within_three") or 0.0)),
            )
        )
    top = max((b.value for b in bars), default=0.0)
    title = t("chart_inquiries_title")
    svg = charts.horizontal_bars("chart-inquiries", title, t("chart_inquiries_desc"), bars, max(top, 1.0))
    headers = (t("col_name"), t("col_answered"), t("col_median_days"), t("col_within_one"), t("col_within_three"))
    return Chart("chart-inquiries", title, svg, headers, tuple(rows))


def _preliminary(ranked: Sequence[SiteResult], t: Strings) -> str:
    pending = sum(1 for s in ranked if not s.settled)
    return t("preliminary_text", pending=pending, assessed=len(ranked)) if pending else ""


def byline(run: Run, t: Strings) -> str:
    """Who publishes the report and when its data were collected."""
    date = format_time(run.meta.get("finished_at")) or format_time(run.meta.get("started_at")) or t("none")
    publisher = clean_text(run.meta.get("publisher"), 200)
    return t("byline_publisher", publisher=publisher, date=date) if publisher else t("byline", date=date)


def press_summary(run: Run, t: Strings, ranked: Sequence[SiteResult], settled: Sequence[int]) -> tuple[str, ...]:
    """A few sentences to paste into a press release: top, bottom, national figures, method."""
    if not ranked:
        return (t("summary_method"),)
    top, bottom = max(s.score or 0 for s in ranked), min(s.score or 0 for s in ranked)
    mean_text = t.number(mean(settled)) if settled else "\u2013"
    full = sum(1 for s in ranked if s.settled and s.score == run.max_score)
    lines = [
        t("summary_top", names=_names(ranked, top, t), score=top, max=run.max_score),
        t("summary_bottom", names=_names(ranked, bottom, t), score=bottom, max=run.max_score),
        t("summary_national", assessed=len(ranked), total=len(run.sites), mean=mean_text, max=run.max_score, full=full),
        t("summary_method"),
    ]
    pending = sum(1 for s in ranked if not s.settled)
    return tuple(lines + ([t("summary_preliminary", pending=pending)] if pending else []))


_NAMES_SHOWN = 5


def _names(ranked: Sequence[SiteResult], score: int, t: Strings) -> str:
    names = [site_name(s) for s in ranked if (s.score or 0) == score]
    shown = ", ".join(names[:_NAMES_SHOWN])
    return shown if len(names) <= _NAMES_SHOWN else t("summary_more", names=shown, more=len(names) - _NAMES_SHOWN)


def mark_for_key(key: str, t: Strings) -> Mark:
    """A legend entry: exactly the mark a cell with that verdict shows."""
    verdict = {"pass": Verdict.PASS, "needs_review": Verdict.NEEDS_REVIEW}.get(key, Verdict.FAIL)
    return mark_for(CriterionOutcome("", verdict, reason(""), provisional=key == "awaiting"), t)


def _row(
    site: SiteResult,
    run: Run,
    t: Strings,
    labels: Mapping[str, str],
    pages: Mapping[str, str],
    changes: Mapping[str, Change] | None,
) -> RankedRow:
    mid = site.municipality.id
    change = changes.get(mid) if changes is not None else None
    return RankedRow(
        id=clean_text(mid, 64),
        name=site_name(site),
        region=clean_text(site.municipality.region) or t("region_unknown"),
        rank=site.rank or 0,
        rank_label=labels.get(mid, "\u2013"),
        score=site.score or 0,
        provisional=site.provisional,
        needs_review=site.needs_review,
        cells=tuple(Cell(c.id, mark_for(site.outcome(c.id), t)) for c in run.criteria),
        page=pages.get(mid),
        change=change_view(change, run.criteria, t) if change is not None else None,
        rank_range=t("rank_range_short", best=site.rank_best, worst=site.rank_worst)
        if site.rank_best is not None and site.rank_worst not in (None, site.rank_best)
        else "",
    )


def _other(site: SiteResult, t: Strings, pages: Mapping[str, str]) -> OtherRow:
    status = site.status.value
    return OtherRow(
        id=clean_text(site.municipality.id, 64),
        name=site_name(site),
        region=clean_text(site.municipality.region) or t("region_unknown"),
        status=word(f"status.{status}", t.lang),
        detail=clean_text(render(site.reason, t.lang) if site.reason else site.detail),
        hint=word(f"fix.{status}", t.lang),
        phone=clean_text(site.municipality.switchboard_phone, 64) or t("no_phone"),
        url=link(site.homepage_url or site.municipality.url),
        page=pages.get(site.municipality.id),
    )


def _compared_with(t: Strings, changes: object, finished: object) -> str:
    if changes is None:
        return ""
    return t("compared_with", date=format_time(finished) or t("none"))


def _lead(run: Run, t: Strings, scores: Sequence[int], settled: Sequence[int]) -> str:
    average = t.number(mean(settled)) if settled else "\u2013"
    return t(
        "index_lead",
        assessed=len(scores),
        total=len(run.sites),
        mean=average,
        max=run.max_score,
        not_assessed=len(run.sites) - len(scores),
    )


def _notes(ranked: Sequence[SiteResult], t: Strings) -> tuple[str, ...]:
    provisional = sum(1 for s in ranked if s.provisional)
    review = sum(1 for s in ranked if s.needs_review)
    notes = [t.plural("note_provisional", provisional)] if provisional else []
    return tuple(notes + ([t.plural("note_review", review)] if review else []))


def _figures(run: Run, t: Strings, scores: Sequence[int], settled: Sequence[int]) -> tuple[tuple[str, str], ...]:
    full = sum(1 for s in settled if s == run.max_score)
    return (
        (t("fig_assessed"), str(len(scores))),
        (t("fig_not_assessed"), str(len(run.sites) - len(scores))),
        (t("fig_mean"), t.number(mean(settled)) if settled else "\u2013"),
        (t("fig_full", max=run.max_score), str(full)),
        (t("fig_provisional"), str(sum(1 for s in run.sites if s.assessed and s.provisional))),
        (t("fig_review"), str(sum(1 for s in run.sites if s.assessed and s.needs_review))),
    )


def _histogram(t: Strings, scores: Sequence[int], max_score: int) -> Chart:
    counts = [sum(1 for s in scores if s == k) for k in range(max_score + 1)]
    bars = [charts.Bar(str(k), float(n), str(n)) for k, n in enumerate(counts)]
    title = t("chart_hist_title")
    desc = t("chart_hist_desc", max=max_score, total=len(scores))
    svg = charts.columns("chart-hist", title, desc, bars, t("col_score"))
    rows = tuple((str(k), str(n)) for k, n in enumerate(counts))
    return Chart("chart-hist", title, svg, (t("col_score"), t("col_count")), rows)


def _pass_rates(run: Run, t: Strings, ranked: Sequence[SiteResult]) -> Chart:
    bars, rows = [], []
    for c in run.criteria:
        outcomes = [o for s in ranked if (o := s.outcome(c.id)) is not None and o.settled]
        passed = sum(1 for o in outcomes if o.verdict is Verdict.PASS)
        share = passed / len(outcomes) if outcomes else 0.0
        bars.append(charts.Bar(c.short, share, t.percent(share)))
        rows.append((c.short, f"{passed} / {len(outcomes)}", t.percent(share)))
    title = t("chart_pass_title")
    svg = charts.horizontal_bars("chart-pass", title, t("chart_pass_desc"), bars, 1.0)
    headers = (t("col_criterion"), t("col_passed"), t("col_share"))
    return Chart("chart-pass", title, svg, headers, tuple(rows))


_COMPARABLE = 3  # a regional average of fewer settled municipalities is not compared


def _regions(run: Run, t: Strings) -> Chart:
    groups: dict[str, list[SiteResult]] = {}
    for site in run.sites:
        region = clean_text(site.municipality.region) or t("region_unknown")
        groups.setdefault(region, []).append(site)
    bars, rows = [], []
    for region in sorted(groups, key=str.casefold):
        assessed = [s for s in groups[region] if s.assessed]
        scores = [s.score or 0 for s in assessed if s.settled]
        average = mean(scores) if scores else 0.0
        shown = t.number(average) if scores else "\u2013"
        if scores and len(scores) < _COMPARABLE:
            shown = f"{shown} ({t('not_comparable')})"
        bars.append(charts.Bar(region, average if len(scores) >= _COMPARABLE else 0.0, f"{shown} (n={len(scores)})"))
        rows.append((region, shown, str(len(assessed)), str(len(groups[region]) - len(assessed))))
    title = t("chart_region_title")
    desc = t("chart_region_desc", max=run.max_score)
    svg = charts.horizontal_bars("chart-region", title, desc, bars, float(run.max_score))
    headers = (t("col_region"), t("col_mean"), t("col_assessed"), t("col_not_assessed"))
    return Chart("chart-region", title, svg, headers, tuple(rows))
