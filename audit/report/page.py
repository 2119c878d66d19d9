"""View model of one municipality's page: verdicts, provenance, evidence, screenshot, advice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from audit.models import Box, CriterionOutcome, Evidence, SiteResult, Source, Verdict
from audit.report.compare import Change
from audit.report.i18n import Strings
from audit.report.safety import asset_href, clean_text
from audit.report.view import (
    ChangeView,
    Criterion,
    Link,
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
class Fact:
    """A labelled value; ``href`` turns the value into a link (already checked to be safe)."""

    label: str
    value: str
    href: str | None = None


@dataclass(frozen=True)
class ShotBox:
    """An outline over the screenshot, in percent of the screen so it scales with the image."""

    number: int
    x: str
    y: str
    width: str
    height: str
    label_y: str
    label_dy: str
    caption: str


@dataclass(frozen=True)
class Shot:
    src: str
    alt: str
    width: int
    height: int
    boxes: tuple[ShotBox, ...]


@dataclass(frozen=True)
class EvidenceView:
    facts: tuple[Fact, ...]
    snippet: str
    box_note: str


@dataclass(frozen=True)
class CriterionView:
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
    boxes = _number_boxes(site)
    name = site_name(site)
    return MunicipalityPage(
        id=clean_text(site.municipality.id, 64),
        name=name,
        assessed=site.assessed,
        facts=_facts(site, run, t),
        notes=_notes(site, t),
        shot=_shot(site, run, t, exists, boxes, name),
        criteria=tuple(_criterion(site, c, t, boxes, run.viewport) for c in run.criteria) if site.assessed else (),
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
        facts += [
            Fact(t("col_status"), t(f"status_{status}")),
            Fact(t("col_reason"), clean_text(site.detail) or t("none")),
            Fact(t("col_todo"), t(f"hint_{status}")),
        ]
        return tuple(facts)
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


def _box_key(box: Box) -> tuple[int, int, int, int]:
    return (round(box.x), round(box.y), round(box.width), round(box.height))


def _on_homepage(site: SiteResult, ev: Evidence) -> bool:
    # A box is in pixels of the screen its screenshot shows; draw it only over the homepage's.
    if ev.box is None:
        return False
    return ev.screenshot == site.screenshot if ev.screenshot else ev.depth == 0


def _number_boxes(site: SiteResult) -> dict[tuple[int, int, int, int], int]:
    """Number the distinct evidence boxes 1, 2, ... in criterion order (one number per element)."""
    numbers: dict[tuple[int, int, int, int], int] = {}
    for outcome in site.outcomes:
        for ev in outcome.evidence:
            if ev.box is not None and _on_homepage(site, ev):
                numbers.setdefault(_box_key(ev.box), len(numbers) + 1)
    return numbers


def _shot(
    site: SiteResult,
    run: Run,
    t: Strings,
    exists: Callable[[str], bool],
    numbers: Mapping[tuple[int, int, int, int], int],
    name: str,
) -> Shot | None:
    src = asset_href(site.screenshot, "../")
    if src is None or not exists(site.screenshot):
        return None
    width, height = run.viewport
    boxes: list[ShotBox] = []
    captions = _box_captions(site, t)
    for key, number in numbers.items():
        box = _scaled(key, number, (width, height), captions.get(key, ""), t)
        if box is not None:
            boxes.append(box)
    alt = t("screenshot_alt", name=name, width=width, height=height)
    return Shot(src, alt, width, height, tuple(boxes))


def _box_captions(site: SiteResult, t: Strings) -> dict[tuple[int, int, int, int], str]:
    """Each box's text: the element's words and the criteria it is evidence for."""
    texts: dict[tuple[int, int, int, int], str] = {}
    crits: dict[tuple[int, int, int, int], list[str]] = {}
    for outcome in site.outcomes:
        for ev in outcome.evidence:
            if ev.box is None or not _on_homepage(site, ev):
                continue
            key = _box_key(ev.box)
            texts.setdefault(key, clean_text(ev.text, 120))
            names = crits.setdefault(key, [])
            short = t.get(f"crit_{outcome.criterion}", clean_text(outcome.criterion, 64))
            if short not in names:
                names.append(short)
    return {k: t("box_caption", text=texts[k] or "\u2013", criteria=", ".join(v))
            for k, v in crits.items()}


def _scaled(
    key: tuple[int, int, int, int], number: int, screen: tuple[int, int], caption: str, t: Strings
) -> ShotBox | None:
    x, y, w, h = key
    sw, sh = screen
    # Clip to the first screen; a box entirely outside it cannot be drawn on the screenshot.
    left, top = max(x, 0), max(y, 0)
    right, bottom = min(x + w, sw), min(y + h, sh)
    if right <= left or bottom <= top:
        return None
    below = top < 18  # no room above the box for its number: put the number under it

    def pct(value: float, whole: int) -> str:
        return f"{100 * value / whole:.3f}%"

    return ShotBox(
        number=number,
        x=pct(left, sw),
        y=pct(top, sh),
        width=pct(right - left, sw),
        height=pct(bottom - top, sh),
        label_y=pct(bottom if below else top, sh),
        label_dy="16" if below else "-5",
        caption=t("box_item", n=number, caption=caption),
    )


def _criterion(
    site: SiteResult,
    criterion: Criterion,
    t: Strings,
    numbers: Mapping[tuple[int, int, int, int], int],
    screen: tuple[int, int],
) -> CriterionView:
    outcome = site.outcome(criterion.id)
    mark = mark_for(outcome, t)
    return CriterionView(
        id=criterion.id,
        short=criterion.short,
        question=criterion.question,
        mark=mark,
        reason=clean_text(outcome.reason) if outcome else t("none"),
        source=_source(outcome, t),
        provenance=_provenance(outcome, t) if outcome else (),
        evidence=tuple(_evidence(site, ev, t, numbers, screen) for ev in outcome.evidence)
        if outcome
        else (),
        advice=criterion.advice if outcome and outcome.verdict is Verdict.FAIL else "",
    )


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
        answer = (
            t("phone_named", person=person or t("none"))
            if call.responsible_person_named
            else t("phone_not_named")
        )
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
    numbers: Mapping[tuple[int, int, int, int], int],
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
        facts.append(Fact(t("ev_note"), clean_text(ev.note)))
    number = numbers.get(_box_key(ev.box)) if ev.box and _on_homepage(site, ev) else None
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
