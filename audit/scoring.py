"""Stage 5: merge automatic verdicts, phone checks and overrides; score and rank (pure).

How each verdict counts, in one place:
- pass counts its weight; fail, needs review and "awaiting a phone check" count 0;
- a site that could not be assessed gets no score and no rank (never a 0);
- without an entry, the criteria that depend on it are 0 (the rubric's dependency rule);
- ``responsible_person``: a pass on the site stands; otherwise the phone check decides; with no
  phone check the verdict is provisional and the municipality goes on the call list;
- an override replaces the verdict and records who, when and why.
Ranks use standard competition ranking (1, 2, 2, 4) over assessed sites only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from audit.beside import run_beside
from audit.criteria import Criteria
from audit.models import (
    CheckResult,
    CrawlFailure,
    CriterionOutcome,
    Override,
    PhoneCheck,
    SiteResult,
    SiteSnapshot,
    SiteStatus,
    Source,
    Verdict,
    Visit,
    reason,
)

PHONE_CRITERION = "responsible_person"


def _apply_dependencies(
    checks: dict[str, CheckResult], criteria: Criteria, overrides: Mapping[str, Override]
) -> dict[str, CheckResult]:
    out = dict(checks)
    for parent, dependants in criteria.dependencies.items():
        # The rule follows the final verdict on the entry, so an override of the entry counts too.
        parent_verdict = overrides[parent].verdict if parent in overrides else out[parent].verdict
        if parent_verdict is Verdict.FAIL:
            for cid in dependants:
                if out[cid].verdict is not Verdict.FAIL:
                    out[cid] = CheckResult(
                        Verdict.FAIL, reason("dependency.no_entry", check=out[cid].reason.nested()), out[cid].evidence
                    )
    return out


def _merge_phone(result: CheckResult, phone: PhoneCheck | None) -> CriterionOutcome:
    base = CriterionOutcome(
        PHONE_CRITERION,
        result.verdict,
        result.reason,
        evidence=result.evidence,
        automatic_verdict=result.verdict,
        phone_check=phone,
        leaning=result.leaning,
        doubt=result.doubt,
    )
    if result.verdict is Verdict.PASS:
        return base
    if phone is not None and phone.responsible_person_named:
        who = f"{phone.person_name} ({phone.role})" if phone.role else phone.person_name
        named = reason("phone.named", date=phone.checked_on, who=who)
        return dataclasses.replace(base, verdict=Verdict.PASS, reason=named, source=Source.PHONE_CHECK)
    if phone is not None:
        nobody = reason("phone.nobody", date=phone.checked_on)
        return dataclasses.replace(base, verdict=Verdict.FAIL, reason=nobody, source=Source.PHONE_CHECK)
    if result.verdict is Verdict.NEEDS_REVIEW:
        return dataclasses.replace(base, provisional=True)
    awaiting = reason("phone.awaiting", check=result.reason.nested())
    return dataclasses.replace(base, verdict=Verdict.FAIL, reason=awaiting, provisional=True)


def _apply_override(outcome: CriterionOutcome, override: Override | None) -> CriterionOutcome:
    if override is None:
        return outcome
    return CriterionOutcome(
        criterion=outcome.criterion,
        verdict=override.verdict,
        reason=reason("override", who=override.who, when=override.when, why=override.why),
        source=Source.OVERRIDE,
        evidence=outcome.evidence,
        provisional=False,
        automatic_verdict=outcome.automatic_verdict or outcome.verdict,
        phone_check=outcome.phone_check,
        override=override,
    )


def score_site(
    site: SiteSnapshot,
    checks: dict[str, CheckResult],
    criteria: Criteria,
    phone: PhoneCheck | None = None,
    overrides: Mapping[str, Override] | None = None,
) -> SiteResult:
    """One assessed site's outcomes and score (rank is set by :func:`rank`)."""
    outcomes = _outcomes(checks, criteria, phone, overrides or {})
    score = sum(c.weight for c, o in zip(criteria.criteria, outcomes, strict=True) if o.verdict is Verdict.PASS)
    low, high = score_bounds(outcomes, criteria)
    home = site.homepage
    return SiteResult(
        municipality=site.municipality,
        status=SiteStatus.OK,
        outcomes=tuple(outcomes),
        score=score,
        score_min=low,
        score_max=high,
        provisional=any(o.provisional for o in outcomes),
        needs_review=any(o.verdict is Verdict.NEEDS_REVIEW for o in outcomes),
        awaiting_phone_check=any(o.provisional and o.criterion == PHONE_CRITERION for o in outcomes),
        homepage_url=site.municipality.url,
        final_url=home.final_url,
        crawled_at=site.started_at,
        visited=tuple(Visit(p.final_url, p.title, p.depth, p.via_text, p.status) for p in site.pages),
        screenshot=home.screenshot,
        flags=site.flags + home.flags + (("consent_closed",) if home.consent and home.consent.closed else ()),
        beside=beside_outcomes(site, checks, criteria),
        wcag=tuple(p.wcag for p in site.pages if p.wcag is not None),
    )


