"""View model of one municipality's page: verdicts, provenance, evidence, screenshot, advice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from audit.messages import known, render, word
from audit.models import Attempt, Box, CriterionOutcome, Evidence, SiteResult, Source, Verdict, reason
from audit.report.beside import BesideView, build_beside
from audit.report.compare import Change
from audit.report.i18n import Strings
from audit.report.safety import asset_href, clean_text
from audit.report.shot import BoxKey, Shot, box_key, build_shot, number_boxes, on_homepage
from audit.report.view import (
    ChangeView,
    Criterion,
    Fact,
    Mark,
    Run,
    change_view,
    format_time,
    link,
    mark_for,
    site_name,
)

_REGIONS = ("header", "nav", "main", "aside", "footer")


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence: labelled facts, the page excerpt, its box on the screenshot."""

    facts: tuple[Fact, ...]
    snippet: str
    box_note: str


@dataclass(frozen=True)
class CriterionView:
    """One criterion on a municipality page, with its provenance, evidence and advice."""

    number: int
    id: str
    short: str
    question: str
    mark: Mark
    reason: str
    source: str
    provenance: tuple[Fact, ...]
    evidence: tuple[EvidenceView, ...]
    advice: str


@dataclass(frozen=True)
class MunicipalityPage:
    """Everything a municipality page shows."""

    id: str
    name: str
    assessed: bool
    facts: tuple[Fact, ...]
    notes: tuple[str, ...]
    shot: Shot | None
    criteria: tuple[CriterionView, ...]
    change: ChangeView | None
    attempts: tuple[tuple[str, ...], ...]  # started, finished, result, requests
    visited: tuple[tuple[str, str, str, str], ...]  # depth, title, link text, address
    beside: BesideView | None = None


def build_page(
    site: SiteResult,
    run: Run,
    t: Strings,
    exists: Callable[[str], bool],
    change: Change | None,
) -> MunicipalityPage:
    """The page of ``site``. ``exists(path)`` says whether a run-folder file is there, so a
    missing screenshot is reported in words instead of a broken image."""
    boxes = number_boxes(site, run.viewport)
    name = site_name(site)
    context = _Context(site, t, boxes, run.viewport, exists)
    return MunicipalityPage(
        id=clean_text(site.municipality.id, 64),
        name=name,
        assessed=site.assessed,
        facts=_facts(site, run, t),
        notes=_notes(site, t),
        shot=build_shot(site, run, t, exists, boxes, name),
        criteria=tuple(_criterion(context, i, c) for i, c in enumerate(run.criteria, start=1)) if site.assessed else (),
        change=change_view(change, run.criteria, t) if change is not None else None,
        attempts=tuple(_attempt(a, t) for a in site.attempts),
        visited=tuple(
            (_depth(v.depth, t), clean_text(v.title, 160) or t("none"), clean_text(v.via_text, 120), clean_text(v.url))
            for v in site.visited
        ),
        beside=build_beside(site, t),
    )


@dataclass(frozen=True)
class _Context:
    """What every criterion of one page needs: the site, strings, box numbers, screen, files."""

    site: SiteResult
    t: Strings
    numbers: Mapping[BoxKey, int]
    screen: tuple[int, int]
    exists: Callable[[str], bool]


def _attempt(a: Attempt, t: Strings) -> tuple[str, ...]:
    result = word(f"status.{a.status.value}", t.lang)
    if a.reason is not None:
        result = f"{result}: {clean_text(render(a.reason, t.lang))}"
    return (format_time(a.started_at) or t("none"), format_time(a.finished_at) or t("none"), result, str(a.requests))


def _facts(site: SiteResult, run: Run, t: Strings) -> tuple[Fact, ...]:
    muni = site.municipality
    home, final = link(site.homepage_url or muni.url), link(site.final_url)
    facts = [
        Fact(t("col_region"), clean_text(muni.region) or t("region_unknown")),
        Fact(t("muni_country"), clean_text(muni.country, 64) or t("none")),
        Fact(t("muni_homepage"), home.text or t("none"), home.href),
    ]
    if final.text and final.text != home.text:
        facts.append(Fact(t("muni_final_url"), final.text, final.href))
    if not site.assessed:
        status = site.status.value
        detail = render(site.reason, t.lang) if site.reason else site.detail
        facts += [
            Fact(t("col_status"), word(f"status.{status}", t.lang)),
            Fact(t("col_reason"), clean_text(detail) or t("none")),
            Fact(t("col_todo"), word(f"fix.{status}", t.lang)),
        ]
        return tuple(facts)
    if site.awaiting_phone_check:
        facts.append(Fact(t("col_phone"), clean_text(muni.switchboard_phone, 64) or t("no_phone")))
    ranked = run.assessed_count
    label = run.rank_labels.get(site.municipality.id, "\u2013")
    rank_text = t("rank_of", rank=label, count=ranked)
    if site.rank_best is not None and site.rank_worst is not None and site.rank_best != site.rank_worst:
        rank_text = f"{rank_text} ({t('rank_range', best=site.rank_best, worst=site.rank_worst)})"
    facts.insert(0, Fact(t("muni_rank"), rank_text))
    facts.insert(0, Fact(t("col_score"), t("score_of", score=site.score or 0, max=run.max_score)))
    return tuple(facts)


def _notes(site: SiteResult, t: Strings) -> tuple[str, ...]:
    if not site.assessed:
        return (t("muni_not_assessed"),)
    notes = [t("muni_provisional")] if site.provisional else []
    notes += [t("muni_review")] if site.needs_review else []
    return tuple(notes)


