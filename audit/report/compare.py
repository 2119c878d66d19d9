"""Differences between this run and a previous results.json (the ``--compare`` option).

A municipality is matched by id. Rank change is previous rank minus current rank, so a positive
number means the municipality moved up. A criterion is "gained" when it passes now and did not
pass before, "lost" when it passed before and does not now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from audit.models import SiteResult, Verdict


@dataclass(frozen=True)
class Change:
    """How one municipality's result moved since the previous run.

    ``prev_rank``/``prev_score`` are None when it was not ranked then (absent or not assessed).
    ``gained``/``lost`` are criterion ids, sorted; the view puts them in rubric order.
    """

    prev_rank: int | None
    prev_score: int | None
    rank_delta: int | None
    score_delta: int | None
    gained: tuple[str, ...]
    lost: tuple[str, ...]


@dataclass(frozen=True)
class _Previous:
    rank: int | None
    score: int | None
    passed: frozenset[str]


def compute_changes(current: Iterable[SiteResult], previous: dict[str, Any]) -> dict[str, Change]:
    """One :class:`Change` per assessed municipality of ``current``, keyed by id.

    ``previous`` is a parsed results.json; malformed entries in it are ignored rather than
    failing the whole report, since it only adds context.
    """
    before = _index_previous(previous)
    changes: dict[str, Change] = {}
    for site in current:
        if not site.assessed:
            continue
        old = before.get(site.municipality.id, _Previous(None, None, frozenset()))
        passed = frozenset(o.criterion for o in site.outcomes if o.verdict is Verdict.PASS)
        # Gained/lost only make sense against a run in which the municipality was assessed.
        known = old.rank is not None
        changes[site.municipality.id] = Change(
            prev_rank=old.rank,
            prev_score=old.score,
            rank_delta=_delta(old.rank, site.rank),
            score_delta=_delta(site.score, old.score),
            gained=tuple(sorted(passed - old.passed)) if known else (),
            lost=tuple(sorted(old.passed - passed)) if known else (),
        )
    return changes


def _delta(later: int | None, earlier: int | None) -> int | None:
    # Rank: previous - current (up is positive). Score: current - previous.
    if later is None or earlier is None:
        return None
    return later - earlier


def _index_previous(previous: dict[str, Any]) -> dict[str, _Previous]:
    index: dict[str, _Previous] = {}
    entries = previous.get("results", [])
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("status") != "ok":
            continue
        muni = entry.get("municipality")
        mid = muni.get("id") if isinstance(muni, dict) else None
        if not isinstance(mid, str):
            continue
        index[mid] = _Previous(
            rank=_int_or_none(entry.get("rank")),
            score=_int_or_none(entry.get("score")),
            passed=frozenset(_passed_criteria(entry.get("outcomes"))),
        )
    return index


def _passed_criteria(outcomes: Any) -> list[str]:
    if not isinstance(outcomes, list):
        return []
    return [str(o.get("criterion")) for o in outcomes if isinstance(o, dict) and o.get("verdict") == Verdict.PASS.value]


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