def beside_outcomes(
    site: SiteSnapshot, checks: Mapping[str, CheckResult], criteria: Criteria
) -> tuple[CriterionOutcome, ...]:
    """The informational checks beside the score, as outcomes of their own (never weighted)."""
    found = run_beside(site, checks, criteria)
    return tuple(CriterionOutcome(name, r.verdict, r.reason, evidence=r.evidence) for name, r in found.items())


def _outcomes(
    checks: dict[str, CheckResult], criteria: Criteria, phone: PhoneCheck | None, overrides: Mapping[str, Override]
) -> list[CriterionOutcome]:
    """The final outcome per criterion: dependencies, then the phone check, then overrides."""
    checks = _apply_dependencies(checks, criteria, overrides)
    outcomes = []
    for c in criteria.criteria:
        result = checks[c.id]
        if c.id == PHONE_CRITERION:
            outcome = _merge_phone(result, phone)
        else:
            outcome = CriterionOutcome(
                c.id,
                result.verdict,
                result.reason,
                evidence=result.evidence,
                automatic_verdict=result.verdict,
                leaning=result.leaning,
                doubt=result.doubt,
            )
        outcomes.append(_apply_override(outcome, overrides.get(c.id)))
    return outcomes


def score_bounds(outcomes: Sequence[CriterionOutcome], criteria: Criteria) -> tuple[int, int]:
    """The lowest and highest score the outcomes can still give once every pending phone check
    and review is settled. A pending verdict may become a pass; under an entry that needs review,
    a dependant's pass may still become 0 (the dependency rule)."""
    by_id = {o.criterion: o for o in outcomes}
    unsure_parents = {p for p in criteria.dependencies if p in by_id and not by_id[p].settled}
    under_unsure = {d for p in unsure_parents for d in criteria.dependencies[p]}
    low = high = 0
    for c in criteria.criteria:
        o = by_id.get(c.id)
        if o is None:
            continue
        if o.verdict is Verdict.PASS and o.settled and c.id not in under_unsure:
            low += c.weight
        if o.verdict is Verdict.PASS or not o.settled:
            high += c.weight
    return low, high


def not_assessed(failure: CrawlFailure, criteria: Criteria) -> SiteResult:
    why = failure.reason or reason("failure.unknown", detail=failure.detail)
    outcomes = tuple(
        CriterionOutcome(
            c.id, Verdict.NOT_ASSESSED, reason("not_assessed", status={"word": f"status.{failure.status.value}"})
        )
        for c in criteria.criteria
    )
    return SiteResult(
        municipality=failure.municipality,
        status=failure.status,
        detail=failure.detail,
        outcomes=outcomes,
        reason=why,
        homepage_url=failure.url or failure.municipality.url,
        final_url=failure.final_url,
        crawled_at=failure.started_at,
        attempts=failure.history,
    )


def rank(results: Sequence[SiteResult]) -> list[SiteResult]:
    """Assign competition ranks (1, 2, 2, 4) to assessed results, and the best and worst rank each
    can still reach while verdicts are pending; keep the input order."""
    scored = [r for r in results if r.assessed and r.score is not None]
    first_at: dict[int, int] = {}
    for position, score in enumerate(sorted((r.score or 0 for r in scored), reverse=True), start=1):
        first_at.setdefault(score, position)
    bounds = {id(r): _bounds(r) for r in scored}
    out = []
    for r in results:
        if id(r) not in bounds:
            out.append(r)
            continue
        low, high = bounds[id(r)]
        # Best: this site at its highest, every other at its lowest; worst: the reverse.
        best = 1 + sum(1 for o in scored if o is not r and bounds[id(o)][0] > high)
        worst = 1 + sum(1 for o in scored if o is not r and bounds[id(o)][1] > low)
        ranked = dataclasses.replace(r, rank=first_at[r.score or 0], rank_best=best, rank_worst=worst)
        out.append(dataclasses.replace(ranked, score_min=low, score_max=high))
    return out


def _bounds(result: SiteResult) -> tuple[int, int]:
    score = result.score or 0
    low = result.score_min if result.score_min is not None else score
    high = result.score_max if result.score_max is not None else score
    return low, high


def ranked_order(results: Sequence[SiteResult]) -> list[SiteResult]:
    """Assessed results by rank then name; not-assessed after them by id."""
    assessed = sorted((r for r in results if r.rank is not None), key=lambda r: (r.rank or 0, r.municipality.name))
    rest = sorted((r for r in results if r.rank is None), key=lambda r: r.municipality.id)
    return assessed + rest
