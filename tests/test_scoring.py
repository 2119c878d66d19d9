"""Merging verdicts, phone checks and overrides; scores and competition ranks."""

from __future__ import annotations

import dataclasses

import pytest

from audit.criteria import Criteria, default_criteria_path, load_criteria
from audit.messages import render
from audit.models import (
    CheckResult,
    ConsentAction,
    CrawlFailure,
    CriterionOutcome,
    Evidence,
    Municipality,
    Override,
    PageSnapshot,
    PhoneCheck,
    SiteResult,
    SiteSnapshot,
    SiteStatus,
    Source,
    Verdict,
    reason,
)
from audit.scoring import not_assessed, rank, ranked_order, score_site

P, F, R = Verdict.PASS, Verdict.FAIL, Verdict.NEEDS_REVIEW
IDS = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")
DEPENDANTS = ("on_front_page", "easy_to_find", "explains_help")


@pytest.fixture(scope="module")
def criteria() -> Criteria:
    return load_criteria(default_criteria_path())


def _muni(mid: str = "0114", name: str = "Upplands Väsby") -> Municipality:
    return Municipality(mid, name, "SE", "Stockholm", f"https://{mid}.example/")


def _site(mid: str = "0114", name: str = "Upplands Väsby", consent_closed: bool = False) -> SiteSnapshot:
    muni = _muni(mid, name)
    home = PageSnapshot(
        url=muni.url,
        final_url=muni.url + "start",
        depth=0,
        status=200,
        title="Start",
        screenshot=f"snapshots/{mid}/page-0.png",
        consent=ConsentAction(found=True, clicked="Avvisa", closed=consent_closed),
    )
    return SiteSnapshot(muni, (home,), "2025-01-01T10:00:00+00:00", "2025-01-01T10:00:09+00:00", flags=("slow",))


def _checks(*verdicts: Verdict) -> dict[str, CheckResult]:
    assert len(verdicts) == 5
    return {
        cid: CheckResult(
            v, reason("text", text=f"{cid} check said {v.value}"), (Evidence(url=f"https://x.example/{cid}", text=cid),)
        )
        for cid, v in zip(IDS, verdicts, strict=True)
    }


def _phone(named: bool) -> PhoneCheck:
    return PhoneCheck("0114", "2025-02-03", named, "Karin Lund" if named else "", "enhetschef" if named else "", "Per")


def _result(score: int | None, mid: str, name: str = "") -> SiteResult:
    status = SiteStatus.OK if score is not None else SiteStatus.DNS_ERROR
    return SiteResult(_muni(mid, name or mid), status, score=score)


# --- ranking ----------------------------------------------------------------------------------


def test_competition_ranking() -> None:
    results = [_result(4, "b"), _result(5, "a"), _result(3, "d"), _result(4, "c")]
    ranked = rank(results)
    assert [(r.municipality.id, r.rank) for r in ranked] == [("b", 2), ("a", 1), ("d", 4), ("c", 2)]
    assert [r.score for r in ranked] == [4, 5, 3, 4]


def test_all_equal_scores_share_rank_one() -> None:
    assert [r.rank for r in rank([_result(2, "a"), _result(2, "b"), _result(2, "c")])] == [1, 1, 1]


def test_zero_is_a_score_and_is_ranked() -> None:
    assert [r.rank for r in rank([_result(0, "a"), _result(1, "b")])] == [2, 1]


def test_not_assessed_keep_no_score_and_no_rank_and_sort_last() -> None:
    results = [
        _result(None, "z9"),
        _result(1, "b", "Bro"),
        _result(None, "a1"),
        _result(3, "c", "Cala"),
        _result(1, "d", "Dal"),
    ]
    ranked = rank(results)
    assert [(r.municipality.id, r.score, r.rank) for r in ranked] == [
        ("z9", None, None),
        ("b", 1, 2),
        ("a1", None, None),
        ("c", 3, 1),
        ("d", 1, 2),
    ]
    assert [r.municipality.id for r in ranked_order(ranked)] == ["c", "b", "d", "a1", "z9"]


