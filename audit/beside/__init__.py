"""Beside the score: informational checks reported next to the five points, never part of them.

Each is a pure function over the saved snapshot and the five checks' results, registered here
like the five checks are in :mod:`audit.checks`. Their outcomes use the same closed set of
verdicts, with a reason on every verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from audit.beside import statement, static_entry
from audit.criteria import Criteria
from audit.models import CheckResult, SiteSnapshot

BesideCheck = Callable[[SiteSnapshot, Mapping[str, CheckResult], Criteria], CheckResult]

BESIDE: dict[str, BesideCheck] = {
    "accessibility_statement": statement.check,
    "entry_without_javascript": static_entry.check,
}


def run_beside(site: SiteSnapshot, results: Mapping[str, CheckResult], criteria: Criteria) -> dict[str, CheckResult]:
    """Every informational check's verdict for one assessed site."""
    criteria = criteria.for_country(site.municipality.country)
    return {name: check(site, results, criteria) for name, check in BESIDE.items()}