def _criterion(ctx: _Context, number: int, criterion: Criterion) -> CriterionView:
    t = ctx.t
    outcome = ctx.site.outcome(criterion.id)
    mark = mark_for(outcome, t)
    return CriterionView(
        number=number,
        id=criterion.id,
        short=criterion.short,
        question=criterion.question,
        mark=mark,
        reason=clean_text(_reason_text(outcome, t.lang)) if outcome else t("none"),
        source=_source(outcome, t),
        provenance=_provenance(outcome, t) if outcome else (),
        evidence=tuple(_evidence(ctx, ev) for ev in outcome.evidence) if outcome else (),
        advice=_advice(outcome, criterion, t.lang) if outcome and outcome.verdict is Verdict.FAIL else "",
    )


def _advice(outcome: CriterionOutcome, criterion: Criterion, lang: str) -> str:
    """The criterion's advice, or the advice for the very obstacle that failed it: an entry in
    the header covered by a pop-up needs the pop-up moved, not the entry."""
    why = outcome.reason.params.get("why")
    if isinstance(why, dict) and known(f"advice.{why.get('code')}"):
        return clean_text(render({"code": f"advice.{why['code']}", "params": why.get("params") or {}}, lang))
    return criterion.advice


def _reason_text(outcome: CriterionOutcome, lang: str) -> str:
    """The reason, and for a verdict that needs review, why it was not trusted."""
    text = render(outcome.reason, lang)
    if outcome.doubt is not None:
        text = f"{text} {render(reason('doubt', why=outcome.doubt.nested()), lang)}"
    return text


def _source(outcome: CriterionOutcome | None, t: Strings) -> str:
    if outcome is None:
        return t("none")
    if outcome.provisional and outcome.verdict is not Verdict.PASS:
        return t("source_awaiting")
    return t(f"source_{outcome.source.value}")


def _provenance(outcome: CriterionOutcome, t: Strings) -> tuple[Fact, ...]:
    facts: list[Fact] = []
    call = outcome.phone_check
    if call is not None:
        person = ", ".join(p for p in (clean_text(call.person_name), clean_text(call.role)) if p)
        answer = t("phone_named", person=person or t("none")) if call.responsible_person_named else t("phone_not_named")
        facts += [
            Fact(t("phone_date"), clean_text(call.checked_on, 64) or t("none")),
            Fact(t("phone_caller"), clean_text(call.caller) or t("none")),
            Fact(t("phone_answer"), answer),
        ]
        facts += [Fact(t("phone_notes"), clean_text(call.notes))] if call.notes else []
    override = outcome.override
    if override is not None:
        facts += [
            Fact(t("override_who"), clean_text(override.who) or t("none")),
            Fact(t("override_when"), clean_text(override.when, 64) or t("none")),
            Fact(t("override_why"), clean_text(override.why) or t("none")),
        ]
    if outcome.source is not Source.AUTOMATIC and outcome.automatic_verdict is not None:
        was = t(f"verdict_{outcome.automatic_verdict.value}")
        facts.append(Fact(t("automatic_was"), was))
    return tuple(facts)


def _evidence(ctx: _Context, ev: Evidence) -> EvidenceView:
    t = ctx.t
    target = link(ev.url)
    facts = [Fact(t("ev_url"), target.text, target.href)] if target.text else []
    on_page = link(ev.page_url)
    if on_page.text and on_page.text != target.text:
        facts.append(Fact(t("ev_on_page"), on_page.text, on_page.href))
    if ev.text:
        facts.append(Fact(t("ev_text"), "\u201c" + clean_text(ev.text) + "\u201d"))
    if ev.region or ev.box is not None:
        facts.append(Fact(t("ev_region"), _region(ev.region, t)))
    if ev.selector:
        facts.append(Fact(t("ev_selector"), clean_text(ev.selector, 200)))
    if ev.box is not None:
        facts.append(Fact(t("ev_position"), _position(ev.box, t, ctx.screen)))
    facts.append(Fact(t("ev_depth"), _depth(ev.depth, t)))
    facts += _words(ev, t)
    full = asset_href(ev.full_screenshot, "../") if ev.full_screenshot and ctx.exists(ev.full_screenshot) else None
    if full is not None:
        facts.append(Fact(t("ev_full_shot"), t("ev_full_shot_link"), full))
    number = ctx.numbers.get(box_key(ev.box)) if ev.box and on_homepage(ctx.site, ev) else None
    note = t("ev_box", n=number) if number is not None else ""
    return EvidenceView(tuple(facts), clean_text(ev.snippet), note)


def _words(ev: Evidence, t: Strings) -> list[Fact]:
    facts = [Fact(t("ev_matched"), ", ".join(clean_text(m, 80) for m in ev.matched))] if ev.matched else []
    if ev.note:
        facts.append(Fact(t("ev_note"), clean_text(render(ev.note, t.lang))))
    if ev.phone:
        facts.append(Fact(t("ev_phone"), clean_text(render(ev.phone, t.lang))))
    return facts


def _region(region: str, t: Strings) -> str:
    return t(f"region_{region}") if region in _REGIONS else (clean_text(region) or t("region_body"))


def _position(box: Box, t: Strings, screen: tuple[int, int]) -> str:
    """Where the element is, in words first ("below the first screen, 1222 pixels down"), then pixels."""
    pixels = t("position", x=round(box.x), y=round(box.y), w=round(box.width), h=round(box.height))
    if box.y >= screen[1]:
        words = t("pos_below", y=round(box.y))
    elif box.x + box.width <= 0 or box.x >= screen[0]:
        words = t("pos_beside")
    elif box.y + box.height > screen[1]:
        words = t("pos_fold", y=round(box.y))
    else:
        words = t("pos_in_first", y=round(box.y))
    return f"{words}; {pixels}"


def _depth(depth: int, t: Strings) -> str:
    if depth <= 0:
        return t("depth_home")
    return t("depth_one") if depth == 1 else t("depth_many", n=depth)
