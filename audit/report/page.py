"""View model of one municipality's page: verdicts, provenance, evidence, screenshot, advice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from audit.messages import render, word
from audit.models import Box, CriterionOutcome, Evidence, SiteResult, Source, Verdict, reason
from audit.report.compare import Change
from audit.report.i18n import Strings
from audit.report.safety import clean_text
from audit.report.shot import BoxKey, Shot, box_key, build_shot, number_boxes, on_homepage
from audit.report.view import (
    ChangeView,
    Criterion,
    Fact,
    Mark,
    Run,
    change_view,
    link,
    mark_for,
    rank_labels,
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


def build_page(
    site: SiteResult,
    run: Run,
    t: Strings,
    exists: Callable[[str], bool],
    change: Change | None,
) -> MunicipalityPage:
    """The page of ``site``. ``exists(path)`` says whether a run-folder file is there, so a
    missing screenshot is reported in words instead of a broken image."""
    boxes = number_boxes(site)
    name = site_name(site)
    return MunicipalityPage(
        id=clean_text(site.municipality.id, 64),
        name=name,
        assessed=site.assessed,
        facts=_facts(site, run, t),
        notes=_notes(site, t),
        shot=build_shot(site, run, t, exists, boxes, name),
        criteria=tuple(_criterion(site, i, c, t, boxes, run.viewport) for i, c in enumerate(run.criteria, start=1))
        if site.assessed
        else (),
        change=change_view(change, run.criteria, t) if change is not None else None,
    )


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
    ranked = sum(1 for s in run.sites if s.assessed)
    label = rank_labels(run.sites).get(site.municipality.id, "\u2013")
    facts.insert(0, Fact(t("muni_rank"), t("rank_of", rank=label, count=ranked)))
    facts.insert(0, Fact(t("col_score"), t("score_of", score=site.score or 0, max=run.max_score)))
    return tuple(facts)


def _notes(site: SiteResult, t: Strings) -> tuple[str, ...]:
    if not site.assessed:
        return (t("muni_not_assessed"),)
    notes = [t("muni_provisional")] if site.provisional else []
    notes += [t("muni_review")] if site.needs_review else []
    return tuple(notes)


def _criterion(
    site: SiteResult,
    number: int,
    criterion: Criterion,
    t: Strings,
    numbers: Mapping[BoxKey, int],
    screen: tuple[int, int],
) -> CriterionView:
    outcome = site.outcome(criterion.id)
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
        evidence=tuple(_evidence(site, ev, t, numbers, screen) for ev in outcome.evidence) if outcome else (),
        advice=criterion.advice if outcome and outcome.verdict is Verdict.FAIL else "",
    )


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


def _evidence(
    site: SiteResult,
    ev: Evidence,
    t: Strings,
    numbers: Mapping[BoxKey, int],
    screen: tuple[int, int],
) -> EvidenceView:
    page = link(ev.url)
    facts = [Fact(t("ev_url"), page.text, page.href)] if page.text else []
    if ev.text:
        facts.append(Fact(t("ev_text"), "\u201c" + clean_text(ev.text) + "\u201d"))
    if ev.region or ev.box is not None:
        facts.append(Fact(t("ev_region"), _region(ev.region, t)))
    if ev.box is not None:
        facts.append(Fact(t("ev_position"), _position(ev.box, t, screen)))
    facts.append(Fact(t("ev_depth"), _depth(ev.depth, t)))
    if ev.matched:
        facts.append(Fact(t("ev_matched"), ", ".join(clean_text(m, 80) for m in ev.matched)))
    if ev.note:
        facts.append(Fact(t("ev_note"), clean_text(render(ev.note, t.lang))))
    if ev.phone:
        facts.append(Fact(t("ev_phone"), clean_text(render(ev.phone, t.lang))))
    number = numbers.get(box_key(ev.box)) if ev.box and on_homepage(site, ev) else None
    note = t("ev_box", n=number) if number is not None else ""
    return EvidenceView(tuple(facts), clean_text(ev.snippet), note)


def _region(region: str, t: Strings) -> str:
    return t(f"region_{region}") if region in _REGIONS else (clean_text(region) or t("region_body"))


def _position(box: Box, t: Strings, screen: tuple[int, int]) -> str:
    where = t("position", x=round(box.x), y=round(box.y), w=round(box.width), h=round(box.height))
    inside = box.x >= 0 and box.y >= 0 and box.x + box.width <= screen[0]
    inside = inside and box.y + box.height <= screen[1]
    return f"{where} ({t('in_first_screen') if inside else t('outside_first_screen')})"


def _depth(depth: int, t: Strings) -> str:
    if depth <= 0:
        return t("depth_home")
    return t("depth_one") if depth == 1 else t("depth_many", n=depth)