def test_not_assessed_result_from_a_failure(criteria: Criteria) -> None:
    failure = CrawlFailure(
        _muni(),
        SiteStatus.TLS_ERROR,
        "certificate expired",
        url="https://0114.example/",
        final_url="https://0114.example/",
        http_status=None,
    )
    result = not_assessed(failure, criteria)
    assert result.status is SiteStatus.TLS_ERROR and not result.assessed
    assert result.score is None and result.rank is None
    assert result.detail == "certificate expired"
    assert [o.criterion for o in result.outcomes] == list(IDS)
    assert all(o.verdict is Verdict.NOT_ASSESSED and o.value is None for o in result.outcomes)
    [ranked] = rank([result])
    assert ranked.rank is None and ranked.score is None


# --- one site: dependencies, phone checks, overrides ------------------------------------------


def test_all_pass_scores_five(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, P, P, P), criteria)
    assert result.score == 5 and result.status is SiteStatus.OK and result.rank is None
    assert [o.criterion for o in result.outcomes] == list(IDS)
    assert all(o.source is Source.AUTOMATIC and o.automatic_verdict is P and not o.provisional for o in result.outcomes)
    assert not result.provisional and not result.needs_review and not result.awaiting_phone_check
    assert result.homepage_url == "https://0114.example/" and result.final_url == "https://0114.example/start"
    assert result.screenshot == "snapshots/0114/page-0.png"
    assert result.outcome("explains_help").evidence[0].url == "https://x.example/explains_help"  # type: ignore[union-attr]


def test_consent_closed_is_flagged(criteria: Criteria) -> None:
    assert score_site(_site(consent_closed=True), _checks(P, P, P, P, P), criteria).flags == ("slow", "consent_closed")
    assert score_site(_site(), _checks(P, P, P, P, P), criteria).flags == ("slow",)


def test_no_entry_forces_dependants_to_fail(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(F, P, R, P, P), criteria)
    for cid in DEPENDANTS:
        outcome = result.outcome(cid)
        assert outcome is not None and outcome.verdict is F
        assert "dependency rule" in render(outcome.reason)
        assert f"{cid} check said" in render(outcome.reason)  # the check's own reason is kept
        assert outcome.evidence[0].text == cid
    rp = result.outcome("responsible_person")
    assert rp is not None and rp.verdict is P
    assert result.score == 1
    assert not result.needs_review  # the review on easy_to_find is moot without an entry


def test_no_entry_responsible_person_can_still_pass_by_phone(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(F, F, F, F, F), criteria, phone=_phone(True))
    rp = result.outcome("responsible_person")
    assert rp is not None and rp.verdict is P and rp.source is Source.PHONE_CHECK
    assert result.score == 1


def test_dependency_rule_leaves_dependants_alone_when_entry_passes(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, F, P, F), criteria, phone=_phone(False))
    assert [o.verdict for o in result.outcomes] == [P, P, F, P, F]
    assert "dependency" not in render(result.outcome("easy_to_find").reason)  # type: ignore[union-attr]


def test_site_pass_on_responsible_person_stands(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, P, P, P), criteria, phone=_phone(False))
    rp = result.outcome("responsible_person")
    assert rp is not None
    assert (rp.verdict, rp.source, rp.provisional, rp.automatic_verdict) == (P, Source.AUTOMATIC, False, P)
    assert render(rp.reason) == "responsible_person check said pass"


def test_site_fail_and_phone_yes_passes_by_phone(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, P, P, F), criteria, phone=_phone(True))
    rp = result.outcome("responsible_person")
    assert rp is not None
    assert (rp.verdict, rp.source, rp.provisional, rp.automatic_verdict) == (P, Source.PHONE_CHECK, False, F)
    assert "Karin Lund (enhetschef)" in render(rp.reason) and "2025-02-03" in render(rp.reason)
    assert rp.phone_check == _phone(True)
    assert result.score == 5 and not result.provisional and not result.awaiting_phone_check


