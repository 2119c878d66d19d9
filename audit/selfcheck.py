"""``audit check URL``: one municipality checks its own site and learns how to fix each failure."""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from audit.config import RunConfig
from audit.criteria import Criteria
from audit.municipalities import language_for, url_problem
from audit.runfolder import RunKind

_MARKS = {"pass": "PASS", "fail": "FAIL", "needs_review": "REVIEW", "not_assessed": "N/A"}
EXIT_BELOW_MIN = 3


def run_self_check(
    url: str,
    *,
    name: str,
    country: str,
    min_score: int,
    out: Path | None,
    criteria: Criteria,
    options: Any,
    lang: str | None,
    as_json: bool,
    console: Any,
) -> int:
    """Crawl and score one site; print verdicts, evidence and advice; return the exit code.

    The site runs through the same pipeline as a nationwide run, as a one-row list in a folder of
    its own kind (a self-check never mixes into a nationwide run); with ``out`` it keeps the folder
    and writes the report there too.
    """
    from audit.errors import AuditError

    problem = url_problem(url)
    if problem:
        raise AuditError(f"{url!r} is not a usable homepage URL: {problem}")
    language = lang or language_for(country.upper())
    results = _check(url, name or url, country.upper(), out, criteria, options, language)
    result = results["results"][0]
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    else:
        _print(result, results["criteria"], language, console)
    if result["status"] != "ok":
        return 1
    return EXIT_BELOW_MIN if (result["score"] or 0) < min_score else 0


def _check(
    url: str, name: str, country: str, out: Path | None, criteria: Criteria, options: Any, language: str
) -> dict[str, Any]:
    """The results of a one-site run (scored; with ``out``, also reported there)."""
    from audit.pipeline import execute, score_run

    with tempfile.TemporaryDirectory(prefix="audit-check-") as tmp:
        listing = Path(tmp) / "site.csv"
        with listing.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["id", "name", "country", "region", "url"], ["self", name, country, "", url]])
        run_dir = out or Path(tmp) / "run"
        config = RunConfig(
            listing, run_dir, criteria, options, kind=RunKind.CHECK, lang=language, report=out is not None
        )
        return execute(config) or score_run(run_dir, criteria)


def _print(result: dict[str, Any], criteria: list[dict[str, Any]], lang: str, console: Any) -> None:
    from audit.failures import explain
    from audit.messages import render
    from audit.models import SiteStatus

    if result["status"] != "ok":
        status = SiteStatus(result["status"])
        name, fix = explain(status, lang)
        detail = render(result.get("reason"), lang) or result["detail"]
        console.print(f"{result['homepage_url']}: {name} ({status.value}): {detail}", markup=False)
        console.print(f"  {fix}", markup=False)
        return
    by_id = {c["id"]: c for c in criteria}
    console.print(f"{result['final_url']}: score {result['score']} of {len(criteria)}")
    for outcome in result["outcomes"]:
        crit = by_id[outcome["criterion"]]
        question = crit["question"].get(lang) or crit["question"]["en"]
        console.print(f"\n[{_MARKS[outcome['verdict']]}] {outcome['criterion']}: {question}", markup=False)
        why = render(outcome["reason"], lang)
        if outcome.get("doubt"):
            why = f"{why} {render({'code': 'doubt', 'params': {'why': outcome['doubt']}}, lang)}"
        console.print(f"  why: {why}", markup=False)
        for ev in outcome["evidence"][:2]:
            where = f"{ev['region']}, depth {ev['depth']}" + (f", at y={ev['box']['y']:.0f}px" if ev.get("box") else "")
            console.print(f'  evidence: "{ev["text"][:100]}" ({where}) {ev["url"]}', markup=False)
        if outcome["verdict"] != "pass":
            advice = crit["advice"].get(lang) or crit["advice"]["en"]
            console.print(f"  how to fix: {advice}", markup=False)
