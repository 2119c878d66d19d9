"""What each desk page shows, built from results.json and the desk's files (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.criteria import Criteria
from audit.inquiries import COLUMNS as INQUIRY_FIELDS
from audit.messages import render
from audit.models import SiteResult, Verdict
from audit.municipalities import language_for
from audit.overrides import COLUMNS as OVERRIDE_FIELDS
from audit.phone_checks import COLUMNS as PHONE_FIELDS
from audit.report.i18n import Strings, strings_for
from audit.report.safety import clean_text
from audit.report.shot import Shot, build_shot, number_boxes
from audit.report.view import Link, Run, link, parse_run, parse_sites, site_name
from audit.text import find_terms

__all__ = ["INQUIRY_FIELDS", "OVERRIDE_FIELDS", "PHONE_FIELDS", "call_items", "names", "review_items"]


@dataclass(frozen=True)
class CallItem:
    id: str
    name: str
    region: str
    phone: str
    homepage: Link
    contact_page: Link | None
    question: str  # in the run's language
    local_question: str  # in the municipality's own language when that differs ("" otherwise)
    local_lang: str
    saved: dict[str, str] | None  # the phone check already entered, if any


@dataclass(frozen=True)
class EvidenceItem:
    text: str
    page: Link
    snippet: str


@dataclass(frozen=True)
class ReviewItem:
    id: str
    name: str
    criterion: str
    criterion_name: str
    verdict: str
    reason: str
    leaning: str
    awaiting_call: bool
    evidence: tuple[EvidenceItem, ...]
    shot: Shot | None
    page: str
    decided: dict[str, str] | None


def _sites(results: dict[str, Any]) -> tuple[SiteResult, ...]:
    return parse_sites(results)


def names(results: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, name) of every municipality, for the inquiry form."""
    return [(s.municipality.id, site_name(s)) for s in sorted(_sites(results), key=lambda s: site_name(s).casefold())]


def call_items(results: dict[str, Any], saved: list[dict[str, str]], criteria: Criteria, t: Strings) -> list[CallItem]:
    """Municipalities awaiting a phone check, with what to ask and the phone check already saved."""
    by_id = {row.get("municipality_id", ""): row for row in saved}
    contact_words = criteria.vocabulary.terms("contact_link")
    items = []
    for site in _sites(results):
        if not site.awaiting_phone_check:
            continue
        lang = language_for(site.municipality.country)
        contact = next((v for v in site.visited if v.depth == 1 and find_terms(v.via_text, contact_words)), None)
        items.append(
            CallItem(
                id=clean_text(site.municipality.id, 64),
                name=site_name(site),
                region=clean_text(site.municipality.region),
                phone=clean_text(site.municipality.switchboard_phone, 64),
                homepage=link(site.homepage_url or site.municipality.url),
                contact_page=link(contact.url) if contact else None,
                question=t("call_question"),
                local_question=strings_for(lang)("call_question") if lang != t.lang else "",
                local_lang=lang,
                saved=by_id.get(site.municipality.id),
            )
        )
    return items


def review_items(results: dict[str, Any], decided: list[dict[str, str]], run_dir: Path, t: Strings) -> list[ReviewItem]:
    """Every verdict that needs review or waits for a call, with its evidence and any decision."""
    by_key = {(r.get("municipality_id", ""), r.get("criterion", "")): r for r in decided}
    root = run_dir.resolve()
    run = parse_run(results, t)

    def exists(relative: str) -> bool:
        target = (root / relative).resolve()
        return target.is_relative_to(root) and target.is_file()

    items: list[ReviewItem] = []
    for site in run.sites:
        for outcome in site.outcomes:
            if outcome.verdict is not Verdict.NEEDS_REVIEW and not outcome.provisional:
                continue
            shot = _shot(site, run, t, exists)
            items.append(
                ReviewItem(
                    id=clean_text(site.municipality.id, 64),
                    name=site_name(site),
                    criterion=outcome.criterion,
                    criterion_name=t.get(f"crit_{outcome.criterion}", outcome.criterion),
                    verdict=outcome.verdict.value,
                    reason=clean_text(render(outcome.reason, t.lang)),
                    leaning=outcome.leaning.value if outcome.leaning else "",
                    awaiting_call=outcome.provisional and outcome.verdict is Verdict.FAIL,
                    evidence=tuple(
                        EvidenceItem(clean_text(ev.text, 300), link(ev.page_url or ev.url), clean_text(ev.snippet))
                        for ev in outcome.evidence
                    ),
                    shot=shot,
                    page=f"/run/municipalities/{site.municipality.id}.html",
                    decided=by_key.get((site.municipality.id, outcome.criterion)),
                )
            )
    return items


def _shot(site: SiteResult, run: Run, t: Strings, exists: Any) -> Shot | None:
    shot = build_shot(site, run, t, exists, number_boxes(site, run.viewport), site_name(site))
    if shot is None:
        return None
    # The report's pages link screenshots as ../snapshots/...; the desk serves them under /run/.
    return Shot(shot.src.replace("../", "/run/", 1), shot.alt, shot.width, shot.height, shot.boxes)