def test_site_fail_and_phone_no_fails_for_good(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, P, P, F), criteria, phone=_phone(False))
    rp = result.outcome("responsible_person")
    assert rp is not None
    assert (rp.verdict, rp.source, rp.provisional) == (F, Source.PHONE_CHECK, False)
    assert result.score == 4 and not result.provisional and not result.awaiting_phone_check


def test_site_fail_and_no_phone_row_is_provisional(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, P, P, F), criteria)
    rp = result.outcome("responsible_person")
    assert rp is not None
    assert (rp.verdict, rp.source, rp.provisional, rp.phone_check) == (F, Source.AUTOMATIC, True, None)
    assert "Awaiting a phone check" in render(rp.reason)
    assert result.score == 4
    assert result.provisional and result.awaiting_phone_check and not result.needs_review


def test_needs_review_on_site_and_no_phone_row(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, P, P, R), criteria)
    rp = result.outcome("responsible_person")
    assert rp is not None
    assert (rp.verdict, rp.provisional, rp.automatic_verdict) == (R, True, R)
    assert result.score == 4
    assert result.needs_review and result.provisional and result.awaiting_phone_check


def test_needs_review_elsewhere_is_flagged_but_not_provisional(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, R, P, P, P), criteria)
    assert result.needs_review and not result.provisional and result.score == 4


def _override(criterion: str, verdict: Verdict) -> Override:
    return Override("0114", criterion, verdict, "Anna Berg", "2025-03-05", "Header link hidden behind a hover menu", 7)


def test_override_replaces_the_verdict_and_records_who_when_why(criteria: Criteria) -> None:
    ov = _override("easy_to_find", P)
    result = score_site(_site(), _checks(P, P, F, P, P), criteria, overrides={"easy_to_find": ov})
    outcome = result.outcome("easy_to_find")
    assert outcome is not None
    assert (outcome.verdict, outcome.source, outcome.automatic_verdict, outcome.override) == (P, Source.OVERRIDE, F, ov)
    assert (
        "Anna Berg" in render(outcome.reason)
        and "2025-03-05" in render(outcome.reason)
        and "hover menu" in render(outcome.reason)
    )
    assert outcome.evidence[0].text == "easy_to_find"
    assert result.score == 5
    # Other criteria are untouched.
    assert result.outcome("on_front_page").source is Source.AUTOMATIC  # type: ignore[union-attr]


def test_override_down_lowers_the_score(criteria: Criteria) -> None:
    result = score_site(
        _site(), _checks(P, P, P, P, P), criteria, overrides={"explains_help": _override("explains_help", F)}
    )
    assert result.score == 4
    assert result.outcome("explains_help").automatic_verdict is P  # type: ignore[union-attr]


def test_override_settles_an_awaited_phone_check(criteria: Criteria) -> None:
    ov = _override("responsible_person", P)
    result = score_site(_site(), _checks(P, P, P, P, F), criteria, overrides={"responsible_person": ov})
    rp = result.outcome("responsible_person")
    assert rp is not None
    assert (rp.verdict, rp.source, rp.provisional, rp.automatic_verdict) == (P, Source.OVERRIDE, False, F)
    assert not result.provisional and not result.awaiting_phone_check and result.score == 5


def test_override_resolves_needs_review(criteria: Criteria) -> None:
    result = score_site(
        _site(), _checks(P, R, P, P, P), criteria, overrides={"on_front_page": _override("on_front_page", F)}
    )
    assert not result.needs_review and result.score == 4
    assert result.outcome("on_front_page").automatic_verdict is R  # type: ignore[union-attr]


