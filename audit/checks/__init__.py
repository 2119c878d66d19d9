"""Stage 3: one pure check per criterion over a saved snapshot, registered in an explicit table."""

from __future__ import annotations

from collections.abc import Callable

from audit.checks import easy_to_find, entry_exists, explains_help, on_front_page, responsible_person
from audit.checks.findings import Findings, analyse
from audit.criteria import Criteria
from audit.models import CheckResult, SiteSnapshot, Verdict, reason

Check = Callable[[SiteSnapshot, Findings, Criteria], CheckResult]

CHECKS: dict[str, Check] = {
    "entry_exists": entry_exists.check,
    "on_front_page": on_front_page.check,
    "easy_to_find": easy_to_find.check,
    "explains_help": explains_help.check,
    "responsible_person": responsible_person.check,
}


# Criteria judged on the service page: when no service page was found and the entry itself is
# under review, their fail is no more certain than the entry's.
_ON_SERVICE_PAGE = ("explains_help", "responsible_person")


def run_checks(site: SiteSnapshot, criteria: Criteria) -> dict[str, CheckResult]:
    """Every criterion's automatic verdict for one site, in the rubric's order."""
    criteria = criteria.for_country(site.municipality.country)
    found = analyse(site, criteria)
    results = {cid: CHECKS[cid](site, found, criteria) for cid in criteria.ids}
    entry = results.get("entry_exists")
    if entry is not None and entry.verdict is Verdict.NEEDS_REVIEW and not found.service_pages:
        for cid in _ON_SERVICE_PAGE:
            if cid in results and results[cid].verdict is Verdict.FAIL:
                results[cid] = results[cid].doubted(reason("doubt.entry_under_review"))
    return results