def test_entry_overridden_to_fail_applies_the_dependency_rule(criteria: Criteria) -> None:
    result = score_site(
        _site(), _checks(P, P, P, P, P), criteria, overrides={"entry_exists": _override("entry_exists", F)}
    )
    assert [o.verdict for o in result.outcomes] == [F, F, F, F, P]
    assert all("dependency rule" in render(result.outcome(cid).reason) for cid in DEPENDANTS)  # type: ignore[union-attr]
    assert result.score == 1


def test_entry_overridden_to_pass_lifts_the_dependency_rule(criteria: Criteria) -> None:
    result = score_site(
        _site(), _checks(F, P, F, P, P), criteria, overrides={"entry_exists": _override("entry_exists", P)}
    )
    assert [o.verdict for o in result.outcomes] == [P, P, F, P, P]
    assert "dependency" not in render(result.outcome("on_front_page").reason)  # type: ignore[union-attr]
    assert result.score == 4


def test_score_is_the_sum_of_the_weights_of_passes(criteria: Criteria) -> None:
    weights = dict(zip(IDS, (1, 2, 3, 4, 5), strict=True))
    weighted = dataclasses.replace(
        criteria, criteria=tuple(dataclasses.replace(c, weight=weights[c.id]) for c in criteria.criteria)
    )
    assert score_site(_site(), _checks(P, F, P, F, P), weighted).score == 1 + 3 + 5
    assert score_site(_site(), _checks(P, P, P, P, P), weighted).score == 15
    assert score_site(_site(), _checks(P, R, R, R, F), weighted, phone=_phone(False)).score == 1
    assert score_site(_site(), _checks(F, P, P, P, F), weighted, phone=_phone(True)).score == 5


def test_outcome_values() -> None:
    assert [CriterionOutcome("x", v, "").value for v in (P, F, R, Verdict.NOT_ASSESSED)] == [1, 0, 0, None]


# --- what pending verdicts can still change -----------------------------------------------------


def test_a_pending_phone_check_can_still_add_its_weight(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, P, P, F), criteria)
    assert result.awaiting_phone_check and not result.settled
    assert (result.score, result.score_min, result.score_max) == (4, 4, 5)


def test_an_entry_under_review_can_still_take_its_dependants_down(criteria: Criteria) -> None:
    # Entry needs review, its dependants pass: if the entry turns out to fail, they count 0.
    result = score_site(_site(), _checks(R, P, P, F, P), criteria)
    assert result.needs_review
    assert (result.score, result.score_min, result.score_max) == (3, 1, 4)


def test_settled_results_have_one_possible_score(criteria: Criteria) -> None:
    result = score_site(_site(), _checks(P, P, F, F, P), criteria)
    assert result.settled and result.score_min == result.score_max == result.score == 3


def test_rank_range_covers_every_way_the_pending_verdicts_can_go(criteria: Criteria) -> None:
    settled_5 = score_site(_site("a", "A"), _checks(P, P, P, P, P), criteria)
    settled_4 = score_site(_site("b", "B"), _checks(P, P, P, F, P), criteria)
    pending_4 = score_site(_site("c", "C"), _checks(P, P, P, P, F), criteria)  # can become 5
    settled_3 = score_site(_site("d", "D"), _checks(P, P, F, F, P), criteria)
    by_id = {r.municipality.id: r for r in rank([settled_5, settled_4, pending_4, settled_3])}
    assert (by_id["c"].rank, by_id["c"].rank_best, by_id["c"].rank_worst) == (2, 1, 2)
    # A settled site's place can move too, because of the others' pending verdicts.
    assert (by_id["a"].rank, by_id["a"].rank_best, by_id["a"].rank_worst) == (1, 1, 1)
    assert (by_id["b"].rank, by_id["b"].rank_best, by_id["b"].rank_worst) == (2, 2, 3)
    assert (by_id["d"].rank, by_id["d"].rank_best, by_id["d"].rank_worst) == (4, 4, 4)
